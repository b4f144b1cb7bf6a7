import * as z from 'zod/mini';
import '../zod-english.js';
import { digitAt, readDateTimeHead, twoDigits } from '../digits.js';
import { looseObject } from '../zod-objects.js';

/**
 * CloudTrail schemas. Parsed leniently (DESIGN §3): unknown fields are kept, because CloudTrail adds fields over
 * time and `requestParameters` has a different shape for every API. Only what AISAWS relies on is required.
 * `aisaws scan` parses records with them by the hundred thousand: compiled object parsers (zod-objects.ts).
 */

const SessionIssuerSchema = z.optional(
  looseObject({
    type: z.optional(z.string()),
    principalId: z.optional(z.string()),
    arn: z.optional(z.string()),
    accountId: z.optional(z.string()),
    userName: z.optional(z.string()),
  }),
);

const SessionContextSchema = z.optional(
  looseObject({
    sessionIssuer: SessionIssuerSchema,
    attributes: z.optional(
      looseObject({
        creationDate: z.optional(z.string()),
        mfaAuthenticated: z.optional(z.union([z.string(), z.boolean()])),
      }),
    ),
    ec2RoleDelivery: z.optional(z.string()),
    sourceIdentity: z.optional(z.string()),
  }),
);

const UserIdentitySchema = looseObject({
  type: z.optional(z.string()),
  principalId: z.optional(z.string()),
  arn: z.optional(z.string()),
  accountId: z.optional(z.string()),
  accessKeyId: z.optional(z.string()),
  userName: z.optional(z.string()),
  invokedBy: z.optional(z.string()),
  sessionContext: SessionContextSchema,
});

/**
 * A JSON object whose keys are not validated one by one (`requestParameters` and friends differ per API). Checked
 * without copying: `z.record` would copy every key of every record, which was the largest cost of `aisaws scan`.
 */
const JsonObjectSchema = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { error: 'must be a JSON object' },
);

/** The fields `isDateTime` reads (one array for every call: no allocation per record). */
const DATE_TIME_FIELDS = new Int32Array(6);

/**
 * `YYYY-MM-DD[T ]hh:mm:ss[.fraction][Z|±hh:mm]` with a real calendar day and time, read character by character
 * (every record of a scan has one: no regex match, no array, no Date for days up to the 28th).
 */
