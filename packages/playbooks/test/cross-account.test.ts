import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createCrossAccountClients } from '../src/cross-account.js';

const stsMock = mockClient(STSClient);
let now = new Date('2026-03-01T12:00:00Z');

function credentialsExpiringIn(minutes: number) {
  return {
    Credentials: {
      AccessKeyId: `ASIA${minutes}`,
      SecretAccessKey: 'secret',
      SessionToken: 'session',
      Expiration: new Date(now.getTime() + minutes * 60_000),
    },
  };
}

function clientsUnderTest(sessionName = 'aisaws-remediation') {
  return createCrossAccountClients({
    sts: new STSClient({ region: 'eu-west-1' }),
    ownAccountId: '999999999999',
    memberRoleName: 'aisaws-member-remediation',
    externalId: 'ext-id-123',
    clock: { now: () => now },
    sessionName,
  });
}

beforeEach(() => {
  stsMock.reset();
  now = new Date('2026-03-01T12:00:00Z');
});

describe('createCrossAccountClients', () => {
  it('assumes the member role with the ExternalId and builds clients with those credentials', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolves(credentialsExpiringIn(60));
    // Act
    const clients = await clientsUnderTest()('111122223333');
    const memberSts = clients(STSClient, 'eu-west-1');
    // Assess
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleArn: 'arn:aws:iam::111122223333:role/aisaws-member-remediation',
        RoleSessionName: 'aisaws-remediation',
        ExternalId: 'ext-id-123',
        DurationSeconds: 3600,
      },
    ]);
    expect(await memberSts.config.region()).toBe('eu-west-1');
    expect((await memberSts.config.credentials()).accessKeyId).toBe('ASIA60');
  });

  it('names the session after the calling stage (Verification: aisaws-verification)', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolves(credentialsExpiringIn(60));
    // Act
    await clientsUnderTest('aisaws-verification')('111122223333');
    // Assess
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleSessionName)).toEqual(
      ['aisaws-verification'],
    );
  });

  it('uses the Lambda own credentials for its own account (no AssumeRole)', async () => {
    await clientsUnderTest()('999999999999');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('caches credentials per account and renews them five minutes before they expire', async () => {
    stsMock.on(AssumeRoleCommand).resolves(credentialsExpiringIn(60));
    const clientsFor = clientsUnderTest();
    await clientsFor('111122223333');
    await clientsFor('111122223333');
    await clientsFor('444455556666');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    now = new Date(now.getTime() + 56 * 60_000);
    await clientsFor('111122223333');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(3);
  });

  it('does not cache a failed AssumeRole, and refuses an account id that is not 12 digits', async () => {
    stsMock.on(AssumeRoleCommand).rejectsOnce(new Error('AccessDenied')).resolves(credentialsExpiringIn(60));
    const clientsFor = clientsUnderTest();
    await expect(clientsFor('111122223333')).rejects.toThrow('AccessDenied');
    await expect(clientsFor('111122223333')).resolves.toEqual(expect.any(Function));
    await expect(clientsFor('not-an-account')).rejects.toThrow('not a 12-digit AWS account id');
  });
});
