import { parsePolicy } from '@aisaws/core/policy';
import { createCrossAccountClients } from '@aisaws/playbooks/cross-account';
import { iamUser, securityGroupOpenToWorldOnSsh } from '@aisaws/testing/fixtures';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createDecisionDeps } from '../src/deps.js';
import { createDecisionHandler, type DecisionDeps, parseDecisionEnv } from '../src/index.js';
import { scoredEvent } from './scored-events.js';

/**
 * Exemption tags of a member account's resource are read in that account: AssumeRole of the member tag-reader role
 * with the ExternalId, then GetResources with those credentials in the resource's region. The security account's
 * own role reads only its own resources' tags (the Tagging API answers only about the caller's account).
 */

const NOW = new Date('2026-11-25T08:20:00.000Z');
const SECURITY = '111111111111';
const MEMBER = '222222222222';
const EXTERNAL_ID = 'aisaws-test-external-id';
const TAG_READER = 'aisaws-test-member-tag-reader';
const documentsMock = mockClient(DynamoDBDocumentClient);
const taggingMock = mockClient(ResourceGroupsTaggingAPIClient);
const stsMock = mockClient(STSClient);
const warnings: string[] = [];

const TRUSTED = parsePolicy({ exemptions: { tag: { trusted: true } } });
const MEMBER_CREDENTIALS = {
  AccessKeyId: 'ASIAMEMBERTAGREADER1',
  SecretAccessKey: 'member-secret',
  SessionToken: 'member-session-token',
  Expiration: new Date('2026-11-25T09:20:00.000Z'),
};

function deps(policy = TRUSTED): DecisionDeps {
  const clock = { now: () => NOW };
  const clientsFor = createCrossAccountClients({
    sts: new STSClient({ region: 'eu-west-1' }),
    ownAccountId: SECURITY,
    memberRoleName: TAG_READER,
    externalId: EXTERNAL_ID,
    clock,
    sessionName: 'aisaws-decision',
  });
  return {
    dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
    tagging: new ResourceGroupsTaggingAPIClient({ region: 'eu-west-1' }),
    memberTagging: {
      ownAccountId: SECURITY,
      clientFor: async (account, region) =>
        (await clientsFor(account))(ResourceGroupsTaggingAPIClient, region),
    },
    eventsTable: 'events-table',
    stateTable: 'state-table',
    policy,
    clock,
    logger: { info() {}, warn: (message) => warnings.push(message), error() {} },
  };
}

/** A world-open SSH ingress on a security group of `account`, in eu-west-3. */
const openGroupIn = (account: string) =>
  scoredEvent(
    securityGroupOpenToWorldOnSsh('sg-0a1b2c3d4e5f60718', {
      recipientAccountId: account,
      awsRegion: 'eu-west-3',
      userIdentity: iamUser('alice', account),
    }),
    0.9,
  );
const exemptTags = [
  { Key: 'aisaws:exempt', Value: '2099-01-01' },
  { Key: 'aisaws:exempt-reason', Value: 'bastion, ticket SEC-42' },
];

beforeEach(() => {
  documentsMock.reset();
  taggingMock.reset();
  stsMock.reset();
  warnings.length = 0;
  documentsMock.on(GetCommand).resolves({ Item: { eventId: 'x', status: 'SCORED' } });
  documentsMock.on(UpdateCommand).resolves({});
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: MEMBER_CREDENTIALS });
});

