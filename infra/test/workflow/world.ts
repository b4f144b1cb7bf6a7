/**
 * The local world of the workflow integration tests: dynalite (all four tables) and s3rver (the archive bucket)
 * started for real, every stage bound to its real handler factory, and aws-sdk-client-mock only where no emulator
 * exists: the member account's S3 control plane (ACL, Block Public Access, ownership controls — s3rver has none of
 * them), SNS and the tagging API.
 */

import { type Policy, parsePolicy } from '@aisaws/core/policy';
import { type RemediationResult, RollbackRequestSchema } from '@aisaws/core/schemas';
import { createApprovalHandler } from '@aisaws/lambda-approval';
import { createRemediationHandler, sameClientsForEveryAccount } from '@aisaws/lambda-remediation';
import type { ClientFactory } from '@aisaws/playbooks';
import { SimulatedSecurityHub } from '@aisaws/simulated-account';
import {
  createTables,
  type RunningDynalite,
  type RunningS3rver,
  startDynalite,
  startS3rver,
  tableNamesWithPrefix,
} from '@aisaws/testing/harness';
import {
  createLocalWorkflows,
  type LocalWorkflows,
  type StateEvent,
  type WorkflowTasks,
} from '@aisaws/testing/workflow';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach } from '@jest/globals';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { realStageTasks } from './stage-tasks.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const OWNER = { ID: 'owner-canonical-id', DisplayName: 'owner' };
const SIGNING_KEY = 'integration-test-signing-key';

/** The roles this test deployment "deployed" in the member account 111122223333: Ingest's self-identity. */
const DEPLOYED_ROLE_ARNS = [
  'arn:aws:iam::111122223333:role/aisaws-test-member-remediation',
  'arn:aws:iam::111122223333:role/aisaws-test-member-rollback',
  'arn:aws:iam::111122223333:role/aisaws-test-member-verification',
] as const;

/** The member account's bucket as the mocked S3 control plane sees it. */
interface BucketState {
  grants: {
    Grantee: { Type: 'CanonicalUser' | 'Group'; ID?: string; URI?: string };
    Permission: 'FULL_CONTROL' | 'READ' | 'WRITE';
  }[];
  publicAccessBlock: Record<string, boolean> | null;
}

function publicBucketState(): BucketState {
  return {
    grants: [
      { Grantee: { Type: 'CanonicalUser', ID: OWNER.ID }, Permission: 'FULL_CONTROL' },
      { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
    ],
    publicAccessBlock: null,
  };
}

function s3Error(name: string, message: string, httpStatusCode = 404): S3ServiceException {
  return new S3ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode } });
}

/** What the SDK throws for a throttled S3 call (after its own retries). */
function s3Throttling(): S3ServiceException {
  const error = s3Error('SlowDown', 'Please reduce your request rate.', 503);
  return Object.assign(error, { $retryable: { throttling: true } });
}

interface WorldOptions {
  readonly policy?: Parameters<typeof parsePolicy>[0];
  readonly verificationDeadlineSeconds?: number;
  /** Replaces some stage handlers (to break one on purpose). */
  readonly tasks?: Partial<WorkflowTasks>;
  /** Tags the tagging API returns for every resource (the exemption tag); none by default. */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /**
   * Binds the rollback function, so the rollback workflow the remediation workflow starts after VERIFIED runs for
   * real (offer e-mail, wait, rollback). Off by default: the other tests see the start recorded, not run.
   */
  readonly rollbackWorkflow?: boolean;
  /** The rollback window of the rollback workflow (default: the file's 7 days). */
  readonly rollbackWindowSeconds?: number;
}

/** Member-account S3 operations whose next calls can be made to fail. */
type S3Operation = 'GetBucketAcl' | 'PutBucketAcl' | 'GetPublicAccessBlock' | 'PutPublicAccessBlock';

