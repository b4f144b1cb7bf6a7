import * as z from 'zod/mini';
import '../zod-english.js';
import { CloudTrailRecordSchema } from './cloudtrail.js';

/** detail-types through which CloudTrail reaches EventBridge and that AISAWS consumes. */
const CLOUDTRAIL_DETAIL_TYPES = [
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
] as const;

/** The EventBridge envelope of a CloudTrail event (lenient: unknown fields kept). */
const CloudTrailEventBridgeEventSchema = z.looseObject({
  version: z.string(),
  id: z.string().check(z.minLength(1)),
  'detail-type': z.enum(CLOUDTRAIL_DETAIL_TYPES, {
    error: (issue) => `detail-type ${JSON.stringify(issue.input)} is not a CloudTrail event AISAWS consumes`,
  }),
  source: z.string().check(z.regex(/^aws\./, 'source must be an aws.* service')),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z._default(z.array(z.string()), []),
  detail: CloudTrailRecordSchema,
});

type CloudTrailEventBridgeEvent = z.infer<typeof CloudTrailEventBridgeEventSchema>;

export type { CloudTrailEventBridgeEvent };
export { CLOUDTRAIL_DETAIL_TYPES, CloudTrailEventBridgeEventSchema };