describe('Decide: tags of a member account resource', () => {
  it('assumes the member tag-reader role with the ExternalId and reads the tags there, in the resource region', async () => {
    // Prepare
    taggingMock.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        {
          ResourceARN: `arn:aws:ec2:eu-west-3:${MEMBER}:security-group/sg-0a1b2c3d4e5f60718`,
          Tags: exemptTags,
        },
      ],
    });
    // Act
    const decided = await createDecisionHandler(deps())(openGroupIn(MEMBER));
    // Assess
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: `arn:aws:iam::${MEMBER}:role/${TAG_READER}`,
        RoleSessionName: 'aisaws-decision',
        ExternalId: EXTERNAL_ID,
        DurationSeconds: 3600,
      },
    ]);
    const [call, ...others] = taggingMock.commandCalls(GetResourcesCommand);
    expect(others).toHaveLength(0);
    expect(call?.args[0].input).toEqual({
      ResourceARNList: [`arn:aws:ec2:eu-west-3:${MEMBER}:security-group/sg-0a1b2c3d4e5f60718`],
    });
    const client = call?.thisValue as ResourceGroupsTaggingAPIClient;
    expect(await client.config.region()).toBe('eu-west-3');
    expect(await client.config.credentials()).toMatchObject({
      accessKeyId: MEMBER_CREDENTIALS.AccessKeyId,
      sessionToken: MEMBER_CREDENTIALS.SessionToken,
    });
    expect(decided.decision).toMatchObject({ exempt: true });
    expect(decided.decision.action).not.toBe('AUTO_REMEDIATE');
    expect(decided.decision.reason).toContain('bastion, ticket SEC-42');
  });

  it("reads the security account's own resource with its own role (no AssumeRole), in the resource's region", async () => {
    // Prepare
    taggingMock.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    // Act
    const decided = await createDecisionHandler(deps())(openGroupIn(SECURITY));
    // Assess
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    const client = taggingMock.commandCalls(GetResourcesCommand)[0]
      ?.thisValue as ResourceGroupsTaggingAPIClient;
    // The Tagging API answers only in the region it is called in: the group is in eu-west-3, the Lambda's
    // default client in eu-west-1 would find no tags there.
    expect(await client.config.region()).toBe('eu-west-3');
    expect(decided.decision.action).toBe('AUTO_REMEDIATE');
  });

  it('the deployed wiring honours an own-account tag in another region, with one client per region', async () => {
    // Prepare: createDecisionDeps as the Lambda builds it, in eu-west-1; the group is in eu-west-3 and exempt
    const previousRegion = process.env.AWS_REGION;
    process.env.AWS_REGION = 'eu-west-1';
    try {
      taggingMock.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ Tags: exemptTags }] });
      const env = parseDecisionEnv({
        EVENTS_TABLE: 'events-table',
        STATE_TABLE: 'state-table',
        POLICY_JSON: JSON.stringify({ exemptions: { tag: { trusted: true } } }),
        OWN_ACCOUNT_ID: SECURITY,
        TAG_READER_ROLE_NAME: TAG_READER,
        MEMBER_ROLE_EXTERNAL_ID: EXTERNAL_ID,
        IDEMPOTENCY_TABLE: 'idempotency-table',
      });
      const wired = createDecisionDeps(env);
      // Its clients and tag readers as deployed; a quiet logger (the deployed one writes to stdout).
      const decideEvent = createDecisionHandler({
        ...wired,
        clock: { now: () => NOW },
        logger: { info() {}, warn() {}, error() {} },
      });
      // Act
      const first = await decideEvent(openGroupIn(SECURITY));
      const second = await decideEvent(openGroupIn(SECURITY));
      // Assess
      expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
      const clients = taggingMock
        .commandCalls(GetResourcesCommand)
        .map((call) => call.thisValue as ResourceGroupsTaggingAPIClient);
      expect(clients).toHaveLength(2);
      expect(clients[1]).toBe(clients[0]);
      expect(await clients[0]?.config.region()).toBe('eu-west-3');
      for (const decided of [first, second]) {
        expect(decided.decision).toMatchObject({ exempt: true });
        expect(decided.decision.action).not.toBe('AUTO_REMEDIATE');
      }
    } finally {
      if (previousRegion === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = previousRegion;
    }
  });

  it('an untrusted tag on a member resource is read but exempts nothing, and the refusal is in the reason', async () => {
    // Prepare
    taggingMock.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ Tags: exemptTags }] });
    // Act
    const decided = await createDecisionHandler(deps(parsePolicy({})))(openGroupIn(MEMBER));
    // Assess
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(decided.decision).toMatchObject({ action: 'AUTO_REMEDIATE', exempt: false });
    expect(decided.decision.reason).toContain(
      'exemption refused: the resource is tagged aisaws:exempt=2099-01-01',
    );
  });

  it('AssumeRole refused: decides without tags, as before, and says so in the reason', async () => {
    // Prepare
    stsMock
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    // Act
    const decided = await createDecisionHandler(deps())(openGroupIn(MEMBER));
    // Assess
    expect(taggingMock.commandCalls(GetResourcesCommand)).toHaveLength(0);
    expect(decided.decision).toMatchObject({ action: 'AUTO_REMEDIATE', exempt: false });
    expect(decided.decision.reason).toContain(
      `resource tags not read (AccessDenied reading the tags in account ${MEMBER} (member tag-reader role)): decided without them, no tag exemption applied`,
    );
    expect(warnings).toEqual(['resource tags unavailable: deciding without them']);
  });

  it('GetResources refused in the member: decides without tags and says so', async () => {
    // Prepare
    taggingMock
      .on(GetResourcesCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ThrottledException' }));
    // Act
    const decided = await createDecisionHandler(deps())(openGroupIn(MEMBER));
    // Assess
    expect(decided.decision.action).toBe('AUTO_REMEDIATE');
    expect(decided.decision.reason).toContain(
      'resource tags not read (ThrottledException reading the tags in account',
    );
  });
});
