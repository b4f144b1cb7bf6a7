import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { cachedSecureParameter } from '../src/ssm/index.js';

const ssm = mockClient(SSMClient);
const PARAMETER = '/aisaws/test/approval-signing-key';

afterEach(() => {
  ssm.reset();
});

describe('cachedSecureParameter', () => {
  it('reads the parameter decrypted once and answers every later call from memory', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'secret-1' } });
    const read = cachedSecureParameter(new SSMClient({ region: 'us-east-1' }), PARAMETER);
    // Act
    const values = await Promise.all([read(), read()]);
    values.push(await read());
    // Assess
    expect(values).toEqual(['secret-1', 'secret-1', 'secret-1']);
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: PARAMETER, WithDecryption: true },
    ]);
  });

  it('does not keep a failed read: the next call asks SSM again', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ Parameter: { Value: 'secret-2' } });
    const read = cachedSecureParameter(new SSMClient({ region: 'us-east-1' }), PARAMETER);
    // Act
    const first = await read().catch((e: unknown) => e);
    const second = await read();
    // Assess
    expect((first as Error).name).toBe('ThrottlingException');
    expect(second).toBe('secret-2');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('names the parameter when it has no value, and tries again next time', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: {} })
      .resolves({ Parameter: { Value: 'secret-3' } });
    const read = cachedSecureParameter(new SSMClient({ region: 'us-east-1' }), PARAMETER);
    // Act & Assess
    await expect(read()).rejects.toThrow(`SSM parameter ${PARAMETER} has no value`);
    await expect(read()).resolves.toBe('secret-3');
  });
});