interface World {
  readonly workflows: LocalWorkflows;
  /** The rollback function: the remediation package with the rollback authority and the approval key. */
  readonly rollback: (request: unknown) => Promise<RemediationResult>;
  /** The stage handlers bound to the workflows (e.g. to invoke the Remediation Lambda for a rollback). */
  readonly tasks: WorkflowTasks;
  readonly dynalite: RunningDynalite;
  readonly s3rver: RunningS3rver;
  readonly tables: ReturnType<typeof tableNamesWithPrefix>;
  readonly archiveBucket: string;
  /** The member account's S3 control plane (aws-sdk-client-mock over one S3Client instance). */
  readonly memberS3: AwsClientStub<S3Client>;
  readonly sns: AwsClientStub<SNSClient>;
  /** Security Hub of the security account (a simulation: no emulator exists), behind the Findings Lambda. */
  readonly securityHub: SimulatedSecurityHub;
  readonly bucket: BucketState;
  /** The next `times` calls of the operation throw `error` (before touching the bucket state). */
  failNext(operation: S3Operation, error: Error, times: number): void;
  /** PutPublicAccessBlock answers OK but changes nothing (a fix that never shows up on read). */
  ignorePublicAccessBlockWrites(): void;
  readonly stateEvents: StateEvent[];
  /** The Approval Lambda's handler, bound to the runner's SFN simulation. */
  readonly approve: (event: unknown) => Promise<{ statusCode: number; body: string }>;
  eventsItem(eventId: string): Promise<Record<string, unknown> | undefined>;
  publishedInputs(): NonNullable<
    ReturnType<AwsClientStub<SNSClient>['commandCalls']>[number]['args'][0]['input']
  >[];
  stop(): Promise<void>;
}

let worldCounter = 0;

async function startWorld(options: WorldOptions = {}): Promise<World> {
  worldCounter += 1;
  const dynalite = await startDynalite();
  const s3rver = await startS3rver();
  const tables = tableNamesWithPrefix(`wf${worldCounter}`);
  await createTables(dynalite.client, tables);
  const archiveBucket = `aisaws-wf${worldCounter}-archive`;
  await s3rver.createBucket(archiveBucket);

  const bucket = publicBucketState();
  const injected = new Map<S3Operation, Error[]>();
  let publicAccessBlockWritesIgnored = false;
  const throwInjected = (operation: S3Operation) => {
    const error = injected.get(operation)?.shift();
    if (error) throw error;
  };
  const memberS3Client = new S3Client({ region: 'eu-west-1' });
  const memberS3 = mockClient(memberS3Client);
  memberS3.on(GetBucketAclCommand).callsFake(async () => {
    throwInjected('GetBucketAcl');
    return { Owner: OWNER, Grants: structuredClone(bucket.grants) };
  });
  memberS3
    .on(PutBucketAclCommand)
    .callsFake(async (input: { ACL?: string; AccessControlPolicy?: { Grants?: BucketState['grants'] } }) => {
      throwInjected('PutBucketAcl');
      if (input.ACL === 'private')
        bucket.grants = bucket.grants.filter((grant) => grant.Grantee.Type === 'CanonicalUser');
      if (input.AccessControlPolicy?.Grants)
        bucket.grants = structuredClone(input.AccessControlPolicy.Grants);
      return {};
    });
  memberS3.on(DeletePublicAccessBlockCommand).callsFake(async () => {
    bucket.publicAccessBlock = null;
    return {};
  });
  memberS3.on(GetPublicAccessBlockCommand).callsFake(async () => {
    throwInjected('GetPublicAccessBlock');
    if (!bucket.publicAccessBlock)
      throw s3Error(
        'NoSuchPublicAccessBlockConfiguration',
        'The public access block configuration was not found',
      );
    return { PublicAccessBlockConfiguration: { ...bucket.publicAccessBlock } };
  });
  memberS3
    .on(PutPublicAccessBlockCommand)
    .callsFake(async (input: { PublicAccessBlockConfiguration?: Record<string, boolean> }) => {
      throwInjected('PutPublicAccessBlock');
      if (!publicAccessBlockWritesIgnored)
        bucket.publicAccessBlock = { ...input.PublicAccessBlockConfiguration };
      return {};
    });
  memberS3
    .on(GetBucketOwnershipControlsCommand)
    .rejects(s3Error('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found'));
  const memberClients: ClientFactory = (ClientClass) => {
    if ((ClientClass as unknown) !== S3Client)
      throw new Error(`the test member account has no ${ClientClass.name}`);
    return memberS3Client as never;
  };

  const snsClient = new SNSClient({ region: 'eu-west-1' });
  const sns = mockClient(snsClient);
  let messageCounter = 0;
  sns.on(PublishCommand).callsFake(async () => {
    messageCounter += 1;
    return { MessageId: `message-${messageCounter}` };
  });
  const taggingClient = new ResourceGroupsTaggingAPIClient({ region: 'eu-west-1' });
  mockClient(taggingClient)
    .on(GetResourcesCommand)
    .callsFake(async (input: { ResourceARNList?: string[] }) => ({
      ResourceTagMappingList: options.resourceTags
        ? (input.ResourceARNList ?? []).map((arn) => ({
            ResourceARN: arn,
            Tags: Object.entries(options.resourceTags ?? {}).map(([Key, Value]) => ({ Key, Value })),
          }))
        : [],
    }));

  const securityHub = new SimulatedSecurityHub({ account: '999999999999', region: 'eu-west-1' });

  const policy: Policy = parsePolicy(options.policy ?? {}, 'test policy');
  const clock = { now: () => new Date() };
  const stateEvents: StateEvent[] = [];
  const signingKey = async () => SIGNING_KEY;

  const rollback = createRemediationHandler({
    dynamo: dynalite.client,
    eventsTable: tables.events,
    clientsFor: sameClientsForEveryAccount(memberClients),
    clock,
    authority: 'rollback',
    signingKey,
  });

  // The rollback function's handler accepts only a RollbackRequest (rollback.handler's Parser schema).
  const rollbackFunction = async (event: unknown) => rollback(RollbackRequestSchema.parse(event));

  const tasks: WorkflowTasks = {
    ...realStageTasks({
      dynamo: dynalite.client,
      s3: s3rver.client,
      tables,
      archiveBucket,
      clock,
      selfRoleArns: new Set(DEPLOYED_ROLE_ARNS),
      policy,
      tagging: taggingClient,
      clientsFor: sameClientsForEveryAccount(memberClients),
      verificationDeadlineSeconds: options.verificationDeadlineSeconds ?? 300,
      sns: snsClient,
      topicArn: 'arn:aws:sns:eu-west-1:999999999999:aisaws-test-alerts',
      signingKey,
      securityHub,
      securityAccount: '999999999999',
      region: 'eu-west-1',
    }),
    ...(options.rollbackWorkflow ? { rollback: rollbackFunction } : {}),
    ...options.tasks,
  };
  const workflows = createLocalWorkflows({
    dynamo: dynalite.client,
    eventsTable: tables.events,
    onStateEvent: (event) => stateEvents.push(event),
    tasks,
    ...(options.rollbackWindowSeconds === undefined
      ? {}
      : { rollbackWindowSeconds: options.rollbackWindowSeconds }),
  });
  const approve = createApprovalHandler({
    sfn: workflows.sfn,
    dynamo: dynalite.client,
    stateTable: tables.state,
    signingKey,
    clock,
  });

  return {
    workflows,
    rollback,
    tasks,
    dynalite,
    s3rver,
    tables,
    archiveBucket,
    memberS3,
    sns,
    securityHub,
    bucket,
    failNext(operation, error, times) {
      injected.set(operation, [
        ...(injected.get(operation) ?? []),
        ...Array.from({ length: times }, () => error),
      ]);
    },
    ignorePublicAccessBlockWrites() {
      publicAccessBlockWritesIgnored = true;
    },
    stateEvents,
    approve,
    async eventsItem(eventId) {
      const { Item } = await dynalite.client.send(
        new GetItemCommand({
          TableName: tables.events,
          Key: { eventId: { S: eventId } },
          ConsistentRead: true,
        }),
      );
      return Item ? unmarshall(Item) : undefined;
    },
    publishedInputs() {
      return sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    },
    async stop() {
      // A rollback offer waits up to its window: stop every execution so no timer outlives the test.
      workflows.abortAll();
      await dynalite.stop();
      await s3rver.stop();
    },
  };
}

