import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { listS3Objects, openS3Object, type S3Location, type S3ObjectRef } from '@aisaws/cloudtrail-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3ListError } from './s3-paths.js';

const messageOf = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Every object to scan under the locations, in order (keys and sizes only); digests and empty objects are skipped. */
async function listS3Inputs(
  client: S3Client,
  locations: readonly S3Location[],
): Promise<{ objects: S3ObjectRef[]; skipped: { file: string; reason: string }[] }> {
  const objects: S3ObjectRef[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const location of locations) {
    try {
      for await (const listed of listS3Objects(client, location)) {
        const { bucket, key, size, name } = listed;
        if (listed.kind === 'skipped') skipped.push({ file: name, reason: listed.reason });
        else objects.push({ bucket, key, size, name });
      }
    } catch (error) {
      throw new S3ListError(`cannot list s3://${location.bucket}/${location.prefix}: ${messageOf(error)}`);
    }
  }
  return { objects, skipped };
}

/** One S3 object, ready for the file reader: its bytes in a private temporary file, or why they could not be read. */
type SpooledObject =
  | { readonly kind: 'spooled'; readonly ref: S3ObjectRef; readonly path: string }
  | { readonly kind: 'unreadable'; readonly ref: S3ObjectRef; readonly error: string };

/** The temporary file keeps the key's last part: the reader tells JSON Lines from JSON by the name (`.jsonl.gz`). */
const spoolName = (index: number, key: string): string =>
  `${index}-${(key.split('/').pop() ?? 'object').replace(/[^\w.-]/g, '_').slice(-100)}`;

/**
 * Streams each object (GetObject body piped to disk, never held in memory) into a private temporary folder and
 * yields it for the same file reader a local scan uses, so an S3 scan gives exactly a local scan's outputs. The next
 * object downloads while the current one is read; each file is deleted once read, the folder at the end. An object
 * that cannot be fetched (gone, access denied, connection lost) is yielded as unreadable and the scan goes on.
 */
async function* spoolS3Objects(
  client: S3Client,
  objects: readonly S3ObjectRef[],
): AsyncGenerator<SpooledObject> {
  const directory = await mkdtemp(join(tmpdir(), 'aisaws-s3-scan-'));
  const spool = async (index: number): Promise<SpooledObject> => {
    const ref = objects[index] as S3ObjectRef;
    const path = join(directory, spoolName(index, ref.key));
    try {
      await pipeline(await openS3Object(client, ref), createWriteStream(path, { mode: 0o600 }));
      return { kind: 'spooled', ref, path };
    } catch (error) {
      await rm(path, { force: true });
      return { kind: 'unreadable', ref, error: `cannot read ${ref.name}: ${messageOf(error)}` };
    }
  };
  let next: Promise<SpooledObject> | undefined = objects.length > 0 ? spool(0) : undefined;
  try {
    for (let index = 0; next !== undefined; index++) {
      const current = await next;
      next = index + 1 < objects.length ? spool(index + 1) : undefined;
      try {
        yield current;
      } finally {
        if (current.kind === 'spooled') await rm(current.path, { force: true });
      }
    }
  } finally {
    await next?.catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
  }
}

export type { SpooledObject };
export { listS3Inputs, spoolS3Objects };
