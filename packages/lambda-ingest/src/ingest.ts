import { findingEventIdOf, redactCredentials, toIngestedEvent } from '@aisaws/core/events';
import { isFindingEvent, parseFindingEvent, toIngestedEventFromFinding } from '@aisaws/core/findings';
import { CloudTrailEventBridgeEventSchema, type IngestedEvent } from '@aisaws/core/schemas';
import { expiresAtSeconds } from '@aisaws/core/storage';
import { observabilityOf } from '@aisaws/lambda-runtime';
import { createDocumentClient, isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import { quarantineKey, rawArchiveKey, serialise } from './archive-keys.js';
import type { IngestDeps } from './deps.js';
import { IngestFailedError, type InputIssue, InvalidEventError } from './errors.js';

/** Metric names (EMF, unit Count). */
const METRIC = Object.freeze({
  ingested: 'EventsIngested',
  duplicates: 'DuplicateEvents',
  quarantined: 'EventsQuarantined',
  detections: 'Detections',
});

const issuesOf = (error: z.core.$ZodError): InputIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));

const reasonOf = (issues: readonly InputIssue[]): string =>
  `not a CloudTrail EventBridge event: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;

/** What Ingest needs of a valid input, whichever kind it is (a CloudTrail event or a finding). */
interface ValidInput {
  readonly eventId: string;
  readonly account: string;
  readonly region: string;
  readonly eventTime: string | undefined;
  readonly envelopeTime: string;
  readonly eventName: string;
  readonly toIngested: (receivedAt: string, archive: { bucket: string; key: string }) => IngestedEvent;
}

type Validation =
  | { readonly valid: true; readonly input: ValidInput }
  | { readonly valid: false; readonly issues: InputIssue[]; readonly reason: string };

/**
 * A `GuardDuty Finding` or `Security Hub Findings - Imported` event is read as a finding (eventId = finding id +
 * updatedAt); anything else must be a CloudTrail EventBridge event.
 */
function validate(input: unknown, selfRoleArns: ReadonlySet<string>): Validation {
  if (isFindingEvent(input)) {
    const parsed = parseFindingEvent(input);
    if (!parsed.success) return { valid: false, issues: [...parsed.issues], reason: parsed.reason };
    const { signal } = parsed;
    const envelope = input as { time?: unknown };
    return {
      valid: true,
      input: {
        eventId: signal.idempotencyKey,
        account: signal.account,
        region: signal.region,
        eventTime: signal.updatedAt,
        envelopeTime: typeof envelope.time === 'string' ? envelope.time : signal.updatedAt,
        eventName: signal.type,
        toIngested: (receivedAt, archive) => toIngestedEventFromFinding(signal, { receivedAt, archive }),
      },
    };
  }
  const parsed = CloudTrailEventBridgeEventSchema.safeParse(input);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    return { valid: false, issues, reason: reasonOf(issues) };
  }
  const event = parsed.data;
  const record = event.detail;
  return {
    valid: true,
    input: {
      eventId: record.eventID,
      account: event.account,
      region: event.region,
      eventTime: record.eventTime,
      envelopeTime: event.time,
      eventName: record.eventName,
      toIngested: (receivedAt, archive) =>
        toIngestedEvent(record, { receivedAt, archive, detect: { selfRoleArns } }),
    },
  };
}

/** No self-identity configured: no call is AISAWS's own. */
const NO_SELF_ROLES: ReadonlySet<string> = new Set();

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/**
 * Keeps the bad input in S3, credentials redacted (and announces it on SQS when configured), then throws
 * InvalidEventError.
 */
async function quarantine(
  input: unknown,
  issues: InputIssue[],
  reason: string,
  deps: IngestDeps,
  receivedAt: Date,
): Promise<never> {
  const { logger, metrics } = observabilityOf(deps);
  const key = quarantineKey(input, receivedAt);
  const location = `s3://${deps.archiveBucket}/${key}`;
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.archiveBucket,
      Key: key,
      ContentType: 'application/json',
      Body: JSON.stringify({
        reason,
        issues,
        input: redactCredentials(input ?? null),
        receivedAt: receivedAt.toISOString(),
      }),
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

/**
 * Archives the raw event once: a conditional put (If-None-Match) never overwrites an earlier delivery. The event is
 * archived as received except for its credentials (session tokens, secret keys, passwords), which are redacted.
 */
