import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { cachedSecret } from '../src/secrets/index.js';

const secretsManager = mockClient(SecretsManagerClient);
const SECRET = 'aisaws/test/approval-signing-key';

afterEach(() => {
  secretsManager.reset();
});

describe('cachedSecret', () => {
  it('reads the secret once and answers later calls from the cache', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'key-1' });
    const read = cachedSecret(new SecretsManagerClient({ region: 'us-east-1' }), SECRET);
    // Act
    const values = [await read(), await read()];
    // Assess
    expect(values).toEqual(['key-1', 'key-1']);
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: SECRET },
    ]);
  });

  it('reads again on refresh, so a value rotated since the last read is seen at once', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'key-1' })
      .resolves({ SecretString: 'key-2' });
    const read = cachedSecret(new SecretsManagerClient({ region: 'us-east-1' }), `${SECRET}-refresh`);
    // Act
    const before = await read();
    const cached = await read();
    const refreshed = await read({ refresh: true });
    // Assess
    expect([before, cached, refreshed]).toEqual(['key-1', 'key-1', 'key-2']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses an empty or binary secret, naming it, and does not keep the failure', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretBinary: new Uint8Array([1, 2]) })
      .resolves({ SecretString: 'key-3' });
    const read = cachedSecret(new SecretsManagerClient({ region: 'us-east-1' }), `${SECRET}-binary`);
    // Act
    const failure = await read().catch((error: unknown) => error);
    const next = await read({ refresh: true });
    // Assess
    expect(failure).toEqual(new Error(`secret ${SECRET}-binary has no string value`));
    expect(next).toBe('key-3');
  });
});
