import { isS3Url, parseS3Url, type S3Location } from '@aisaws/cloudtrail-s3/url';

/**
 * `aisaws scan` arguments split into local paths and `s3://bucket/prefix` locations (a bad URL throws S3UrlError).
 * Kept apart from the S3 client code, which a scan of local files never loads.
 */
function splitS3Paths(paths: readonly string[]): { local: string[]; s3: S3Location[] } {
  const local: string[] = [];
  const s3: S3Location[] = [];
  for (const path of paths)
    if (isS3Url(path)) s3.push(parseS3Url(path));
    else local.push(path);
  return { local, s3 };
}

/** A bucket or prefix that cannot be listed (no such bucket, access denied, no credentials): a usage error. */
class S3ListError extends Error {
  override readonly name = 'S3ListError';
}

export { S3ListError, splitS3Paths };
