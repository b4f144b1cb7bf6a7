import { parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The Alert Lambda's environment, parsed once at cold start. */
const AlertEnvSchema = z.object({
  /** The SNS topic alerts are published to. */
  ALERT_TOPIC_ARN: RequiredEnvSchema.check(z.startsWith('arn:', 'must be an SNS topic ARN')),
  /** The Approval Lambda's function URL, the base of the signed approve/reject links. */
  APPROVAL_BASE_URL: z.url({ message: 'must be the Approval function URL' }),
  /** Secrets Manager secret (name or ARN) holding the approval-link signing key. */
  APPROVAL_SIGNING_KEY_SECRET: RequiredEnvSchema,
  /** DynamoDB table of the Powertools idempotency layer (one alert per eventId, kind and task token). */
  IDEMPOTENCY_TABLE_NAME: RequiredEnvSchema,
  /** SQS queue keeping the alerts SNS refused, for the reconcile job to publish later (optional). */
  ALERT_OUTBOX_QUEUE_URL: z.optional(z.url('must be a URL')),
});
type AlertEnv = z.infer<typeof AlertEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseAlertEnv = (env: Record<string, string | undefined>): AlertEnv =>
  parseEnv(AlertEnvSchema, env, 'Alert Lambda');

export type { AlertEnv };
export { AlertEnvSchema, parseAlertEnv };
