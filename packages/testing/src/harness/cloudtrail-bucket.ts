import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

interface CloudTrailLogObject {
  readonly account: string;
  readonly region: string;
  /** Delivery time: the key's `<yyyy>/<mm>/<dd>` and its `<yyyymmddThhmmZ>` part. */
  readonly deliveredAt: Date;
  /** Distinguishes objects delivered in the same minute (CloudTrail uses a random suffix). */
  readonly suffix: string;
  readonly records: readonly unknown[];
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * The key CloudTrail delivers a log file to:
 * `[prefix/]AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<suffix>.json.gz`.
 */
function cloudTrailLogKey(object: Omit<CloudTrailLogObject, 'records'>, prefix = ''): string {
  const d = object.deliveredAt;
  const [yyyy, mm, dd] = [String(d.getUTCFullYear()), two(d.getUTCMonth() + 1), two(d.getUTCDate())];
  const stamp = `${yyyy}${mm}${dd}T${two(d.getUTCHours())}${two(d.getUTCMinutes())}Z`;
  const file = `${object.account}_CloudTrail_${object.region}_${stamp}_${object.suffix}.json.gz`;
  return `${prefix}AWSLogs/${object.account}/CloudTrail/${object.region}/${yyyy}/${mm}/${dd}/${file}`;
}

/** The bytes CloudTrail writes: `{"Records":[…]}` on one line, gzip. */
const cloudTrailLogBytes = (records: readonly unknown[]): Buffer =>
  gzipSync(Buffer.from(JSON.stringify({ Records: records }), 'utf8'));

/** Puts a gzip CloudTrail log file at CloudTrail's key layout; returns its key. */
async function putCloudTrailLogObject(
  client: S3Client,
  bucket: string,
  object: CloudTrailLogObject,
  prefix = '',
): Promise<string> {
  const key = cloudTrailLogKey(object, prefix);
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: cloudTrailLogBytes(object.records),
    }),
  );
  return key;
}

export type { CloudTrailLogObject };
export { cloudTrailLogBytes, cloudTrailLogKey, putCloudTrailLogObject };