function isDateTime(value: string): boolean {
  const fields = DATE_TIME_FIELDS;
  if (!readDateTimeHead(value, fields, true)) return false;
  const length = value.length;
  let i = 19;
  if (i < length && value.charCodeAt(i) === 0x2e) {
    const first = ++i;
    while (i < length && digitAt(value, i) >= 0) i++;
    if (i === first || i - first > 9) return false;
  }
  if (i < length) {
    const zone = value.charCodeAt(i);
    if (zone === 0x5a) i++;
    else if (zone === 0x2b || zone === 0x2d) {
      if (twoDigits(value, i + 1) < 0) return false;
      i += 3;
      if (value.charCodeAt(i) === 0x3a) i++;
      if (twoDigits(value, i) < 0) return false;
      i += 2;
    } else return false;
  }
  const year = fields[0] as number;
  const month = fields[1] as number;
  const day = fields[2] as number;
  if (
    i !== length ||
    (fields[3] as number) >= 24 ||
    (fields[4] as number) >= 60 ||
    (fields[5] as number) >= 61 ||
    month < 1 ||
    month > 12 ||
    day < 1
  )
    return false;
  if (day <= 28) return true;
  // The 29th to 31st: the calendar says (Date.UTC reads years 0–99 as 1900–1999, as the schema always has).
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** One CloudTrail record, as delivered in log files and in EventBridge `detail`. */
const CloudTrailRecordSchema = looseObject({
  eventVersion: z.optional(z.string()),
  userIdentity: z.optional(UserIdentitySchema),
  /**
   * A date-time: CloudTrail writes `2026-11-24T09:00:00Z`; re-shipped logs may use a space, fractions or an offset
   * (`2022-09-15 13:45:24.000`). A value that is not a date (`not-a-date`, month 13) is refused: features and the
   * baseline reason on it. Absent in some re-shipped logs (e.g. Logstash keeps `@timestamp` instead).
   */
  eventTime: z.optional(
    z.string().check(z.refine(isDateTime, 'must be a date-time such as 2026-11-24T09:00:00Z')),
  ),
  eventSource: z.string().check(z.minLength(1, 'eventSource is empty')),
  eventName: z.string().check(z.minLength(1, 'eventName is empty')),
  awsRegion: z.optional(z.string()),
  sourceIPAddress: z.optional(z.string()),
  userAgent: z.optional(z.string()),
  errorCode: z.optional(z.string()),
  errorMessage: z.optional(z.string()),
  requestParameters: z.nullish(JsonObjectSchema),
  responseElements: z.nullish(z.union([JsonObjectSchema, z.boolean(), z.string()])),
  additionalEventData: z.nullish(JsonObjectSchema),
  requestID: z.optional(z.string()),
  eventID: z.string().check(z.minLength(1, 'eventID is empty')),
  readOnly: z.optional(z.boolean()),
  eventType: z.optional(z.string()),
  managementEvent: z.optional(z.boolean()),
  recipientAccountId: z.optional(z.string()),
  eventCategory: z.optional(z.string()),
  resources: z.optional(z.array(looseObject({ ARN: z.optional(z.string()), type: z.optional(z.string()) }))),
  sharedEventID: z.optional(z.string()),
  vpcEndpointId: z.optional(z.string()),
  tlsDetails: z.optional(JsonObjectSchema),
  // CloudTrail writes "true"; some re-shipped logs carry a boolean.
  sessionCredentialFromConsole: z.optional(z.union([z.string(), z.boolean()])),
});

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';
const nonEmptyString = (value: unknown): boolean => typeof value === 'string' && value.length > 0;
const optionalStringOrBoolean = (value: unknown): boolean =>
  value === undefined || typeof value === 'string' || typeof value === 'boolean';
const optionalBoolean = (value: unknown): boolean => value === undefined || typeof value === 'boolean';
const nullishObject = (value: unknown): boolean =>
  value === undefined || value === null || isPlainObject(value);

function isSessionContext(value: unknown): boolean {
  if (value === undefined) return true;
  if (!isPlainObject(value)) return false;
  const issuer = value.sessionIssuer;
  if (
    issuer !== undefined &&
    !(
      isPlainObject(issuer) &&
      optionalString(issuer.type) &&
      optionalString(issuer.principalId) &&
      optionalString(issuer.arn) &&
      optionalString(issuer.accountId) &&
      optionalString(issuer.userName)
    )
  )
    return false;
  const attributes = value.attributes;
  if (
    attributes !== undefined &&
    !(
      isPlainObject(attributes) &&
      optionalString(attributes.creationDate) &&
      optionalStringOrBoolean(attributes.mfaAuthenticated)
    )
  )
    return false;
  return optionalString(value.ec2RoleDelivery) && optionalString(value.sourceIdentity);
}

function isUserIdentity(value: unknown): boolean {
  if (value === undefined) return true;
  return (
    isPlainObject(value) &&
    optionalString(value.type) &&
    optionalString(value.principalId) &&
    optionalString(value.arn) &&
    optionalString(value.accountId) &&
    optionalString(value.accessKeyId) &&
    optionalString(value.userName) &&
    optionalString(value.invokedBy) &&
    isSessionContext(value.sessionContext)
  );
}

function isResources(value: unknown): boolean {
  if (value === undefined) return true;
  if (!Array.isArray(value)) return false;
  for (const resource of value)
    if (!(isPlainObject(resource) && optionalString(resource.ARN) && optionalString(resource.type)))
      return false;
  return true;
}

/**
 * Exactly the records CloudTrailRecordSchema accepts, checked in place (no copy, no issue list): the scan's hot path
 * for records no detection is triggered by. A record it refuses is parsed with the schema, which says why; a test
 * holds the two to the same answer on generated and real records.
 */
function isCloudTrailRecord(value: unknown): value is CloudTrailRecord {
  if (!isPlainObject(value)) return false;
  const eventTime = value.eventTime;
  const response = value.responseElements;
  return (
    nonEmptyString(value.eventSource) &&
    nonEmptyString(value.eventName) &&
    nonEmptyString(value.eventID) &&
    optionalString(value.eventVersion) &&
    (eventTime === undefined || (typeof eventTime === 'string' && isDateTime(eventTime))) &&
    optionalString(value.awsRegion) &&
    optionalString(value.sourceIPAddress) &&
    optionalString(value.userAgent) &&
    optionalString(value.errorCode) &&
    optionalString(value.errorMessage) &&
    nullishObject(value.requestParameters) &&
    (nullishObject(response) || typeof response === 'boolean' || typeof response === 'string') &&
    nullishObject(value.additionalEventData) &&
    optionalString(value.requestID) &&
    optionalBoolean(value.readOnly) &&
    optionalString(value.eventType) &&
    optionalBoolean(value.managementEvent) &&
    optionalString(value.recipientAccountId) &&
    optionalString(value.eventCategory) &&
    optionalString(value.sharedEventID) &&
    optionalString(value.vpcEndpointId) &&
    (value.tlsDetails === undefined || isPlainObject(value.tlsDetails)) &&
    optionalStringOrBoolean(value.sessionCredentialFromConsole) &&
    isUserIdentity(value.userIdentity) &&
    isResources(value.resources)
  );
}

/** The S3 delivery format of CloudTrail: `{"Records": [...]}`. Records are parsed one by one by the reader. */
const CloudTrailLogFileSchema = looseObject({ Records: z.array(z.unknown()) });

type UserIdentity = z.infer<typeof UserIdentitySchema>;
type CloudTrailRecord = z.infer<typeof CloudTrailRecordSchema>;
type CloudTrailLogFile = z.infer<typeof CloudTrailLogFileSchema>;

export type { CloudTrailLogFile, CloudTrailRecord, UserIdentity };
export { CloudTrailLogFileSchema, CloudTrailRecordSchema, isCloudTrailRecord, UserIdentitySchema };
