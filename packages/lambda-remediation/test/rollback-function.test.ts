import { signRollbackApproval } from '@aisaws/core/approval';
import { createTables, type RunningDynalite, startDynalite } from '@aisaws/testing/harness';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createRemediationHandler, sameClientsForEveryAccount } from '../src/create-remediation-handler.js';
import { createRollbackDeps } from '../src/rollback-deps.js';
import { parseRollbackEnv } from '../src/rollback-env.js';
import { fakeBucketPlaybook } from './fake-playbook.js';

// The deployed rollback function's composition (rollback-deps.ts) against dynalite, with the exact STS and Secrets
// Manager calls checked on mocked clients; the playbook is the in-memory fake (the playbooks' SDK calls are theirs).
const TABLE = 'rollback-events';
const KEY = 'rollback-test-signing-key';
const SECRET = 'aisaws-dev-approval-signing-key';
const ENV = {
  EVENTS_TABLE_NAME: TABLE,
  OWN_ACCOUNT_ID: '999988887777',
  MEMBER_ROLE_NAME: 'aisaws-dev-member-rollback',
  MEMBER_ROLE_EXTERNAL_ID: 'aisaws-dev-external-id',
  APPROVAL_SIGNING_KEY_SECRET: SECRET,
};
const sts = mockClient(STSClient);
const secrets = mockClient(SecretsManagerClient);
let dynalite: RunningDynalite;
let counter = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { events: TABLE });
});
afterAll(async () => {
  await dynalite.stop();
});
beforeEach(() => {
  sts.reset();
  secrets.reset();
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLE',
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
});

const documents = () => DynamoDBDocumentClient.from(dynalite.client);

/** A fix applied by the forward function and recorded VERIFIED: what an approved rollback may undo. */
async function verifiedFix(fake: ReturnType<typeof fakeBucketPlaybook>) {
  counter += 1;
  const event = publicBucketDecidedEvent({ eventId: `rb-${counter}` });
  await documents().send(
    new PutCommand({
      TableName: TABLE,
      Item: {
        eventId: event.eventId,
        status: 'DECIDED',
        timeline: {},
        decision: event.decision,
        detections: event.detections,
      },
    }),
  );
  const forward = createRemediationHandler({
    dynamo: dynalite.client,
    eventsTable: TABLE,
    clientsFor: sameClientsForEveryAccount(() => {
      throw new Error('the fake playbook builds no client');
    }),
    playbookFor: () => fake.playbook,
  });
  await forward({ schemaVersion: 1, action: 'snapshot', event });
  await forward({ schemaVersion: 1, action: 'apply', event });
  await documents().send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { eventId: event.eventId },
      UpdateExpression: 'SET #status = :verified, verification = :verification',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':verified': 'VERIFIED',
        ':verification': {
          status: 'converged',
          observed: JSON.stringify({ public: fake.resource.public }),
          checkedAt: new Date().toISOString(),
        },
      },
    }),
  );
  return event;
}

function rollbackFunction(fake: ReturnType<typeof fakeBucketPlaybook>) {
  const deps = createRollbackDeps(parseRollbackEnv(ENV), {
    dynamo: dynalite.client,
    sts: new STSClient({ region: 'us-east-1' }),
    secrets: new SecretsManagerClient({ region: 'us-east-1' }),
  });
  return createRemediationHandler({ ...deps, playbookFor: () => fake.playbook });
}

const approval = (eventId: string, key = KEY, approvedBy = 'secops@example.com') =>
  signRollbackApproval(
    {
      eventId,
      approvedBy,
      approvedAt: new Date().toISOString(),
      expiresAt: Math.floor(Date.now() / 1000) + 900,
    },
    key,
  );

