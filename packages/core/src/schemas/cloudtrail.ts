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

/** One CloudTrail record, as delivered in log files and in EventBridge `detail`. */
const CloudTrailRecordSchema = z.looseObject({
  eventVersion: z.string().optional(),
  userIdentity: UserIdentitySchema.optional(),
  /** Absent in some re-shipped logs (e.g. Logstash keeps `@timestamp` instead). */
  eventTime: z.string().optional(),
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