async function archiveRawEvent(eventId: string, input: unknown, key: string, deps: IngestDeps) {
  try {
    await deps.s3.send(
      new PutObjectCommand({
        Bucket: deps.archiveBucket,
        Key: key,
        ContentType: 'application/json',
        Body: serialise(redactCredentials(input)),
        IfNoneMatch: '*',
      }),
    );
    return 'archived' as const;
  } catch (error) {
    // 412: the object exists, i.e. an earlier delivery of this eventID archived it.
    if (errorName(error) === 'PreconditionFailed') return 'already-archived' as const;
    observabilityOf(deps).logger.error('archive failed', { eventId, key });
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
  const validation = validate(input, deps.selfRoleArns ?? NO_SELF_ROLES);
  if (!validation.valid) return quarantine(input, validation.issues, validation.reason, deps, now);

  const valid = validation.input;
  const key = rawArchiveKey({
    account: valid.account,
    region: valid.region,
    eventId: valid.eventId,
    ...(valid.eventTime === undefined ? {} : { eventTime: valid.eventTime }),
    envelopeTime: valid.envelopeTime,
    receivedAt: now,
  });
  const archive = { bucket: deps.archiveBucket, key };
  const archived = await archiveRawEvent(valid.eventId, input, key, deps);

  const receivedAt = now.toISOString();
  // Detection read the event as received; the record the output carries into the workflow state is redacted.
  const detected = valid.toIngested(receivedAt, archive);
  const fresh: IngestedEvent = { ...detected, record: redactCredentials(detected.record) };
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
          ...(fresh.finding
            ? {
                finding: {
                  source: fresh.finding.source,
                  product: fresh.finding.productName,
                  findingId: fresh.finding.findingId,
                  type: fresh.finding.type,
                  updatedAt: fresh.finding.updatedAt,
                  severity: fresh.finding.severity.label,
                  ignoredBecause: fresh.finding.ignoredBecause,
                },
              }
            : {}),
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
    eventName: valid.eventName,
    detections: fresh.detections.map((hit) => hit.id),
    archive: `s3://${archive.bucket}/${archive.key}`,
  });
  return fresh;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** The id of a delivered input, for the quarantine message: CloudTrail's eventID, else a finding's id@updatedAt. */
function deliveredEventId(input: unknown): string | undefined {
  const detail = (input as { detail?: unknown } | null | undefined)?.detail;
  if (typeof detail !== 'object' || detail === null) return undefined;
  const fields = detail as { eventID?: unknown; id?: unknown; updatedAt?: unknown };
  const id = text(fields.id);
  return text(fields.eventID) ?? (id ? findingEventIdOf(id, text(fields.updatedAt) ?? '?') : undefined);
}

/**
 * Errors passed through as they are: an invalid input (quarantined already), an event already kept, and a
 * redelivery that met the first delivery still running (Powertools idempotency): that one is no failure, the workflow
 * retries it and gets the first delivery's result.
 */
const KEPT_ERRORS: ReadonlySet<string> = new Set([
  'InvalidEventError',
  'IngestFailedError',
  'IdempotencyAlreadyInProgressError',
]);

/**
 * Wraps an Ingest handler so that a failure on a valid-looking input (DynamoDB or S3 unreachable, the idempotency
 * store down, a bug) keeps the event: the delivered input, credentials redacted (`redactCredentials`, the rule every
 * archive and log uses), goes on the quarantine queue as a `triage-failed` message the reconcile job replays, then
 * IngestFailedError is thrown. The triage workflow then copies nothing: only a Lambda can redact, and the input AWS
 * delivered may carry session tokens or passwords. Without a queue, or when the queue refuses the message, the
 * original error is thrown and the workflow keeps only a reference.
 */
function quarantineOnFailure<Rest extends unknown[], Out>(
  deps: IngestDeps,
  handle: (event: unknown, ...rest: Rest) => Promise<Out>,
): (event: unknown, ...rest: Rest) => Promise<Out> {
  return async (event, ...rest) => {
    try {
      return await handle(event, ...rest);
    } catch (error) {
      if (KEPT_ERRORS.has(errorName(error) ?? '') || !deps.sqs || !deps.quarantineQueueUrl) throw error;
      const { logger, metrics } = observabilityOf(deps);
      const eventId = deliveredEventId(event);
      const why = error instanceof Error ? error : new Error(String(error));
      try {
        await deps.sqs.send(
          new SendMessageCommand({
            QueueUrl: deps.quarantineQueueUrl,
            MessageBody: JSON.stringify({
              reason: 'triage-failed',
              failedStage: 'ingest',
              error: why.name,
              cause: why.message.slice(0, 1000),
              ...(eventId ? { eventId } : {}),
              input: redactCredentials(event ?? null),
              quarantinedAt: deps.clock.now().toISOString(),
            }),
            MessageAttributes: { stage: { DataType: 'String', StringValue: 'ingest-failed' } },
          }),
        );
      } catch (sendError) {
        logger.error('ingest failed and the quarantine queue refused the event', {
          error: `${why.name}: ${why.message}`,
          quarantineError:
            sendError instanceof Error ? `${sendError.name}: ${sendError.message}` : String(sendError),
        });
        throw error;
      }
      metrics.addMetric(METRIC.quarantined, 'Count', 1);
      logger.error('ingest failed: event kept on the quarantine queue, credentials redacted', {
        error: `${why.name}: ${why.message}`,
      });
      throw new IngestFailedError(eventId, error);
    }
  };
}

/**
 * The factory the Lambda handler, the local workflow harness and the demo share: no Powertools, no environment.
 * The document client is built once here from the injected DynamoDB client. A failure that is not an invalid input
 * is quarantined redacted (`quarantineOnFailure`) when a quarantine queue is configured.
 */
function createIngestHandler(deps: IngestDeps): (event: unknown) => Promise<IngestedEvent> {
  if (deps.quarantineQueueUrl && !deps.sqs)
    throw new Error('IngestDeps: quarantineQueueUrl is set but no sqs client was given');
  const documents = createDocumentClient(deps.dynamo);
  return quarantineOnFailure(deps, (event) => ingest(event, deps, documents));
}

export { createIngestHandler, ingest, METRIC, quarantineOnFailure };
