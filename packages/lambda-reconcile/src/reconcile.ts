import { createHash } from 'node:crypto';
import type { Clock } from '@aisaws/core/ports';
import { eventIdOfFindingRequest, type PublishFindingRequest } from '@aisaws/core/publish';
import type { AlertOutboxMessage, ReconcileRequest, ReconcileSourceKind } from '@aisaws/core/schemas';
import { expiresAtSeconds, KEY_PREFIX } from '@aisaws/core/storage';
import {
  isThrottling,
  isTransient,
  observabilityOf,
  type StageLogger,
  type StageMetrics,
  snsStringAttributes,
} from '@aisaws/lambda-runtime';
import { isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type Plan, planMessage, planRecovered, type ReceivedMessage, type ReconcileSource } from './plan.js';

/** Starts the triage workflow on an event (StartExecution in AWS; the local workflow runner in tests). */
interface TriageStarter {
  start(event: Record<string, unknown>, executionName: string): Promise<void>;
}

/**
 * Invokes the Findings Lambda synchronously with a PublishFindingRequest (Invoke in AWS). Resolves once the finding
 * was published (or skipped); rejects when the function failed or Security Hub refused again.
 */
interface FindingsPublisher {
  publish(request: PublishFindingRequest): Promise<void>;
}

/** Where to look an event up: its id, and the account and region it happened in. */
interface EventLookup {
  readonly eventId: string;
  readonly account: string;
  readonly region: string;
  /** When it happened, if known (narrows the lookup). */
  readonly eventTime?: string;
}

/**
 * CloudTrail event history (LookupEvents by EventId, in the event's account and region): the record as CloudTrail
 * stored it, or undefined when it is not there (yet: events appear within about 15 minutes; data events never).
 */
interface EventHistory {
  find(lookup: EventLookup): Promise<unknown>;
}

interface ReconcileDeps {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly dynamo: DynamoDBClient;
  readonly triage: TriageStarter;
  /** Unpublished findings of the quarantine queue are published again through it; absent: they are parked. */
  readonly findings?: FindingsPublisher;
  /**
   * Events whose Ingest failed without keeping them (a reference only) are looked up there and replayed; absent: they
   * are parked for a person to recover.
   */
  readonly eventHistory?: EventHistory;
  readonly sources: readonly ReconcileSource[];
  readonly parkedQueueUrl: string;
  /** The alert topic: outbox alerts must name it, and parked messages are reported there. */
  readonly alertTopicArn: string;
  /** State table: `replay#<eventId>` counters and `alert-sent#<alertKey>` markers. */
  readonly stateTable: string;
  /** Replays of one eventId after which it is parked (triage keeps failing on it). */
  readonly maxReplaysPerEvent: number;
  /** Messages read from each queue in one run at most. */
  readonly maxMessagesPerQueue: number;
  /** How long a received message stays hidden from other readers while it is handled. */
  readonly visibilityTimeoutSeconds: number;
  readonly clock: Clock;
  /** Milliseconds left in this invocation; the run stops reading at 15 s left (default: no limit). */
  readonly timeLeftMs?: () => number;
  readonly logger?: StageLogger;
  readonly metrics?: StageMetrics;
}

/** What happened to the messages of one queue in one run. */
interface SourceReport {
  readonly kind: ReconcileSourceKind;
  readonly queueUrl: string;
  received: number;
  /** Events started on triage again. */
  replayed: number;
  /** Outbox alerts published. */
  published: number;
  /** Findings Security Hub refused earlier, published again through the Findings Lambda. */
  findingsPublished: number;
  /** Outbox alerts already published by an earlier run (deleted, not sent again). */
  alreadySent: number;
  parked: number;
  /** Messages left on the queue for a later run (the re-submission failed, or SNS is still down). */
  left: number;
}

interface ParkedMessage {
  readonly kind: ReconcileSourceKind;
  readonly queueUrl: string;
  readonly messageId: string;
  readonly reason: string;
  readonly notify: boolean;
}

