import { z } from 'zod';

const ApprovalEnvSchema = z.object({
  STATE_TABLE_NAME: z.string().min(1, 'STATE_TABLE_NAME must name the state table'),
  APPROVAL_SIGNING_KEY_PARAMETER: z
    .string()
    .min(1, 'APPROVAL_SIGNING_KEY_PARAMETER must name an SSM parameter'),
});
type ApprovalEnv = z.infer<typeof ApprovalEnvSchema>;

/** Parses the environment; a missing or bad variable throws naming it. */
function parseApprovalEnv(env: Record<string, string | undefined>): ApprovalEnv {
  const parsed = ApprovalEnvSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export type { ApprovalEnv };
export { ApprovalEnvSchema, parseApprovalEnv };
