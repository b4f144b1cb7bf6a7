import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A path given to `scan` that does not exist or cannot be read: a usage error (exit 2). */
class ScanPathError extends Error {
  override readonly name = 'ScanPathError';
}

interface InputFile {
  readonly path: string;
  readonly size: number;
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function walk(directory: string, into: InputFile[], visited: Set<string>): Promise<void> {
  // Folders reached twice (through symbolic links) are walked once: no cycles, no duplicates.
  const real = await realpath(directory);
  if (visited.has(real)) return;
  visited.add(real);
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => byCodePoint(a.name, b.name));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    // A symbolic link counts as what it points to; a dangling one is left out.
    const info = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
    if (info?.isDirectory()) await walk(path, into, visited);
    else if (info?.isFile()) into.push({ path, size: (await stat(path)).size });
  }
}

/**
 * The files to scan, in a deterministic order: each path in the order given; a folder is walked recursively with its
 * entries sorted by name (code point order, so the order does not depend on the locale).
 */
async function discoverFiles(paths: readonly string[]): Promise<InputFile[]> {
  const files: InputFile[] = [];
  const visited = new Set<string>();
  for (const path of paths) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new ScanPathError(
        error.code === 'ENOENT' ? `path not found: ${path}` : `cannot read ${path}: ${error.message}`,
      );
    });
    if (info.isDirectory()) await walk(path, files, visited);
    else if (info.isFile()) files.push({ path, size: info.size });
    else throw new ScanPathError(`not a file or folder: ${path}`);
  }
  return files;
}

export type { InputFile };
export { discoverFiles, ScanPathError };