describe('the deployed rollback function', () => {
  it('verifies the approval with the key from Secrets Manager, assumes the member rollback role, rolls back and records it', async () => {
    // Prepare
    const fake = fakeBucketPlaybook({ public: true });
    const event = await verifiedFix(fake);
    const account = event.detections[0]?.resource?.account;
    expect(account).toMatch(/^\d{12}$/);
    expect(account).not.toBe(ENV.OWN_ACCOUNT_ID);
    // Act
    const result = await rollbackFunction(fake)({
      schemaVersion: 1,
      action: 'rollback',
      eventId: event.eventId,
      approval: approval(event.eventId),
    });
    // Assess
    expect(result).toMatchObject({ action: 'rollback', status: 'rolled-back' });
    expect(fake.resource.public).toBe(true);
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ SecretId: SECRET }),
    ]);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: `arn:aws:iam::${account}:role/aisaws-dev-member-rollback`,
        RoleSessionName: 'aisaws-rollback',
        ExternalId: 'aisaws-dev-external-id',
        DurationSeconds: 3600,
      },
    ]);
    const { Item } = await documents().send(
      new GetCommand({ TableName: TABLE, Key: { eventId: event.eventId } }),
    );
    expect(Item).toMatchObject({
      status: 'ROLLED_BACK',
      rollback: { status: 'rolled-back', approvedBy: 'secops@example.com' },
    });
  });

  it('refuses an approval signed with another key before assuming any role', async () => {
    // Prepare
    const fake = fakeBucketPlaybook({ public: true });
    const event = await verifiedFix(fake);
    // Act
    const error = await rollbackFunction(fake)({
      schemaVersion: 1,
      action: 'rollback',
      eventId: event.eventId,
      approval: approval(event.eventId, 'not-the-deployed-key'),
    }).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ name: 'RollbackRefusedError' });
    expect(fake.resource.public).toBe(false);
    expect(sts.commandCalls(AssumeRoleCommand)).toEqual([]);
    expect(fake.calls.filter((c) => c.operation === 'rollback')).toEqual([]);
    // The cached key, then one fresh read in case of a rotation; no more.
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('reads the key once more when the approval was signed with a key rotated in after its cached read', async () => {
    // Prepare
    const fake = fakeBucketPlaybook({ public: true });
    const event = await verifiedFix(fake);
    const rollback = rollbackFunction(fake);
    secrets.reset();
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'the-key-before-rotation' })
      .resolves({ SecretString: 'the-key-after-rotation' });
    // Act
    const result = await rollback({
      schemaVersion: 1,
      action: 'rollback',
      eventId: event.eventId,
      approval: approval(event.eventId, 'the-key-after-rotation'),
    });
    // Assess
    expect(result).toMatchObject({ status: 'rolled-back' });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('a retry with the same approval after the rollback ran returns the earlier result; another approval is refused', async () => {
    // Prepare: the rollback ran and recorded, but its reply was lost (Step Functions retries Roll Back)
    const fake = fakeBucketPlaybook({ public: true });
    const event = await verifiedFix(fake);
    const rollback = rollbackFunction(fake);
    const request = {
      schemaVersion: 1 as const,
      action: 'rollback' as const,
      eventId: event.eventId,
      approval: approval(event.eventId),
    };
    const first = await rollback(request);
    const rollbacksBefore = fake.calls.filter((c) => c.operation === 'rollback').length;
    // Act
    const retried = await rollback(request);
    const other = await rollback({
      ...request,
      approval: approval(event.eventId, KEY, 'someone-else@example.com'),
    }).catch((e: unknown) => e);
    // Assess: the same result, the playbook not called again; a different approval still refused
    expect(first.changes.length).toBeGreaterThan(0);
    expect(retried).toEqual(first);
    expect(fake.calls.filter((c) => c.operation === 'rollback')).toHaveLength(rollbacksBefore);
    expect(other).toMatchObject({
      name: 'RollbackRefusedError',
      message: expect.stringContaining('already rolled back'),
    });
  });

  it('refuses snapshot and apply: it holds the rollback authority only', async () => {
    // Prepare
    const fake = fakeBucketPlaybook({ public: true });
    const event = publicBucketDecidedEvent({ eventId: 'rb-forward' });
    // Act
    const error = await rollbackFunction(fake)({ schemaVersion: 1, action: 'apply', event }).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(error).toMatchObject({ name: 'WrongAuthorityError' });
    expect(fake.calls).toEqual([]);
  });

  it('names every missing variable of its environment', () => {
    expect(() =>
      parseRollbackEnv({ ...ENV, APPROVAL_SIGNING_KEY_SECRET: undefined, OWN_ACCOUNT_ID: 'x' }),
    ).toThrow(
      /APPROVAL_SIGNING_KEY_SECRET[\s\S]*OWN_ACCOUNT_ID|OWN_ACCOUNT_ID[\s\S]*APPROVAL_SIGNING_KEY_SECRET/,
    );
  });
});
