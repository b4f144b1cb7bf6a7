import { parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

/** The Findings Lambda's environment, parsed once at cold start. */
const FindingsEnvSchema = z.object({
  /** The account this Lambda runs in: the custom product's account and every finding's AwsAccountId. */
  OWN_ACCOUNT_ID: RequiredEnvSchema.check(
    z.regex(/^\d{12}$/, 'must be the 12-digit id of the account this Lambda runs in'),
  ),
  /** The region of Security Hub and of the product ARN (the Lambda's own region). */
  SECURITY_HUB_REGION: RequiredEnvSchema.check(
    z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
  ),
});
type FindingsEnv = z.infer<typeof FindingsEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseFindingsEnv = (env: Record<string, string | undefined>): FindingsEnv =>
  parseEnv(FindingsEnvSchema, env, 'Findings Lambda');

export type { FindingsEnv };
export { FindingsEnvSchema, parseFindingsEnv };
