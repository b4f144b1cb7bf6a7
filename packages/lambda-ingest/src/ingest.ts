import { toIngestedEvent } from '@aisaws/core/events';
import {
  type CloudTrailEventBridgeEvent,
  CloudTrailEventBridgeEventSchema,
  type IngestedEvent,
} from '@aisaws/core/schemas';
import { expiresAtSeconds } from '@aisaws/core/storage';
import { observabilityOf } from '@aisaws/lambda-runtime';
import { createDocumentClient, isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { quarantineKey, rawArchiveKey, serialise } from './archive-keys.js';
import type { IngestDeps } from './deps.js';
import { type InputIssue, InvalidEventError } from './errors.js';

/** Metric names (EMF, unit Count). */
const METRIC = Object.freeze({
  ingested: 'EventsIngested',
  duplicates: 'DuplicateEvents',
  quarantined: 'EventsQuarantined',
  detections: 'Detections',
});

const issuesOf = (error: z.ZodError): InputIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));

const reasonOf = (issues: readonly InputIssue[]): string =>
  `not a CloudTrail EventBridge event: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/** Keeps the bad input in S3 (and announces it on SQS when configured), then throws InvalidEventError. */
async function quarantine(
  input: unknown,
  issues: InputIssue[],
  deps: IngestDeps,
  receivedAt: Date,
): Promise<never> {
  const { logger, metrics } = observabilityOf(deps);
  const reason = reasonOf(issues);
  const key = quarantineKey(input, receivedAt);
  const location = `s3://${deps.archiveBucket}/${key}`;
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.archiveBucket,
      Key: key,
      ContentType: 'application/json',
      Body: JSON.stringify({ reason, issues, input: input ?? null, receivedAt: receivedAt.toISOString() }),
    }),
  );
  if (deps.sqs && deps.quarantineQueueUrl) {
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: deps.quarantineQueueUrl,
        MessageBody: JSON.stringify({ stage: 'ingest', reason, issues, quarantinedAt: location }),
        MessageAttributes: { stage: { DataType: 'String', StringValue: 'ingest' } },
      }),
    );
  }
  metrics.addMetric(METRIC.quarantined, 'Count', 1);
  logger.warn('input quarantined', { reason, quarantinedAt: location });
  throw new InvalidEventError(reason, issues, location);
}

/** Archives the raw event once: a conditional put (If-None-Match) never overwrites an earlier delivery. */
async function archiveRawEvent(
  event: CloudTrailEventBridgeEvent,
  input: unknown,
  key: string,
  deps: IngestDeps,
) {
  try {
    await deps.s3.send(
      new PutObjectCommand({
        Bucket: deps.archiveBucket,
        Key: key,
        ContentType: 'application/json',
        Body: serialise(input),
        IfNoneMatch: '*',
      }),
    );
    return 'archived' as const;
  } catch (error) {
    // 412: the object exists, i.e. an earlier delivery of this eventID archived it.
    if (errorName(error) === 'PreconditionFailed') return 'already-archived' as const;
    observabilityOf(deps).logger.error('archive failed', { eventId: event.detail.eventID, key });
    throw error;
  }
}

/**
 * The Ingest stage: validate the EventBridge event, archive it, record it (status RECEIVED) and return the Ingest
 * output. Idempotent on the CloudTrail eventID: a redelivery writes nothing new and returns the same output (the
 * first delivery's receivedAt is read back from the item).
 */
async function ingest(
  input: unknown,
  deps: IngestDeps,
  documents: DynamoDBDocumentClient,
): Promise<IngestedEvent> {
  const { logger, metrics } = observabilityOf(deps);
  const now = deps.clock.now();
  const parsed = CloudTrailEventBridgeEventSchema.safeParse(input);
  if (!parsed.success) return quarantine(input, issuesOf(parsed.error), deps, now);

  const event = parsed.data;
  const record = event.detail;
  const key = rawArchiveKey({
    account: event.account,
    region: event.region,
    eventId: record.eventID,
    eventTime: record.eventTime,
    envelopeTime: event.time,
    receivedAt: now,
  });
  const archive = { bucket: deps.archiveBucket, key };
  const archived = await archiveRawEvent(event, input, key, deps);

  const receivedAt = now.toISOString();
  const fresh = toIngestedEvent(record, { receivedAt, archive });
  try {
    await documents.send(
      new PutCommand({
        TableName: deps.eventsTable,
        Item: {
          eventId: fresh.eventId,
          status: 'RECEIVED',
          receivedAt,
          summary: fresh.summary,
          detections: fresh.detections,
          archive,
          timeline: { received: receivedAt },
          expiresAt: expiresAtSeconds(now, deps.ttlDays),
        },
        ConditionExpression: 'attribute_not_exists(eventId)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const { Item } = await documents.send(
      new GetCommand({ TableName: deps.eventsTable, Key: { eventId: fresh.eventId }, ConsistentRead: true }),
    );
    const firstReceivedAt = typeof Item?.receivedAt === 'string' ? Item.receivedAt : receivedAt;
    metrics.addMetric(METRIC.duplicates, 'Count', 1);
    logger.info('duplicate delivery: already ingested', { firstReceivedAt, archived });
    return { ...fresh, receivedAt: firstReceivedAt };
  }

  metrics.addMetric(METRIC.ingested, 'Count', 1);
  metrics.addMetric(METRIC.detections, 'Count', fresh.detections.length);
  logger.info('event ingested', {
    eventName: record.eventName,
    detections: fresh.detections.map((hit) => hit.id),
    archive: `s3://${archive.bucket}/${archive.key}`,
  });
  return fresh;
}

/**
 * The factory the Lambda handler, the local workflow harness and the demo share: no Powertools, no environment.
 * The document client is built once here from the injected DynamoDB client.
 */
function createIngestHandler(deps: IngestDeps): (event: unknown) => Promise<IngestedEvent> {
  if (deps.quarantineQueueUrl && !deps.sqs)
    throw new Error('IngestDeps: quarantineQueueUrl is set but no sqs client was given');
  const documents = createDocumentClient(deps.dynamo);
  return (event) => ingest(event, deps, documents);
}

export { createIngestHandler, ingest, METRIC };
