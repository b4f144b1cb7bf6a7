import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Returns a secret's value. `{ refresh: true }` bypasses any cache: a caller that meets a value newer than its cached
 * one (an approval link signed after a key rotation) reads the secret again once.
 */
type SecretProvider = (options?: { readonly refresh?: boolean }) => Promise<string>;

/** Seconds a secret value is kept before it is read again, so a rotation reaches warm containers. */
const DEFAULT_SECRET_MAX_AGE_SECONDS = 300;

/**
 * A reader of one Secrets Manager secret string (GetSecretValue of AWSCURRENT), cached for `maxAgeSeconds` by
 * Powertools Parameters. An empty or binary secret is an error naming the secret; a failed read is not cached.
 */
function cachedSecret(
  client: SecretsManagerClient,
  secretId: string,
  maxAgeSeconds = DEFAULT_SECRET_MAX_AGE_SECONDS,
): SecretProvider {
  const provider = new SecretsProvider({ awsSdkV3Client: client });
  return async (options) => {
    const value = await provider.get(secretId, {
      maxAge: maxAgeSeconds,
      ...(options?.refresh ? { forceFetch: true } : {}),
    });
    if (typeof value !== 'string' || value.length === 0)
      throw new Error(`secret ${secretId} has no string value`);
    return value;
  };
}

export type { SecretProvider };
export { cachedSecret, DEFAULT_SECRET_MAX_AGE_SECONDS };
