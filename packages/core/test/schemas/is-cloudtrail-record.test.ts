import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CloudTrailRecordSchema, isCloudTrailRecord } from '../../src/schemas/index.js';

/**
 * `isCloudTrailRecord` is the scan's in-place check of every record; the schema is parsed
 * only when it refuses. Both must give the same answer on every input, or a bad record would be scored (or a good one
 * reported as bad): checked on generated variants of a full record and on every record of the real datasets.
 */

const full: Record<string, unknown> = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEID:dev',
    arn: 'arn:aws:sts::111122223333:assumed-role/dev/dev',
    accountId: '111122223333',
    accessKeyId: 'ASIAEXAMPLE',
    userName: 'dev',
    invokedBy: 'cloudformation.amazonaws.com',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEID',
        arn: 'arn:aws:iam::111122223333:role/dev',
        accountId: '111122223333',
        userName: 'dev',
      },
      attributes: { creationDate: '2026-11-20T10:00:00Z', mfaAuthenticated: 'false' },
      ec2RoleDelivery: '2.0',
      sourceIdentity: 'alice',
    },
  },
  eventTime: '2026-11-20T10:01:02Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  awsRegion: 'eu-west-1',
  sourceIPAddress: '203.0.113.10',
  userAgent: 'aws-cli/2.15.0',
  errorCode: 'AccessDenied',
  errorMessage: 'denied',
  requestParameters: { groupId: 'sg-0abc' },
  responseElements: { _return: true },
  additionalEventData: { MFAUsed: 'No' },
  requestID: 'r-1',
  eventID: '3f0c2a4e-0000-4000-8000-000000000001',
  readOnly: true,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '111122223333',
  eventCategory: 'Management',
  resources: [{ ARN: 'arn:aws:ec2:eu-west-1:111122223333:instance/i-1', type: 'AWS::EC2::Instance' }],
  sharedEventID: 's-1',
  vpcEndpointId: 'vpce-1',
  tlsDetails: { tlsVersion: 'TLSv1.3' },
  sessionCredentialFromConsole: 'true',
  somethingNew: [1, 2, 3],
};

/** Values of every JSON type, some of them plausible for a field and some not. */
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(
    '',
    'x',
    '2026-11-20T10:01:02Z',
    '2026-13-01T00:00:00Z',
    '2022-09-15 13:45:24.000',
    'not-a-date',
  ),
  fc.integer(),
  fc.constantFrom({}, { type: 'Role', arn: 7 }, { creationDate: 1 }, { mfaAuthenticated: true }, []),
  fc.constantFrom([], [{}], [{ ARN: 'a', type: 'b' }], [{ ARN: 1 }], [null], ['x']),
);

type Path = readonly string[];

/** Every field path of `full`, nested objects included (arrays are replaced whole). */
function pathsOf(value: Record<string, unknown>, prefix: Path = []): Path[] {
  const paths: Path[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, key];
    paths.push(path);
    if (typeof child === 'object' && child !== null && !Array.isArray(child))
      paths.push(...pathsOf(child as Record<string, unknown>, path));
  }
  return paths;
}

/** A deep copy of `record` with the value at `path` replaced (undefined deletes the field). */
function withValue(record: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(record);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

const agree = (value: unknown): void => {
  expect({ value, fast: isCloudTrailRecord(value) }).toEqual({
    value,
    fast: CloudTrailRecordSchema.safeParse(value).success,
  });
};

describe('isCloudTrailRecord', () => {
  const paths = pathsOf(full);

  it('accepts the full record and the minimal one, and refuses what is not an object', () => {
    expect(isCloudTrailRecord(full)).toBe(true);
    expect(isCloudTrailRecord({ eventSource: 's', eventName: 'n', eventID: 'i' })).toBe(true);
    for (const value of [null, [], 'x', 1, [full]]) expect(isCloudTrailRecord(value)).toBe(false);
  });

  it('answers as CloudTrailRecordSchema does when one to three fields take any value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...paths), anyValue), { minLength: 1, maxLength: 3 }),
        (changes) => {
          let record = full;
          for (const [path, value] of changes) {
            // A change below a field another change replaced by a non-object has nowhere to go.
            let parent: unknown = record;
            for (const key of path.slice(0, -1)) parent = (parent as Record<string, unknown>)?.[key];
            if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) continue;
            record = withValue(record, path, value);
          }
          agree(record);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('answers as CloudTrailRecordSchema does on every field taking every kind of value', () => {
    const values: unknown[] = [
      undefined,
      null,
      true,
      '',
      'x',
      'not-a-date',
      '2026-11-20T10:01:02Z',
      0,
      {},
      [],
      [{}],
    ];
    for (const path of paths) for (const value of values) agree(withValue(full, path, value));
  });

  // Without the datasets (a machine without ../shared, AISAWS_DATASETS unset) the test is skipped, and counted so.
  const root = resolve(
    process.env.AISAWS_DATASETS ??
      join(dirname(fileURLToPath(import.meta.url)), '../../../../..', 'shared', 'datasets'),
  );
  (existsSync(join(root, 'cloudtrail')) ? it : it.skip)(
    'answers as CloudTrailRecordSchema does on every record of the real datasets',
    () => {
      const files: string[] = [];
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir).sort()) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) walk(path);
          else if (/\.json(l)?(\.gz)?$/.test(name)) files.push(path);
        }
      };
      walk(join(root, 'cloudtrail'));
      let records = 0;
      for (const file of files) {
        const bytes = readFileSync(file);
        const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
        const values: unknown[] = [];
        try {
          const document: unknown = JSON.parse(text);
          if (Array.isArray(document)) values.push(...document);
          else if (typeof document === 'object' && document !== null && 'Records' in document)
            values.push(...((document as { Records: unknown[] }).Records ?? []));
          else values.push(document);
        } catch {
          for (const line of text.split('\n'))
            try {
              values.push(JSON.parse(line));
            } catch {
              // not a record
            }
        }
        for (const value of values) {
          records++;
          if (isCloudTrailRecord(value) !== CloudTrailRecordSchema.safeParse(value).success) agree(value);
        }
      }
      expect(records).toBeGreaterThan(1000);
    },
  );
});
