import { decide, type Policy, primaryDetection } from '@aisaws/core/policy';
import type { Clock } from '@aisaws/core/ports';
import {
  type DecidedEvent,
  DecidedEventSchema,
  type Decision,
  DecisionSchema,
  type ScoredEvent,
  ScoredEventSchema,
} from '@aisaws/core/schemas';
import { observabilityOf, type StageLogger, type StageMetrics } from '@aisaws/lambda-runtime';
import { createDocumentClient, isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EventNotFoundError, InvalidEventStatusError } from './errors.js';
import { claimFix, fixClaimKey } from './fix-claims.js';
import { rateLimitWindow, resourceFixesWindow, tryConsumeSlot } from './rate-limit.js';
import { type MemberTagging, readResourceTags, type TaggingClient, tagArnOf } from './resource-tags.js';

/** Everything the Decision stage needs, injected (real clients in Lambda, dynalite or mocks in tests). */
interface DecisionDeps {
  readonly dynamo: DynamoDBClient;
  /** The Resource Groups Tagging API with the Lambda's own role: tags of the security account's resources. */
  readonly tagging: TaggingClient;
  /** Member resources' tags, read in their account (the member tag-reader role); absent: everything via `tagging`. */
  readonly memberTagging?: MemberTagging;
  readonly eventsTable: string;
  readonly stateTable: string;
  readonly policy: Policy;
  readonly clock: Clock;
  readonly logger?: StageLogger;
  readonly metrics?: StageMetrics;
}

const METRIC = Object.freeze({
  LOG_ONLY: 'DecisionsLogOnly',
  ALERT: 'DecisionsAlert',
  AUTO_REMEDIATE: 'DecisionsAutoRemediate',
  HUMAN_APPROVAL: 'DecisionsHumanApproval',
  circuitBreaker: 'CircuitBreakerTripped',
  loopBreaker: 'LoopBreakerTripped',
  duplicate: 'DuplicateDecisions',
  duplicateFix: 'DuplicateFixesLogged',
});

const DECIDABLE = new Set(['RECEIVED', 'SCORED']);

/** The decision already recorded on the item (a redelivery), or undefined. */
function recordedDecision(item: Record<string, unknown> | undefined): Decision | undefined {
  if (!item || typeof item.status !== 'string' || DECIDABLE.has(item.status)) return undefined;
  const parsed = DecisionSchema.safeParse(item.decision);
  return parsed.success ? parsed.data : undefined;
}

async function readItem(eventId: string, deps: DecisionDeps, documents: DynamoDBDocumentClient) {
  const { Item } = await documents.send(
    new GetCommand({ TableName: deps.eventsTable, Key: { eventId }, ConsistentRead: true }),
  );
  return Item;
}

/**
 * Decides with the resource's tags. Only a decision that wants AUTO_REMEDIATE touches the limits, each a slot taken
 * atomically (conditional ADD): first the resource's own window — full means the same resource keeps being fixed,
 * and deciding again as if its limit were reached gives ALERT (loop breaker) — then the global window, whose being
 * full gives HUMAN_APPROVAL (circuit breaker, the last resort). Nothing else consumes a slot.
 */
async function decideWithContext(
  event: ScoredEvent,
  deps: DecisionDeps,
  documents: DynamoDBDocumentClient,
): Promise<Decision> {
  const { logger, metrics } = observabilityOf(deps);
  const now = deps.clock.now();
  const primary = primaryDetection(event.detections)?.resource ?? undefined;
  const arn = primary?.arn;
  const tagArn = primary ? tagArnOf(primary) : undefined;
  const tagRead =
    primary && tagArn ? await readResourceTags({ ...primary, arn: tagArn }, deps, logger) : { tags: {} };
  const resourceTags = tagRead.tags;
  const noted = (decision: Decision): Decision =>
    tagRead.unavailable === undefined
      ? decision
      : {
          ...decision,
          reason: `${decision.reason}; resource tags not read (${tagRead.unavailable}): decided without them, no tag exemption applied`,
        };

  const decision = noted(decide(event, deps.policy, { resourceTags, autoRemediationsInWindow: 0, now }));
  if (decision.action !== 'AUTO_REMEDIATE' && decision.action !== 'HUMAN_APPROVAL') return decision;

  // One fix per resource + playbook in the window, whichever event (finding or CloudTrail call) claims it first.
  const resource = event.detections.find((hit) => hit.id === decision.detectionId)?.resource;
  if (resource && decision.playbook) {
    const { windowMinutes: dedupeMinutes } = deps.policy.deduplication;
    const key = fixClaimKey(resource, decision.playbook);
    const changedAt = Date.parse(event.summary.eventTime ?? event.receivedAt);
    const claimant = {
      eventId: event.eventId,
      kind: event.finding ? ('finding' as const) : ('cloudtrail' as const),
      changedAtMs: Number.isNaN(changedAt) ? now.getTime() : changedAt,
    };
    const claim = await claimFix(key, claimant, now, dedupeMinutes, deps.stateTable, documents);
    if (!claim.claimed) {
      metrics.addMetric(METRIC.duplicateFix, 'Count', 1);
      logger.info('fix already claimed by another event: logged only', { key, byEventId: claim.byEventId });
      return {
        ...decision,
        action: 'LOG_ONLY',
        reason: `logged only: ${decision.playbook} on ${resource.type} ${resource.id} is already handled by event ${claim.byEventId} (claimed ${claim.claimedAt}, one fix per resource and playbook within ${dedupeMinutes} min); it would have been ${decision.action}: ${decision.reason}`,
      };
    }
  }
  if (decision.action !== 'AUTO_REMEDIATE') return decision;

  const { maxAutoRemediations, windowMinutes, perResource } = deps.policy.rateLimit;
  if (arn) {
    const resourceWindow = resourceFixesWindow(arn, now, perResource.windowMinutes);
    const free = await tryConsumeSlot(
      resourceWindow,
      perResource.maxAutoRemediations,
      deps.stateTable,
      documents,
    );
    if (!free) {
      metrics.addMetric(METRIC.loopBreaker, 'Count', 1);
      logger.warn('the same resource was fixed too often: loop breaker, alert instead of a fix', {
        window: resourceWindow.key,
      });
      return noted(
        decide(event, deps.policy, {
          resourceTags,
          autoRemediationsInWindow: 0,
          resourceAutoRemediationsInWindow: perResource.maxAutoRemediations,
          now,
        }),
      );
    }
  }
  const window = rateLimitWindow(now, windowMinutes);
  if (await tryConsumeSlot(window, maxAutoRemediations, deps.stateTable, documents)) return decision;

  metrics.addMetric(METRIC.circuitBreaker, 'Count', 1);
  logger.warn('rate limit of automatic remediations reached: approval required', { window: window.key });
  return noted(
    decide(event, deps.policy, { resourceTags, autoRemediationsInWindow: maxAutoRemediations, now }),
  );
}

