import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** Returns a secret's value; the same value for the container's lifetime once read. */
type SecretProvider = () => Promise<string>;

/**
 * A reader of one SSM SecureString parameter (GetParameter WithDecryption). The first call reads it and every later
 * call gets the same value for the container's lifetime; a failed or empty read is not kept, so the next call tries
 * again. Concurrent first calls share one request.
 */
function cachedSecureParameter(ssm: Pick<SSMClient, 'send'>, parameterName: string): SecretProvider {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= ssm
      .send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }))
      .then((output) => {
        const value = output.Parameter?.Value;
        if (!value) throw new Error(`SSM parameter ${parameterName} has no value`);
        return value;
      });
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
}

export type { SecretProvider };
export { cachedSecureParameter };
