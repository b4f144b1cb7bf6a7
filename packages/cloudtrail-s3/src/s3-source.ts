import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type S3Location, s3Url } from './s3-url.js';

/** One object found under the prefix. */
interface S3ObjectRef {
  readonly bucket: string;
  readonly key: string;
  /** Stored bytes (compressed bytes for a gzip log file). */
  readonly size: number;
  /** `s3://bucket/key`: the object's name in outputs and errors (what a file path is for a local scan). */
  readonly name: string;
}

/** Why a listed object is not read (counted by the caller, never silently dropped). */
type S3SkipReason = 'folder marker' | 'empty' | 'CloudTrail digest';

type ListedObject =
  | ({ readonly kind: 'object' } & S3ObjectRef)
  | ({ readonly kind: 'skipped'; readonly reason: S3SkipReason } & S3ObjectRef);

interface ListOptions {
  /** Keys per ListObjectsV2 page (S3's maximum and default is 1000). */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

/**
 * CloudTrail writes digest files (hashes and signatures of the log files, no events) beside the logs, under
 * `AWSLogs/<account>/CloudTrail-Digest/`: they are listed as skipped, never read as events.
 */
const DIGEST_KEY = /(^|\/)CloudTrail-Digest\//;

/** Why an object with this key and size holds no events to read, or undefined when it is to be read. */
function skipReasonOf(key: string, size: number): S3SkipReason | undefined {
  if (key.endsWith('/') && size === 0) return 'folder marker';
  if (DIGEST_KEY.test(key)) return 'CloudTrail digest';
  if (size === 0) return 'empty';
  return undefined;
}

function classify(ref: S3ObjectRef): ListedObject {
  const reason = skipReasonOf(ref.key, ref.size);
  return reason === undefined ? { kind: 'object', ...ref } : { kind: 'skipped', reason, ...ref };
}

/**
 * Every object under `s3://bucket/prefix`, page by page (ListObjectsV2 with its continuation token), in S3's key
 * order: for CloudTrail's `AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/…` layout that is account,
 * region, then time. Only one page of keys is held at a time.
 */
async function* listS3Objects(
  client: S3Client,
  location: S3Location,
  options: ListOptions = {},
): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: location.bucket,
        Prefix: location.prefix === '' ? undefined : location.prefix,
        ContinuationToken: token,
        MaxKeys: options.pageSize,
      }),
      { abortSignal: options.signal },
    );
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      const key = object.Key;
      yield classify({
        bucket: location.bucket,
        key,
        size: object.Size ?? 0,
        name: s3Url(location.bucket, key),
      });
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/** The response body was not a Node.js stream (only in a non-Node runtime of the SDK). */
class S3ObjectStreamError extends Error {
  override readonly name = 'S3ObjectStreamError';
}

const isReadable = (body: unknown): body is Readable =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as Readable).pipe === 'function' &&
  typeof (body as Readable).on === 'function';

/**
 * The object's bytes as a stream straight from the GetObject response (nothing buffered here: the reader pulls
 * what it needs). The caller must consume or destroy it, or the HTTP connection is held.
 */
async function openS3Object(
  client: S3Client,
  ref: Pick<S3ObjectRef, 'bucket' | 'key'>,
  options: { readonly signal?: AbortSignal } = {},
): Promise<Readable> {
  const response = await client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }), {
    abortSignal: options.signal,
  });
  const body: unknown = response.Body;
  if (!isReadable(body)) {
    throw new S3ObjectStreamError(`${s3Url(ref.bucket, ref.key)}: the response body is not a Node.js stream`);
  }
  return body;
}

export type { ListedObject, ListOptions, S3ObjectRef, S3SkipReason };
export { listS3Objects, openS3Object, S3ObjectStreamError, skipReasonOf };
