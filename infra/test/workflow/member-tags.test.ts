import { parsePolicy } from '@aisaws/core/policy';
import type { DecisionDeps } from '@aisaws/lambda-decision';
import { SimulatedAccount, SimulatedSecurityHub, simulatedClient } from '@aisaws/simulated-account';
import {
  createTables,
  type RunningDynalite,
  type RunningS3rver,
  startDynalite,
  startS3rver,
  tableNamesWithPrefix,
} from '@aisaws/testing/harness';
import { createLocalWorkflows } from '@aisaws/testing/workflow';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { realStageTasks } from './stage-tasks.js';

/**
 * Exemption tags of a member account's resource, end to end on the real triage and remediation ASL with the real
 * handlers (dynalite, s3rver): two SIMULATED accounts (@aisaws/simulated-account), the security account where Decide
 * runs and a member account holding the security group. The simulated Tagging API answers, like the real one, only
 * about its own account's resources; Decide reaches the member's through `memberTagging` (in AWS: AssumeRole of the
 * member tag-reader role, a simulation here: the member account's simulated client). SNS by aws-sdk-client-mock.
 */

jest.setTimeout(60_000);

const SECURITY = '111111111111';
const MEMBER = '222222222222';
const REGION = 'eu-west-3';
const EXEMPT_TAGS = { 'aisaws:exempt': '2099-12-31', 'aisaws:exempt-reason': 'bastion host, ticket SEC-42' };

let dynalite: RunningDynalite;
let s3rver: RunningS3rver;
let worlds = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
  s3rver = await startS3rver();
});
afterAll(async () => {
  await dynalite?.stop();
  await s3rver?.stop();
});

interface Run {
  readonly member: SimulatedAccount;
  readonly groupId: string;
  readonly triage: string;
  readonly remediation?: string;
  readonly item: Record<string, unknown> | undefined;
}

/** A tagged security group of the member opened to the world on SSH, run through triage (and remediation). */
async function openTaggedGroup(options: { trusted: boolean; readInMember: boolean }): Promise<Run> {
  worlds += 1;
  const tables = tableNamesWithPrefix(`mt${worlds}`);
  await createTables(dynalite.client, tables);
  const archiveBucket = `aisaws-mt${worlds}-archive`;
  await s3rver.createBucket(archiveBucket);
  const security = SimulatedAccount.create({ accountId: SECURITY, region: REGION });
  const member = SimulatedAccount.create({ accountId: MEMBER, region: REGION });
  const accounts = new Map([
    [SECURITY, security],
    [MEMBER, member],
  ]);
  const accountOf = (id: string): SimulatedAccount => {
    const account = accounts.get(id);
    if (!account) throw new Error(`no simulated account ${id}`);
    return account;
  };
  const tagging = (account: SimulatedAccount, region: string) =>
    simulatedClient(account, 'ResourceGroupsTaggingAPIClient', region) as unknown as DecisionDeps['tagging'];
  const sns = new SNSClient({ region: REGION });
  mockClient(sns).on(PublishCommand).resolves({ MessageId: 'm-1' });
  const clock = { now: () => new Date() };
  const clientsFor = async (account: string) => accountOf(account).clientFactory;

  const workflows = createLocalWorkflows({
    dynamo: dynalite.client,
    eventsTable: tables.events,
    tasks: realStageTasks({
      dynamo: dynalite.client,
      s3: s3rver.client,
      tables,
      archiveBucket,
      clock,
      policy: parsePolicy({ exemptions: { tag: { trusted: options.trusted } } }),
      // The security account's own Tagging API: it does not know the member's security group.
      tagging: tagging(security, REGION),
      ...(options.readInMember
        ? {
            memberTagging: {
              ownAccountId: SECURITY,
              clientFor: async (account: string, region: string) => tagging(accountOf(account), region),
            },
          }
        : {}),
      clientsFor,
      sns,
      topicArn: `arn:aws:sns:${REGION}:${SECURITY}:aisaws-test-alerts`,
      signingKey: async () => 'member-tags-key',
      securityHub: new SimulatedSecurityHub({ account: SECURITY, region: REGION }),
      securityAccount: SECURITY,
      region: REGION,
    }),
  });

  const { groupId } = member.createSecurityGroup('bastion', 'bastion hosts', EXEMPT_TAGS);
  const { event, record } = member.authorizeSecurityGroupIngress(groupId, {
    ipProtocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    cidrIpv4: '0.0.0.0/0',
  });
  const run = await workflows.runTriage(event);
  const remediation = await run.remediation;
  const { Item } = await dynalite.client.send(
    new GetItemCommand({
      TableName: tables.events,
      Key: { eventId: { S: String(record.eventID) } },
      ConsistentRead: true,
    }),
  );
  return {
    member,
    groupId,
    triage: run.triage.status,
    ...(remediation ? { remediation: remediation.status } : {}),
    item: Item ? unmarshall(Item) : undefined,
  };
}

const reasonOf = (run: Run): string =>
  String((run.item?.decision as { reason?: unknown } | undefined)?.reason);
const worldOpen = (run: Run) =>
  run.member.state.securityGroups[run.groupId]?.rules.some(
    (rule) => !rule.isEgress && rule.cidrIpv4 === '0.0.0.0/0',
  );

describe("a member account's security group tagged exempt, opened to the world", () => {
  it('trusted tag, read in the member account: honoured, nothing is changed, and the exemption is recorded', async () => {
    // Act
    const run = await openTaggedGroup({ trusted: true, readInMember: true });
    // Assess
    expect(run.triage).toBe('SUCCEEDED');
    expect(run.remediation).toBeUndefined();
    expect(worldOpen(run)).toBe(true);
    expect(run.item?.decision).toMatchObject({
      exempt: true,
      exemption: { kind: 'tag', reason: 'bastion host, ticket SEC-42', expires: '2099-12-31' },
    });
    expect(run.member.state.calls.filter((c) => c.service === 'tagging').map((c) => c.operation)).toEqual([
      'GetResources',
    ]);
    expect(
      run.member.state.calls.filter((c) => c.service === 'ec2' && c.outcome === 'ok').map((c) => c.operation),
    ).not.toContain('RevokeSecurityGroupIngress');
  });

  it('untrusted tag (no guardrail SCP): read in the member, refused, the group is fixed, and the reason says why', async () => {
    // Act
    const run = await openTaggedGroup({ trusted: false, readInMember: true });
    // Assess
    expect(run.remediation).toBe('SUCCEEDED');
    expect(worldOpen(run)).toBe(false);
    expect(run.item).toMatchObject({
      status: 'VERIFIED',
      decision: { action: 'AUTO_REMEDIATE', exempt: false },
    });
    expect(reasonOf(run)).toContain(
      'exemption refused: the resource is tagged aisaws:exempt=2099-12-31, but the tag is not trusted',
    );
  });

  it("read with the security account's own Tagging API (before the member tag reader): the tag is not even seen", async () => {
    // Act
    const run = await openTaggedGroup({ trusted: true, readInMember: false });
    // Assess: the weakness the member tag-reader role removes: a trusted exemption on a member resource was ignored
    expect(run.remediation).toBe('SUCCEEDED');
    expect(worldOpen(run)).toBe(false);
    expect(run.item?.decision).toMatchObject({ action: 'AUTO_REMEDIATE', exempt: false });
    expect(reasonOf(run)).not.toContain('aisaws:exempt');
    expect(run.member.state.calls.filter((c) => c.service === 'tagging')).toEqual([]);
  });
});
