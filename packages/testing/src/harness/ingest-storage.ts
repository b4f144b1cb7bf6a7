import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { type RunningDynalite, startDynalite } from './dynalite.js';
import { type RunningS3rver, startS3rver } from './s3rver.js';
import { createTables, type TableNames } from './tables.js';

interface IngestStorageOptions {
  /** The raw-event archive bucket to create in s3rver. */
  readonly archiveBucket: string;
  /** The tables to create in dynalite; `events` is what Ingest writes. */
  readonly tables: TableNames & { readonly events: string };
}

interface RunningIngestStorage {
  readonly dynamo: RunningDynalite;
  readonly s3: RunningS3rver;
  readonly archiveBucket: string;
  readonly tables: IngestStorageOptions['tables'];
  /** The storage part of Ingest's deps: add `ttlDays` and a `clock` (and a queue, a logger) for `createIngestHandler`. */
  readonly ingestStorage: {
    readonly s3: S3Client;
    readonly dynamo: DynamoDBClient;
    readonly archiveBucket: string;
    readonly eventsTable: string;
  };
  /** Stops both emulators (call in afterAll). */
  stop(): Promise<void>;
}

/**
 * What the Ingest Lambda writes to, on real emulators: dynalite with the given tables (the events table at least) and
 * s3rver with the archive bucket, both started at once. One set-up for every test that runs the real Ingest handler
 * (its own integration tests, reconcile's replays).
 */
async function startIngestStorage(options: IngestStorageOptions): Promise<RunningIngestStorage> {
  const [dynamo, s3] = await Promise.all([startDynalite(), startS3rver()]);
  await Promise.all([createTables(dynamo.client, options.tables), s3.createBucket(options.archiveBucket)]);
  return {
    dynamo,
    s3,
    archiveBucket: options.archiveBucket,
    tables: options.tables,
    ingestStorage: {
      s3: s3.client,
      dynamo: dynamo.client,
      archiveBucket: options.archiveBucket,
      eventsTable: options.tables.events,
    },
    async stop() {
      await Promise.all([dynamo.stop(), s3.stop()]);
    },
  };
}

export type { IngestStorageOptions, RunningIngestStorage };
export { startIngestStorage };
