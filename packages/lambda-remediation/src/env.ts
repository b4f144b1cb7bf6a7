import { z } from 'zod';

const RemediationEnvSchema = z.object({
  EVENTS_TABLE_NAME: z.string().min(1, 'EVENTS_TABLE_NAME must name the events table'),
  IDEMPOTENCY_TABLE_NAME: z.string().min(1, 'IDEMPOTENCY_TABLE_NAME must name the idempotency table'),
  OWN_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, 'OWN_ACCOUNT_ID must be the 12-digit id of the account this Lambda runs in'),
  MEMBER_ROLE_NAME: z.string().min(1, 'MEMBER_ROLE_NAME must name the role to assume in member accounts'),
  MEMBER_ROLE_EXTERNAL_ID: z
    .string()
    .min(2, 'MEMBER_ROLE_EXTERNAL_ID must be the ExternalId the member role requires'),
});
type RemediationEnv = z.infer<typeof RemediationEnvSchema>;

/** Parses the environment; a missing or bad variable throws naming it. */
function parseRemediationEnv(env: Record<string, string | undefined>): RemediationEnv {
  const parsed = RemediationEnvSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export type { RemediationEnv };
export { parseRemediationEnv, RemediationEnvSchema };