/** Records the decision: status DECIDED, decision, risk, timeline.decided; only from RECEIVED or SCORED. */
async function recordDecision(
  event: ScoredEvent,
  decision: Decision,
  deps: DecisionDeps,
  documents: DynamoDBDocumentClient,
): Promise<Decision> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: deps.eventsTable,
        Key: { eventId: event.eventId },
        UpdateExpression:
          'SET #status = :decided, #decision = :decision, #risk = :risk, #timeline.#stage = :now',
        ConditionExpression: '#status IN (:received, :scored)',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#decision': 'decision',
          '#risk': 'risk',
          '#timeline': 'timeline',
          '#stage': 'decided',
        },
        ExpressionAttributeValues: {
          ':decided': 'DECIDED',
          ':received': 'RECEIVED',
          ':scored': 'SCORED',
          ':decision': decision,
          ':risk': event.risk,
          ':now': deps.clock.now().toISOString(),
        },
      }),
    );
    return decision;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // A concurrent delivery recorded its decision first: answer that one.
    const item = await readItem(event.eventId, deps, documents);
    const recorded = recordedDecision(item);
    if (recorded) return recorded;
    if (!item) throw new EventNotFoundError(event.eventId, deps.eventsTable);
    throw new InvalidEventStatusError(event.eventId, String(item.status));
  }
}

/**
 * The Decide stage: a ScoredEvent → the DecidedEvent. Idempotent on the eventID: when the item already holds a
 * decision (status DECIDED or later), that decision is returned and nothing is consumed or written again.
 */
async function decideEvent(
  input: unknown,
  deps: DecisionDeps,
  documents: DynamoDBDocumentClient,
): Promise<DecidedEvent> {
  const { logger, metrics } = observabilityOf(deps);
  const event = ScoredEventSchema.parse(input);

  const item = await readItem(event.eventId, deps, documents);
  if (!item) throw new EventNotFoundError(event.eventId, deps.eventsTable);
  const earlier = recordedDecision(item);
  if (earlier) {
    metrics.addMetric(METRIC.duplicate, 'Count', 1);
    logger.info('already decided: returning the recorded decision', { action: earlier.action });
    return DecidedEventSchema.parse({ ...event, decision: earlier });
  }
  if (typeof item.status !== 'string' || !DECIDABLE.has(item.status))
    throw new InvalidEventStatusError(event.eventId, String(item.status));

  const decision = await recordDecision(
    event,
    await decideWithContext(event, deps, documents),
    deps,
    documents,
  );
  metrics.addMetric(METRIC[decision.action], 'Count', 1);
  logger.info('event decided', {
    action: decision.action,
    riskLevel: decision.level,
    detectionId: decision.detectionId,
    reason: decision.reason,
  });
  return DecidedEventSchema.parse({ ...event, decision });
}

/** The factory the Lambda handler, the workflow harness and the demo share: no Powertools, no environment. */
function createDecisionHandler(deps: DecisionDeps): (event: unknown) => Promise<DecidedEvent> {
  const documents = createDocumentClient(deps.dynamo);
  return (event) => decideEvent(event, deps, documents);
}

export type { DecisionDeps };
export { createDecisionHandler, METRIC };