/**
 * The function URL event of a person's decision: the POST of the confirmation page the link opens, which carries
 * the link's signed fields as a form (opening the link alone, a GET, changes nothing).
 */
function linkClick(url: string) {
  const parsed = new URL(url);
  return {
    version: '2.0',
    rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: parsed.searchParams.toString(),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', sourceIp: '198.51.100.20', userAgent: 'integration-test' } },
  };
}

export type { BucketState, World };

/**
 * CloudTrail-shaped event ids for one test file: `<prefix>-0000-4000-8000-<n>`, n counting up from 1. The prefix (8
 * hex digits) keeps each file's ids apart in the shared emulators.
 */
function eventIdSequence(prefix: string): () => string {
  let counter = 0;
  return () => {
    counter += 1;
    return `${prefix}-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  };
}

/**
 * For files that start a world per test: registers an afterEach that stops the world the test started, and returns
 * the function that starts one.
 */
function startWorldPerTest(): (options?: WorldOptions) => Promise<World> {
  let current: World | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return async (options) => {
    current = await startWorld(options);
    return current;
  };
}

export {
  DEPLOYED_ROLE_ARNS,
  eventIdSequence,
  linkClick,
  SIGNING_KEY,
  s3Error,
  s3Throttling,
  startWorld,
  startWorldPerTest,
};
