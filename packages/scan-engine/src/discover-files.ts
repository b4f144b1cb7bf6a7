import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A path given to `scan` that does not exist or is not a file or folder: a usage error (exit 2). */
class ScanPathError extends Error {
  override readonly name = 'ScanPathError';
}

/** A regular file to read. */
interface InputFile {
  readonly kind: 'file';
  readonly path: string;
  readonly size: number;
}

/** Why a path found while walking is not read (counted in the summary, one note per reason). */
type SkipReason =
  | 'not JSON'
  | 'not CloudTrail'
  | 'empty'
  | 'dangling link'
  | 'not a regular file'
  | 'already scanned';

interface SkippedPath {
  readonly kind: 'skipped';
  readonly path: string;
  readonly reason: SkipReason;
  /** What it is, when that helps (e.g. "a FIFO"). */
  readonly detail?: string;
}

/** A file or folder that could not be read (permissions, I/O error): an input error; the scan goes on. */
interface UnreadablePath {
  readonly kind: 'unreadable';
  readonly path: string;
  readonly error: string;
}

/** What the walk found, in scan order. */
type DiscoveredPath = InputFile | SkippedPath | UnreadablePath;

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const errorText = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
    ? error.message
    : String(error);

/** A special file (FIFO, socket, device) is never opened: reading a FIFO would wait forever. */
function specialKind(info: Stats | Dirent): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

class Walk {
  readonly found: DiscoveredPath[] = [];
  /** Real paths of folders walked and files listed: each is read once, however it is reached. */
  private readonly seenFolders = new Set<string>();
  private readonly seenFiles = new Set<string>();

  /** A regular file: listed once (by its real path); an empty one is skipped with a note. */
  async addFile(path: string, info: Stats): Promise<void> {
    const real = await realpath(path).catch(() => path);
    if (this.seenFiles.has(real)) {
      this.found.push({ kind: 'skipped', path, reason: 'already scanned' });
      return;
    }
    this.seenFiles.add(real);
    if (info.size === 0) this.found.push({ kind: 'skipped', path, reason: 'empty' });
    else this.found.push({ kind: 'file', path, size: info.size });
  }

  async folder(directory: string): Promise<void> {
    let entries: Dirent[];
    try {
      // Folders reached twice (through symbolic links) are walked once: no cycles, no duplicates.
      const real = await realpath(directory);
      if (this.seenFolders.has(real)) return;
      this.seenFolders.add(real);
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      this.found.push({
        kind: 'unreadable',
        path: directory,
        error: `cannot read the folder: ${errorText(error)}`,
      });
      return;
    }
    entries.sort((a, b) => byCodePoint(a.name, b.name));
    for (const entry of entries) await this.entry(join(directory, entry.name), entry);
  }

  private async entry(path: string, entry: Dirent): Promise<void> {
    let info: Stats;
    try {
      // A symbolic link counts as what it points to.
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (entry.isSymbolicLink() && (code === 'ENOENT' || code === 'ELOOP'))
        this.found.push({ kind: 'skipped', path, reason: 'dangling link' });
      else this.found.push({ kind: 'unreadable', path, error: `cannot read the file: ${errorText(error)}` });
      return;
    }
    if (info.isDirectory()) await this.folder(path);
    else if (info.isFile()) await this.addFile(path, info);
    else this.found.push({ kind: 'skipped', path, reason: 'not a regular file', detail: specialKind(info) });
  }
}

/**
 * The files to scan, in a deterministic order: each path in the order given; a folder is walked recursively with its
 * entries sorted by name (code point order, so the order does not depend on the locale). A path given on the command
 * line that is missing or not a file or folder is a usage error; inside a folder, what cannot be read is reported
 * in its place (and the walk goes on), and what is not worth reading is skipped with its reason.
 */
async function discoverFiles(paths: readonly string[]): Promise<DiscoveredPath[]> {
  const walk = new Walk();
  for (const path of paths) {
    let info: Stats;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new ScanPathError(`path not found: ${path}`);
      if (code === 'ELOOP') throw new ScanPathError(`path not found (a loop of symbolic links): ${path}`);
      if (code === 'ENAMETOOLONG') throw new ScanPathError(`path too long: ${path.slice(0, 80)}…`);
      walk.found.push({ kind: 'unreadable', path, error: `cannot read: ${errorText(error)}` });
      continue;
    }
    if (info.isDirectory()) await walk.folder(path);
    else if (info.isFile()) await walk.addFile(path, info);
    else throw new ScanPathError(`not a file or folder: ${path} is ${specialKind(info)}`);
  }
  return walk.found;
}

export type { DiscoveredPath, InputFile, SkippedPath, SkipReason, UnreadablePath };
export { discoverFiles, ScanPathError };
