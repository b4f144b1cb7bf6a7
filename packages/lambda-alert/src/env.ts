import { z } from 'zod';

const AlertEnvSchema = z.object({
  ALERT_TOPIC_ARN: z.string().startsWith('arn:', 'ALERT_TOPIC_ARN must be an SNS topic ARN'),
  APPROVAL_BASE_URL: z.url({ message: 'APPROVAL_BASE_URL must be the Approval function URL' }),
  APPROVAL_SIGNING_KEY_PARAMETER: z
    .string()
    .min(1, 'APPROVAL_SIGNING_KEY_PARAMETER must name an SSM parameter'),
  IDEMPOTENCY_TABLE_NAME: z.string().min(1, 'IDEMPOTENCY_TABLE_NAME must name the idempotency table'),
});
type AlertEnv = z.infer<typeof AlertEnvSchema>;

/** Parses the environment; a missing or bad variable throws naming it. */
function parseAlertEnv(env: Record<string, string | undefined>): AlertEnv {
  const parsed = AlertEnvSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export type { AlertEnv };
export { AlertEnvSchema, parseAlertEnv };
