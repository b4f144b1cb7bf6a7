import type { ResourceRef } from '@aisaws/core/schemas';
import type { ClientFactory, Playbook, PlaybookContext } from '../../src/index.js';

/**
 * Test harness: a ClientFactory that builds real SDK clients (their `send` is mocked by aws-sdk-client-mock) and
 * records every command a playbook sends, mapped to the IAM action AWS authorizes it with. The last test of each
 * playbook file compares the actions sent across the file with the playbook's declared permissions.
 */

/** IAM service prefix by SDK client class name. */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  S3Client: 's3',
  S3ControlClient: 's3',
  EC2Client: 'ec2',
  CloudTrailClient: 'cloudtrail',
  ConfigServiceClient: 'config',
  GuardDutyClient: 'guardduty',
  KMSClient: 'kms',
  LambdaClient: 'lambda',
  IAMClient: 'iam',
  RDSClient: 'rds',
  SecurityHubClient: 'securityhub',
  STSClient: 'sts',
  AccessAnalyzerClient: 'access-analyzer',
};

/** Where the IAM action is not `<prefix>:<operation>` (the S3 API names differ from their IAM actions). */
const ACTION_EXCEPTIONS: Readonly<Record<string, string>> = {
  'S3Client:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  'S3Client:PutPublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  'S3Client:DeletePublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  'S3Client:DeleteBucketOwnershipControls': 's3:PutBucketOwnershipControls',
  'S3ControlClient:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
  'S3ControlClient:PutPublicAccessBlock': 's3:PutAccountPublicAccessBlock',
  'S3ControlClient:DeletePublicAccessBlock': 's3:PutAccountPublicAccessBlock',
};

/** The IAM action for an SDK command sent by a client, e.g. (S3Client, PutBucketAclCommand) → s3:PutBucketAcl. */
function iamActionFor(clientName: string, commandName: string): string {
  const operation = commandName.replace(/Command$/, '');
  const exception = ACTION_EXCEPTIONS[`${clientName}:${operation}`];
  if (exception) return exception;
  const prefix = SERVICE_PREFIX[clientName];
  if (!prefix) throw new Error(`harness: no IAM prefix known for client ${clientName}`);
  return `${prefix}:${operation}`;
}

interface SentCommand {
  readonly client: string;
  readonly command: string;
  readonly region: string;
  readonly action: string;
}

interface Sendable {
  send(command: object, ...rest: unknown[]): Promise<unknown>;
}

interface PlaybookHarness {
  /** A fresh context; the commands it sends are recorded in `sent` and in the file-wide action set. */
  readonly context: (now?: Date) => PlaybookContext;
  /** Commands sent since the last `reset()`, in order. */
  readonly sent: () => readonly SentCommand[];
  readonly reset: () => void;
  /** Every IAM action sent through this harness since it was created, sorted. */
  readonly actionsExercised: () => string[];
}

function createPlaybookHarness(): PlaybookHarness {
  let sent: SentCommand[] = [];
  const exercised = new Set<string>();

  const clients: ClientFactory = (ClientClass, region) => {
    const client = new ClientClass({ region });
    const sendable = client as unknown as Sendable;
    const mockedSend = sendable.send.bind(client);
    sendable.send = (command: object, ...rest: unknown[]) => {
      const entry = {
        client: ClientClass.name,
        command: command.constructor.name,
        region,
        action: iamActionFor(ClientClass.name, command.constructor.name),
      };
      sent.push(entry);
      exercised.add(entry.action);
      return mockedSend(command, ...rest);
    };
    return client;
  };

  return {
    context: (now = new Date('2026-01-15T12:00:00Z')) => ({ clients, now: () => now }),
    sent: () => sent,
    reset: () => {
      sent = [];
    },
    actionsExercised: () => [...exercised].sort(),
  };
}

/** The writes among the sent commands (anything not Get/List/Describe). */
const writesAmong = (sent: readonly SentCommand[]): string[] =>
  sent.map((entry) => entry.command).filter((name) => !/^(Get|List|Describe)/.test(name));

/** A ResourceRef for tests. */
function ref(
  type: string,
  id: string,
  details: Record<string, unknown> = {},
  extra: Partial<ResourceRef> = {},
): ResourceRef {
  return { type, id, account: '111122223333', region: 'eu-west-1', details, ...extra };
}

/** Every action a playbook declares, forward and rollback, sorted: what its test file must exercise in total. */
const declared = (playbook: Playbook): string[] =>
  [...new Set([...playbook.permissions, ...playbook.rollbackPermissions])].sort();

export type { PlaybookHarness, SentCommand };
export { createPlaybookHarness, declared, iamActionFor, ref, writesAmong };