interface ReconcileReport {
  readonly startedAt: string;
  readonly sources: readonly SourceReport[];
  readonly parked: readonly ParkedMessage[];
  /** The alert about parked messages: sent, not needed, or failed (the parked queue's alarm still tells). */
  readonly parkedAlert: 'published' | 'none' | 'failed';
}

/** Metric names (EMF, unit Count). */
const METRIC = Object.freeze({
  received: 'ReconcileReceived',
  replayed: 'ReconcileReplayed',
  published: 'ReconcileAlertsPublished',
  findingsPublished: 'ReconcileFindingsPublished',
  alreadySent: 'ReconcileAlertsAlreadySent',
  parked: 'ReconcileParked',
  left: 'ReconcileLeft',
});

/**
 * Runs (receives) an event is looked up in CloudTrail event history before it is parked for a person: the reference
 * reaches the queue seconds after the call, event history may take up to 15 minutes, the job runs every 15.
 */
const RECOVERY_LOOKUPS = 3;

/** Days a replay counter / sent marker is kept: longer than any queue's retention (14 days). */
const MARKER_DAYS = 30;
/** Reading stops when this little time is left, so the last message is handled before the Lambda timeout. */
const STOP_READING_AT_MS = 15_000;

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

function toReceived(message: Message): ReceivedMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {}))
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  const count = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
  return {
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    attributes,
    receiveCount: Number.isFinite(count) && count > 0 ? count : 1,
  };
}

/** A Step Functions execution name (≤ 80 of [A-Za-z0-9-_]) that names the replayed message. */
const executionNameFor = (messageId: string): string =>
  `reconcile-${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}`;

class Reconciler {
  private readonly parked: ParkedMessage[] = [];
  /** Once SNS refuses in this run, the rest of the outbox waits for the next run. */
  private snsUnavailable = false;

  constructor(private readonly deps: ReconcileDeps) {}

  private get logger(): StageLogger {
    return observabilityOf(this.deps).logger;
  }

  private get metrics(): StageMetrics {
    return observabilityOf(this.deps).metrics;
  }

  private timeIsShort(): boolean {
    return this.deps.timeLeftMs !== undefined && this.deps.timeLeftMs() < STOP_READING_AT_MS;
  }

  async run(request: ReconcileRequest): Promise<ReconcileReport> {
    const startedAt = this.deps.clock.now().toISOString();
    const wanted = request.sources ? new Set(request.sources) : undefined;
    const limit = Math.min(
      request.maxMessages ?? this.deps.maxMessagesPerQueue,
      this.deps.maxMessagesPerQueue,
    );
    const reports: SourceReport[] = [];
    for (const source of this.deps.sources) {
      if (wanted && !wanted.has(source.kind)) continue;
      reports.push(await this.drain(source, limit));
    }
    const parkedAlert = await this.reportParked();
    return { startedAt, sources: reports, parked: [...this.parked], parkedAlert };
  }

