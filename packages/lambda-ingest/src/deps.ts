import { type Clock, systemClock } from '@aisaws/core/ports';
import type { StageLogger, StageMetrics } from '@aisaws/lambda-runtime';
import {
  createPowertoolsObservability,
  type PowertoolsObservability,
} from '@aisaws/lambda-runtime/powertools';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { IngestEnv } from './env.js';

/** Everything the Ingest use case needs, injected: real clients in Lambda, dynalite/s3rver/mocks in tests. */
interface IngestDeps {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBClient;
  /** Optional: with a queue URL, each quarantined input is also announced on SQS. */
  readonly sqs?: SQSClient;
  readonly archiveBucket: string;
  readonly eventsTable: string;
  readonly quarantineQueueUrl?: string;
  /** Days before the events item expires (DynamoDB TTL `expiresAt`). */
  readonly ttlDays: number;
  /** The exact ARNs of AISAWS's deployed roles: their sessions' calls are never detected (trap T7). */
  readonly selfRoleArns?: ReadonlySet<string>;
  readonly clock: Clock;
  readonly logger?: StageLogger;
  readonly metrics?: StageMetrics;
}

/** The composition root of the Lambda: SDK clients and Powertools utilities built once per cold start. */
function createIngestDeps(env: IngestEnv): IngestDeps & PowertoolsObservability {
  return {
    s3: new S3Client({}),
    dynamo: new DynamoDBClient({}),
    ...(env.QUARANTINE_QUEUE_URL
      ? { sqs: new SQSClient({}), quarantineQueueUrl: env.QUARANTINE_QUEUE_URL }
      : {}),
    archiveBucket: env.ARCHIVE_BUCKET,
    eventsTable: env.EVENTS_TABLE,
    ttlDays: env.TTL_DAYS,
    selfRoleArns: new Set(env.SELF_ROLE_ARNS),
    clock: systemClock,
    ...createPowertoolsObservability('aisaws-ingest'),
  };
}

export type { IngestDeps };
export { createIngestDeps };
