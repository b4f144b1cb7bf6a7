import { z } from 'zod';

/**
 * CloudTrail schemas. Parsed leniently (DESIGN §3): unknown fields are kept, because CloudTrail adds fields over
 * time and `requestParameters` has a different shape for every API. Only what AISAWS relies on is required.
 */

const SessionIssuerSchema = z
  .looseObject({
    type: z.string().optional(),
    principalId: z.string().optional(),
    arn: z.string().optional(),
    accountId: z.string().optional(),
    userName: z.string().optional(),
  })
  .optional();

const SessionContextSchema = z
  .looseObject({
    sessionIssuer: SessionIssuerSchema,
    attributes: z
      .looseObject({
        creationDate: z.string().optional(),
        mfaAuthenticated: z.union([z.string(), z.boolean()]).optional(),
      })
      .optional(),
    ec2RoleDelivery: z.string().optional(),
    sourceIdentity: z.string().optional(),
  })
  .optional();

const UserIdentitySchema = z.looseObject({
  type: z.string().optional(),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  accessKeyId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
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

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** `YYYY-MM-DD[T ]hh:mm:ss[.fraction][Z|±hh:mm]` with a real calendar day and time. */
function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 61
  );
}

/** One CloudTrail record, as delivered in log files and in EventBridge `detail`. */
const CloudTrailRecordSchema = z.looseObject({
  eventVersion: z.string().optional(),
  userIdentity: UserIdentitySchema.optional(),
  /**
   * A date-time: CloudTrail writes `2026-11-24T09:00:00Z`; re-shipped logs may use a space, fractions or an offset
   * (`2022-09-15 13:45:24.000`). A value that is not a date (`not-a-date`, month 13) is refused: features and the
   * baseline reason on it. Absent in some re-shipped logs (e.g. Logstash keeps `@timestamp` instead).
   */
  eventTime: z.string().refine(isDateTime, 'must be a date-time such as 2026-11-24T09:00:00Z').optional(),
  eventSource: z.string().min(1, 'eventSource is empty'),
  eventName: z.string().min(1, 'eventName is empty'),
  awsRegion: z.string().optional(),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  requestParameters: JsonObjectSchema.nullish(),
  responseElements: z.union([JsonObjectSchema, z.boolean(), z.string()]).nullish(),
  additionalEventData: JsonObjectSchema.nullish(),
  requestID: z.string().optional(),
  eventID: z.string().min(1, 'eventID is empty'),
  readOnly: z.boolean().optional(),
  eventType: z.string().optional(),
  managementEvent: z.boolean().optional(),
  recipientAccountId: z.string().optional(),
  eventCategory: z.string().optional(),
  resources: z.array(z.looseObject({ ARN: z.string().optional(), type: z.string().optional() })).optional(),
  sharedEventID: z.string().optional(),
  vpcEndpointId: z.string().optional(),
  tlsDetails: JsonObjectSchema.optional(),
  // CloudTrail writes "true"; some re-shipped logs carry a boolean.
  sessionCredentialFromConsole: z.union([z.string(), z.boolean()]).optional(),
});

/** The S3 delivery format of CloudTrail: `{"Records": [...]}`. Records are parsed one by one by the reader. */
const CloudTrailLogFileSchema = z.looseObject({ Records: z.array(z.unknown()) });

type UserIdentity = z.infer<typeof UserIdentitySchema>;
type CloudTrailRecord = z.infer<typeof CloudTrailRecordSchema>;
type CloudTrailLogFile = z.infer<typeof CloudTrailLogFileSchema>;

export type { CloudTrailLogFile, CloudTrailRecord, UserIdentity };
export { CloudTrailLogFileSchema, CloudTrailRecordSchema, UserIdentitySchema };
