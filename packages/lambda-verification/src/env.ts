import { z } from 'zod';

const VerificationEnvSchema = z.object({
  OWN_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, 'OWN_ACCOUNT_ID must be the 12-digit id of the account this Lambda runs in'),
  MEMBER_ROLE_NAME: z.string().min(1, 'MEMBER_ROLE_NAME must name the role to assume in member accounts'),
  MEMBER_ROLE_EXTERNAL_ID: z
    .string()
    .min(2, 'MEMBER_ROLE_EXTERNAL_ID must be the ExternalId the member role requires'),
  VERIFICATION_DEADLINE_SECONDS: z.coerce
    .number({ message: 'VERIFICATION_DEADLINE_SECONDS must be a number of seconds' })
    .int()
    .positive()
    .default(300),
});
type VerificationEnv = z.infer<typeof VerificationEnvSchema>;

/** Parses the environment; a missing or bad variable throws naming it. */
function parseVerificationEnv(env: Record<string, string | undefined>): VerificationEnv {
  const parsed = VerificationEnvSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export type { VerificationEnv };
export { parseVerificationEnv, VerificationEnvSchema };
