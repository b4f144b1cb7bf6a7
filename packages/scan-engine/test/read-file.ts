import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FileItem, type ReadInputOptions, readInputFile } from '../src/read-input.js';

/** The items `readInputFile` yields for a file named `name` holding `content`, written to a folder of its own. */
async function readItemsOf(
  name: string,
  content: string | Buffer,
  options: ReadInputOptions = {},
): Promise<FileItem[]> {
  const folder = await mkdtemp(join(tmpdir(), 'aisaws-read-'));
  try {
    const path = join(folder, name);
    await writeFile(path, content);
    const items: FileItem[] = [];
    const file = { kind: 'file' as const, path, size: (await stat(path)).size };
    for await (const batch of readInputFile(file, options)) items.push(...batch);
    return items;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export { readItemsOf };