  private async drain(source: ReconcileSource, limit: number): Promise<SourceReport> {
    const report: SourceReport = {
      kind: source.kind,
      queueUrl: source.queueUrl,
      received: 0,
      replayed: 0,
      published: 0,
      findingsPublished: 0,
      alreadySent: 0,
      parked: 0,
      left: 0,
    };
    while (report.received < limit && !this.timeIsShort()) {
      if (source.kind === 'alert-outbox' && this.snsUnavailable) break;
      const { Messages = [] } = await this.deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: source.queueUrl,
          MaxNumberOfMessages: Math.min(10, limit - report.received),
          WaitTimeSeconds: 0,
          VisibilityTimeout: this.deps.visibilityTimeoutSeconds,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        report.received += 1;
        const outcome = await this.handle(source, message);
        report[outcome] += 1;
      }
    }
    for (const metric of [
      'received',
      'replayed',
      'published',
      'findingsPublished',
      'alreadySent',
      'parked',
      'left',
    ] as const)
      if (report[metric] > 0) this.metrics.addMetric(METRIC[metric], 'Count', report[metric]);
    this.logger.info('queue reconciled', { ...report });
    return report;
  }

  /** Handles one message; the message is deleted only once it was re-submitted, found already done, or parked. */
  private async handle(
    source: ReconcileSource,
    message: Message,
  ): Promise<'replayed' | 'published' | 'findingsPublished' | 'alreadySent' | 'parked' | 'left'> {
    const received = toReceived(message);
    const plan = planMessage(source, received);
    try {
      switch (plan.action) {
        case 'replay':
          return await this.replay(source, message, received, plan);
        case 'publish-alert':
          return await this.publish(source, message, plan.alert);
        case 'publish-finding':
          return await this.publishFinding(source, message, received, plan.request);
        case 'recover':
          return await this.recover(source, message, received, plan);
        case 'park':
          await this.park(source, message, received, plan.reason, plan.notify);
          return 'parked';
      }
    } catch (error) {
      // Left on the queue: it comes back after the visibility timeout, and is parked once it has come back too often.
      this.logger.error('message left for a later run', {
        source: source.kind,
        messageId: received.messageId,
        receiveCount: received.receiveCount,
        error: errorText(error),
      });
      return 'left';
    }
  }

  /**
   * An event Ingest failed on without keeping it: looked up in CloudTrail event history and replayed as EventBridge
   * would have delivered it; left for a later run while event history does not show it yet, parked (with the note
   * for a person) when it never does or when no event history is configured.
   */
  private async recover(
    source: ReconcileSource,
    message: Message,
    received: ReceivedMessage,
    plan: Extract<Plan, { action: 'recover' }>,
  ): Promise<'replayed' | 'parked' | 'left'> {
    const history = this.deps.eventHistory;
    if (!history) {
      await this.park(source, message, received, plan.unrecovered, true);
      return 'parked';
    }
    const { eventId, account, region, eventTime } = plan;
    const record = await history.find({ eventId, account, region, ...(eventTime ? { eventTime } : {}) });
    if (record === undefined) {
      if (received.receiveCount < RECOVERY_LOOKUPS) {
        this.logger.info('event not in CloudTrail event history yet: left for a later run', {
          eventId,
          account,
          region,
          receiveCount: received.receiveCount,
        });
        return 'left';
      }
      await this.park(
        source,
        message,
        received,
        `not found in the CloudTrail event history of ${account} ${region} after ${received.receiveCount} lookups (data events are not kept there): ${plan.unrecovered}`.slice(
          0,
          600,
        ),
        true,
      );
      return 'parked';
    }
    const replay = planRecovered(record, plan, source);
    if (replay.action !== 'replay') {
      await this.park(
        source,
        message,
        received,
        replay.action === 'park' ? replay.reason : plan.unrecovered,
        true,
      );
      return 'parked';
    }
    this.logger.info('event recovered from CloudTrail event history', { eventId, account, region });
    return this.replay(source, message, received, replay);
  }

  private async replay(
    source: ReconcileSource,
    message: Message,
    received: ReceivedMessage,
    plan: Extract<Plan, { action: 'replay' }>,
  ): Promise<'replayed' | 'parked'> {
    // Counted only once triage was started: a StartExecution that fails is bounded by the receive count instead.
    const before = await this.replaysSoFar(plan.eventId);
    if (before >= this.deps.maxReplaysPerEvent) {
      await this.park(
        source,
        message,
        received,
        `event ${plan.eventId} was replayed ${before} times already (limit ${this.deps.maxReplaysPerEvent}): triage keeps failing on it`,
        true,
      );
      return 'parked';
    }
    await this.deps.triage.start(plan.event, executionNameFor(received.messageId));
    const replays = await this.countReplay(plan.eventId);
    await this.delete(source, message);
    this.logger.info('event replayed on triage', {
      source: source.kind,
      eventId: plan.eventId,
      messageId: received.messageId,
      replay: replays,
      errorCode: received.attributes.ERROR_CODE,
    });
    return 'replayed';
  }

  /** How many times the reconcile job started triage on this event (`replay#<eventId>`), 0 if never. */
  private async replaysSoFar(eventId: string): Promise<number> {
    const { Item } = await this.deps.dynamo.send(
      new GetItemCommand({
        TableName: this.deps.stateTable,
        Key: { pk: { S: `${KEY_PREFIX.replay}${eventId}` } },
        ConsistentRead: true,
      }),
    );
    return Number(Item?.replays?.N ?? '0');
  }

  /** Counts one more replay of the event (`replay#<eventId>`, expiring) and returns the new count. */
  private async countReplay(eventId: string): Promise<number> {
    const now = this.deps.clock.now();
    const { Attributes } = await this.deps.dynamo.send(
      new UpdateItemCommand({
        TableName: this.deps.stateTable,
        Key: { pk: { S: `${KEY_PREFIX.replay}${eventId}` } },
        UpdateExpression: 'ADD #replays :one SET #last = :now, #expiresAt = :expiresAt',
        ExpressionAttributeNames: {
          '#replays': 'replays',
          '#last': 'lastReplayAt',
          '#expiresAt': 'expiresAt',
        },
        ExpressionAttributeValues: {
          ':one': { N: '1' },
          ':now': { S: now.toISOString() },
          ':expiresAt': { N: String(expiresAtSeconds(now, MARKER_DAYS)) },
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.replays?.N ?? '1');
  }

  /**
   * Publishes an outbox alert once per alert key: a `alert-sent#<key>` marker (written right after the Publish) says
   * it went out, so a message seen again (a failed delete, a duplicate in the outbox) is deleted, not sent again.
   */
  private async publish(
    source: ReconcileSource,
    message: Message,
    alert: AlertOutboxMessage,
  ): Promise<'published' | 'alreadySent' | 'parked' | 'left'> {
    const received = toReceived(message);
    // SNS refused earlier in this run: leave it (visible again after the visibility timeout, before the next run).
    if (this.snsUnavailable) return 'left';
    if (alert.topicArn !== this.deps.alertTopicArn) {
      await this.park(
        source,
        message,
        received,
        `outbox alert for topic ${alert.topicArn}, not ${this.deps.alertTopicArn}`,
        true,
      );
      return 'parked';
    }
    const key = { pk: { S: `${KEY_PREFIX.alertSent}${alert.alertKey}` } };
    const { Item } = await this.deps.dynamo.send(
      new GetItemCommand({ TableName: this.deps.stateTable, Key: key, ConsistentRead: true }),
    );
    if (Item) {
      await this.delete(source, message);
      this.logger.info('outbox alert already published', { eventId: alert.eventId, kind: alert.kind });
      return 'alreadySent';
    }
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.deps.sns.send(
        new PublishCommand({
          TopicArn: alert.topicArn,
          Subject: alert.subject,
          Message: alert.message,
          MessageAttributes: snsStringAttributes(alert.attributes),
        }),
      ));
    } catch (error) {
      if (!isThrottling(error) && !isTransient(error)) throw error;
      // SNS still unavailable: this message and the rest of the outbox wait for the next run.
      this.snsUnavailable = true;
      this.logger.warn('SNS still unavailable: outbox alerts wait for the next run', {
        error: errorText(error),
      });
      return 'left';
    }
    const now = this.deps.clock.now();
    try {
      await this.deps.dynamo.send(
        new PutItemCommand({
          TableName: this.deps.stateTable,
          Item: {
            ...key,
            messageId: { S: messageId ?? '' },
            eventId: { S: alert.eventId },
            kind: { S: alert.kind },
            sentAt: { S: now.toISOString() },
            expiresAt: { N: String(expiresAtSeconds(now, MARKER_DAYS)) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    await this.delete(source, message);
    this.logger.info('outbox alert published', { eventId: alert.eventId, kind: alert.kind, messageId });
    return 'published';
  }

  /**
   * Publishes a finding Security Hub refused, by invoking the Findings Lambda with the kept request; deletes the
   * message only once it succeeded. A failure throws: the message is left for the next run, and parked once it has
   * come back more than the queue's max receives. Publishing twice is harmless: the finding Id is stable per event,
   * so Security Hub upserts the same finding.
   */
  private async publishFinding(
    source: ReconcileSource,
    message: Message,
    received: ReceivedMessage,
    request: PublishFindingRequest,
  ): Promise<'findingsPublished' | 'parked'> {
    if (!this.deps.findings) {
      await this.park(
        source,
        message,
        received,
        `finding of event ${eventIdOfFindingRequest(request)} not published to Security Hub (no Findings function configured to publish it again)`,
        true,
      );
      return 'parked';
    }
    await this.deps.findings.publish(request);
    await this.delete(source, message);
    this.logger.info('finding published again', {
      eventId: eventIdOfFindingRequest(request),
      outcome: request.outcome,
      messageId: received.messageId,
    });
    return 'findingsPublished';
  }

  /** Keeps the message on the parked queue (with why and where from), then deletes it from its queue. */
  private async park(
    source: ReconcileSource,
    message: Message,
    received: ReceivedMessage,
    reason: string,
    notify: boolean,
  ): Promise<void> {
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.deps.parkedQueueUrl,
        MessageBody: JSON.stringify({
          type: 'reconcile-parked',
          reason,
          source: source.kind,
          queueUrl: source.queueUrl,
          messageId: received.messageId,
          receiveCount: received.receiveCount,
          attributes: received.attributes,
          parkedAt: this.deps.clock.now().toISOString(),
          body: received.body,
        }),
        MessageAttributes: {
          source: { DataType: 'String', StringValue: source.kind },
          reason: { DataType: 'String', StringValue: reason.slice(0, 256) },
        },
      }),
    );
    await this.delete(source, message);
    this.parked.push({
      kind: source.kind,
      queueUrl: source.queueUrl,
      messageId: received.messageId,
      reason,
      notify,
    });
    this.logger.warn('message parked', { source: source.kind, messageId: received.messageId, reason });
  }

  private async delete(source: ReconcileSource, message: Message): Promise<void> {
    await this.deps.sqs.send(
      new DeleteMessageCommand({ QueueUrl: source.queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
  }

  /** One alert listing the parked messages a person should look at (invalid inputs kept in S3 are not listed). */
  private async reportParked(): Promise<ReconcileReport['parkedAlert']> {
    const notable = this.parked.filter((entry) => entry.notify);
    if (notable.length === 0) return 'none';
    const lines = notable
      .slice(0, 25)
      .map((entry) => `- ${entry.kind} message ${entry.messageId}: ${entry.reason}`);
    if (notable.length > lines.length) lines.push(`- … and ${notable.length - lines.length} more`);
    try {
      await this.deps.sns.send(
        new PublishCommand({
          TopicArn: this.deps.alertTopicArn,
          Subject: `AISAWS reconcile: ${notable.length} message(s) parked, a person is needed`.slice(0, 100),
          Message: [
            `The reconcile job could not re-submit ${notable.length} message(s) and moved them to the parked queue`,
            `${this.deps.parkedQueueUrl} (each keeps its original body, where it came from and why it was parked).`,
            '',
            ...lines,
          ].join('\n'),
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: 'MEDIUM' },
            action: { DataType: 'String', StringValue: 'ALERT' },
            outcome: { DataType: 'String', StringValue: 'PARKED' },
          },
        }),
      );
      return 'published';
    } catch (error) {
      this.logger.error('could not publish the parked-messages alert (the parked queue alarm still fires)', {
        error: errorText(error),
      });
      this.metrics.addMetric('ReconcileParkedAlertFailed', 'Count', 1);
      return 'failed';
    }
  }
}

/** One reconcile run over every configured queue (or those the request names). */
async function reconcile(request: ReconcileRequest, deps: ReconcileDeps): Promise<ReconcileReport> {
  return new Reconciler(deps).run(request);
}

export type {
  EventHistory,
  EventLookup,
  FindingsPublisher,
  ParkedMessage,
  ReconcileDeps,
  ReconcileReport,
  SourceReport,
  TriageStarter,
};
export { executionNameFor, METRIC, reconcile };
