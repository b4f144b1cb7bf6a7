/** A bucket and a key prefix, as `s3://bucket/prefix` names them. */
interface S3Location {
  readonly bucket: string;
  /** Key prefix, possibly empty (the whole bucket). */
  readonly prefix: string;
}

/** An `s3://` argument that does not name a bucket: a usage error. */
class S3UrlError extends Error {
  override readonly name = 'S3UrlError';
}

/** Bucket names as S3 allows them today (3–63 lowercase letters, digits, dots, hyphens). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const isS3Url = (value: string): boolean => value.toLowerCase().startsWith('s3://');

/** `s3://bucket/AWSLogs/123/CloudTrail/` → `{ bucket, prefix }`; anything else throws S3UrlError saying why. */
function parseS3Url(url: string): S3Location {
  if (!isS3Url(url)) throw new S3UrlError(`not an s3:// URL: ${url}`);
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? '' : rest.slice(slash + 1);
  if (bucket === '') throw new S3UrlError(`${url} names no bucket (expected s3://bucket/prefix)`);
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..'))
    throw new S3UrlError(`${url}: "${bucket}" is not a valid S3 bucket name`);
  return { bucket, prefix };
}

/** The `s3://bucket/key` name of an object: how it is named in outputs and errors. */
const s3Url = (bucket: string, key: string): string => `s3://${bucket}/${key}`;

export type { S3Location };
export { isS3Url, parseS3Url, S3UrlError, s3Url };
