import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** Returns the approval-link HMAC key. */
type SigningKeyProvider = () => Promise<string>;

/**
 * Reads the SecureString parameter once (GetParameter WithDecryption) and keeps the value for the container's
 * lifetime; a failed read is not cached. (The Alert Lambda has the same reader: Lambda packages do not import each
 * other.)
 */
function createSsmSigningKeyProvider(ssm: SSMClient, parameterName: string): SigningKeyProvider {
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

export type { SigningKeyProvider };
export { createSsmSigningKeyProvider };
