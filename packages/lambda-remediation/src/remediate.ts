import { type RollbackApproval, verifyRollbackApproval } from '@aisaws/core/approval';
import type { Clock } from '@aisaws/core/ports';
import {
  type DecidedEvent,
  type Decision,
  DecisionSchema,
  type DetectionHit,
  DetectionHitSchema,
  type EventStatus,
  EventStatusSchema,
  type ForwardRemediationRequest,
  type RemediationRequest,
  type RemediationResult,
  type ResourceRef,
  type RollbackRequest,
  SCHEMA_VERSION,
  type Snapshot,
  SnapshotSchema,
} from '@aisaws/core/schemas';
import { classifyThrottling } from '@aisaws/lambda-runtime';
import { isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import type { ClientFactory, Playbook, PlaybookContext, RootSessionFactory } from '@aisaws/playbooks';
// From the errors entry, not the index: the index imports every playbook, hence every SDK client, at cold start.
import { ForwardOnlyError } from '@aisaws/playbooks/errors';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { diffObserved } from './diff-observed.js';
import {
  EventStateConflictError,
  NothingToRemediateError,
  RollbackDriftError,
  RollbackRefusedError,
  SnapshotNotFoundError,
  StoredDecisionMismatchError,
  WrongAuthorityError,
} from './errors.js';

/**
 * Which half of the authority this function holds. `forward` (the Remediation Lambda, apply role): snapshot and
 * apply. `rollback` (the rollback function, rollback role): rollback only. Each refuses the other's actions, so a
 * request cannot make the apply role un-fix, nor the rollback role fix something new.
 */
type Authority = 'forward' | 'rollback';

interface RemediationDeps {
  readonly documents: DynamoDBDocumentClient;
  readonly eventsTable: string;
  /** The ClientFactory for the resource's account (cross-account via AssumeRole, or the Lambda's own). */
  readonly clientsFor: (account: string) => Promise<ClientFactory>;
  /** Root sessions of member accounts (sts:AssumeRoot), for the playbooks that need one; absent in tests/demo. */
  readonly rootSession?: RootSessionFactory;
  /** Playbook lookup by id (`loadPlaybookImplementation` of @aisaws/playbooks/lazy in production). */
  readonly playbookFor: (id: string) => Playbook | Promise<Playbook>;
  readonly clock: Clock;
  readonly authority: Authority;
  /** The approval HMAC key: verifies a rollback's signed approval. Without it every rollback is refused. */
  readonly signingKey?: (options?: { readonly refresh?: boolean }) => Promise<string>;
}

/** The events item as the stages wrote it: read leniently, the fields used here checked. */
const StoredItemSchema = z.looseObject({
  eventId: z.string(),
  status: EventStatusSchema,
  decision: z.optional(DecisionSchema),
  detections: z.array(DetectionHitSchema).optional(),
  snapshot: z.optional(SnapshotSchema),
  remediation: z.looseObject({ status: z.string() }).optional(),
  /** Record Verified stores `observed` as JSON text (States.JsonToString). */
  verification: z
    .looseObject({ status: z.string(), observed: z.union([z.string(), z.record(z.string(), z.unknown())]) })
    .optional(),
  /** What rollBack recorded: the claim, then the outcome, with the approval that asked for it. */
  rollback: z
    .looseObject({
      status: z.string(),
      approvedBy: z.string().optional(),
      approvedAt: z.string().optional(),
      changes: z.array(z.string()).optional(),
      at: z.string().optional(),
    })
    .optional(),
});
type StoredItem = z.infer<typeof StoredItemSchema>;

interface Target {
  readonly playbook: Playbook;
  readonly resource: ResourceRef;
}

/** The playbook and the resource of a decision, among the detections it was made on. */
async function targetOf(
  eventId: string,
  decision: Decision,
  detections: readonly DetectionHit[],
  deps: Pick<RemediationDeps, 'playbookFor'>,
): Promise<Target> {
  const { playbook: playbookId, detectionId } = decision;
  if (!playbookId) throw new NothingToRemediateError(`event ${eventId}: decision.playbook is null`);
  const detection = detections.find((hit) => hit.id === detectionId);
  if (!detection)
    throw new NothingToRemediateError(
      `event ${eventId}: decision.detectionId ${detectionId} is not among its detections`,
    );
  if (!detection.resource)
    throw new NothingToRemediateError(
      `event ${eventId}: detection ${detection.id} names no resource (detections[].resource is null)`,
    );
  return { playbook: await deps.playbookFor(playbookId), resource: detection.resource };
}

async function contextFor(resource: ResourceRef, deps: RemediationDeps): Promise<PlaybookContext> {
  return {
    clients: await deps.clientsFor(resource.account),
    now: () => deps.clock.now(),
    ...(deps.rootSession ? { rootSession: deps.rootSession } : {}),
  };
}

async function readItem(eventId: string, deps: RemediationDeps): Promise<StoredItem | undefined> {
  const { Item } = await deps.documents.send(
    new GetCommand({ TableName: deps.eventsTable, Key: { eventId }, ConsistentRead: true }),
  );
  if (Item === undefined) return undefined;
  const parsed = StoredItemSchema.safeParse(Item);
  if (!parsed.success)
    throw new EventStateConflictError(
      `events item ${eventId} is not what the stages write: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}

/** JSON with sorted keys: two values that differ only in key order compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

const REMEDIABLE: ReadonlySet<string> = new Set(['AUTO_REMEDIATE', 'HUMAN_APPROVAL']);

/**
 * The stored item of a workflow input, checked against it. Whoever can start a remediation execution controls its
 * input, so the decision (action, playbook, detection) and the detections are taken from the events item Decide
 * wrote, and an input that differs is refused: a crafted AUTO_REMEDIATE cannot skip the approval the stored decision
 * requires, nor aim the playbook at another resource.
 */
async function storedDecisionOf(
  event: DecidedEvent,
  deps: RemediationDeps,
): Promise<StoredItem & Pick<DecidedEvent, 'decision' | 'detections'>> {
  const stored = await readItem(event.eventId, deps);
  if (!stored)
    throw new StoredDecisionMismatchError(
      `event ${event.eventId}: no events item; a remediation runs only for an event AISAWS ingested and decided`,
    );
  const { decision, detections } = stored;
  if (!decision || !detections)
    throw new StoredDecisionMismatchError(
      `event ${event.eventId}: the events item holds no decision (status ${stored.status}); nothing to remediate`,
    );
  if (!REMEDIABLE.has(decision.action))
    throw new StoredDecisionMismatchError(
      `event ${event.eventId}: the stored decision is ${decision.action}, which permits no remediation; the input said ${event.decision.action}`,
    );
  if (canonical(decision) !== canonical(event.decision))
    throw new StoredDecisionMismatchError(
      `event ${event.eventId}: the workflow input's decision (${event.decision.action}, ${event.decision.playbook ?? 'no playbook'}) differs from the stored decision (${decision.action}, ${decision.playbook ?? 'no playbook'}): input refused`,
    );
  if (canonical(detections) !== canonical(event.detections))
    throw new StoredDecisionMismatchError(
      `event ${event.eventId}: the workflow input's detections differ from the stored ones (target or resource changed): input refused`,
    );
  return { ...stored, decision, detections };
}

/**
 * Reads the prior state and stores it on the events item, moving it DECIDED → REMEDIATING. Replayed for an item that
 * is already REMEDIATING with a snapshot, it returns the stored snapshot (a Step Functions retry after a lost reply).
 */
async function takeSnapshot(event: DecidedEvent, deps: RemediationDeps): Promise<Snapshot> {
  const stored = await storedDecisionOf(event, deps);
  const { playbook, resource } = await targetOf(event.eventId, stored.decision, stored.detections, deps);
  const ctx = await contextFor(resource, deps);
  const state = await classifyThrottling(`${playbook.id} snapshot`, () => playbook.snapshot(resource, ctx));
  const takenAt = deps.clock.now().toISOString();
  const snapshot: Snapshot = { playbook: playbook.id, resource, takenAt, state };
  try {
    await deps.documents.send(
      new UpdateCommand({
        TableName: deps.eventsTable,
        Key: { eventId: event.eventId },
        UpdateExpression: 'SET #status = :remediating, #snapshot = :snapshot, #timeline.#stage = :at',
        ConditionExpression: '#status = :decided',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#snapshot': 'snapshot',
          '#timeline': 'timeline',
          '#stage': 'snapshot',
        },
        ExpressionAttributeValues: {
          ':remediating': 'REMEDIATING',
          ':decided': 'DECIDED',
          ':snapshot': snapshot,
          ':at': takenAt,
        },
      }),
    );
    return snapshot;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const item = await readItem(event.eventId, deps);
    if (item?.status === 'REMEDIATING' && item.snapshot) return item.snapshot;
    throw new EventStateConflictError(
      `events item ${event.eventId} is ${item ? String(item.status) : 'missing'}; a snapshot needs status DECIDED`,
    );
  }
}

interface ItemCondition {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

const WHILE_REMEDIATING: ItemCondition = {
  expression: '#status = :remediating',
  names: { '#status': 'status' },
  values: { ':remediating': 'REMEDIATING' },
};

/**
 * Stores a stage's result on the events item with its timeline entry, under a condition on the item; with
 * `newStatus`, moves the item to that status in the same write.
 */
async function recordOnItem(
  eventId: string,
  attribute: string,
  stage: string,
  value: unknown,
  condition: ItemCondition,
  deps: RemediationDeps,
  newStatus?: EventStatus,
): Promise<void> {
  try {
    await deps.documents.send(
      new UpdateCommand({
        TableName: deps.eventsTable,
        Key: { eventId },
        UpdateExpression: `SET #attribute = :value, #timeline.#stage = :at${newStatus ? ', #status = :newStatus' : ''}`,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: {
          '#attribute': attribute,
          '#timeline': 'timeline',
          '#stage': stage,
          ...(newStatus ? { '#status': 'status' } : {}),
          ...condition.names,
        },
        ExpressionAttributeValues: {
          ':value': value,
          ':at': deps.clock.now().toISOString(),
          ...(newStatus ? { ':newStatus': newStatus } : {}),
          ...condition.values,
        },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error))
      throw new EventStateConflictError(
        `events item ${eventId}: cannot record ${attribute} (${condition.expression} is false)`,
      );
    throw error;
  }
}

/** Applies the fix with the snapshot stored on the item (never one from the input), or describes it in dry run. */
async function applyFix(
  request: ForwardRemediationRequest,
  deps: RemediationDeps,
): Promise<RemediationResult> {
  const { event } = request;
  const base = { schemaVersion: SCHEMA_VERSION, eventId: event.eventId, action: request.action } as const;
  const stored = await storedDecisionOf(event, deps);
  if (stored.status !== 'REMEDIATING')
    throw new EventStateConflictError(
      `events item ${event.eventId} is ${stored.status}; apply needs status REMEDIATING (after the snapshot)`,
    );
  if (!stored.snapshot)
    throw new SnapshotNotFoundError(`event ${event.eventId}: no snapshot on the events item; apply refused`);
  const { playbook, resource } = await targetOf(event.eventId, stored.decision, stored.detections, deps);
  if (stored.decision.dryRun)
    return {
      ...base,
      playbook: playbook.id,
      status: 'dry-run',
      changes: [
        `would apply ${playbook.id} to ${resource.type} ${resource.id}: ${playbook.descriptor.description}`,
      ],
      at: deps.clock.now().toISOString(),
    };
  const ctx = await contextFor(resource, deps);
  const snapshotState = stored.snapshot.state;
  const outcome = await classifyThrottling(`${playbook.id} apply`, () =>
    playbook.apply(resource, snapshotState, ctx),
  );
  const result: RemediationResult = {
    ...base,
    playbook: playbook.id,
    status: outcome.status,
    changes: outcome.changes,
    at: deps.clock.now().toISOString(),
  };
  await recordOnItem(
    event.eventId,
    'remediation',
    'applied',
    { status: result.status, changes: result.changes, at: result.at },
    WHILE_REMEDIATING,
    deps,
  );
  return result;
}

const recordedObservation = (stored: StoredItem): Record<string, unknown> | undefined => {
  const observed = stored.verification?.observed;
  if (observed === undefined) return undefined;
  if (typeof observed !== 'string') return observed;
  const parsed = z.record(z.string(), z.unknown()).safeParse(JSON.parse(observed));
  return parsed.success ? parsed.data : undefined;
};

/**
 * The result of a rollback this very approval (same signed approvedBy and approvedAt) already completed, or
 * undefined. A Step Functions retry of `Roll Back` after a lost reply (Lambda.ServiceException, a timeout) replays the
 * same approval: it gets the earlier result, so the workflow ends ROLLED_BACK, not refused. Another approval of an
 * event already rolled back is still refused, and so is a rollback left in progress or failed (the resource may be
 * partly changed: a person looks at it).
 */
function earlierRollbackOf(stored: StoredItem, approval: RollbackApproval): RemediationResult | undefined {
  const { rollback, snapshot } = stored;
  if (
    rollback?.status !== 'rolled-back' ||
    rollback.approvedBy !== approval.approvedBy ||
    rollback.approvedAt !== approval.approvedAt ||
    !snapshot ||
    !rollback.at
  )
    return undefined;
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: stored.eventId,
    action: 'rollback',
    playbook: snapshot.playbook,
    status: 'rolled-back',
    snapshot,
    changes: rollback.changes ?? [],
    at: rollback.at,
  };
}

/**
 * Rolls back a verified fix, with everything taken from the stored events item: the approval must be signed for
 * this event; the item must be VERIFIED (a terminal status with a fix that read back compliant) and not rolled back
 * yet; the live state must still be what verify recorded (else the diff is shown and nothing is written, so a change
 * made after the fix is never overwritten); and the playbook must be reversible (monitoring is forward-only).
 */
async function rollBack(request: RollbackRequest, deps: RemediationDeps): Promise<RemediationResult> {
  const { eventId } = request;
  if (!deps.signingKey)
    throw new RollbackRefusedError(
      eventId,
      'no approval signing key is configured, so no approval can be checked',
    );
  const signingKey = deps.signingKey;
  const judge = async (refresh: boolean) =>
    verifyRollbackApproval(request.approval, {
      eventId,
      key: await signingKey(refresh ? { refresh } : undefined),
      now: deps.clock.now(),
    });
  let verdict = await judge(false);
  // A bad signature may be an approval signed with the key rotated in after our cached read: read the key once more.
  if (!verdict.valid && verdict.reason === 'tampered') verdict = await judge(true);
  if (!verdict.valid) throw new RollbackRefusedError(eventId, verdict.message);

  const stored = await readItem(eventId, deps);
  if (!stored) throw new RollbackRefusedError(eventId, 'there is no events item for this event');
  const earlier = earlierRollbackOf(stored, verdict.approval);
  if (earlier) return earlier;
  if (stored.rollback)
    throw new RollbackRefusedError(
      eventId,
      `it was already rolled back (rollback ${stored.rollback.status})`,
    );
  if (stored.status !== 'VERIFIED')
    throw new RollbackRefusedError(
      eventId,
      `its status is ${stored.status}; only a verified fix (status VERIFIED) is rolled back`,
    );
  if (!stored.snapshot) throw new SnapshotNotFoundError(`event ${eventId}: no snapshot on the events item`);
  const recorded = recordedObservation(stored);
  if (!recorded)
    throw new RollbackRefusedError(eventId, 'the events item holds no verified observation to compare with');

  const { snapshot } = stored;
  const playbook = await deps.playbookFor(snapshot.playbook);
  if (!playbook.reversible) throw new ForwardOnlyError(playbook.id);
  const ctx = await contextFor(snapshot.resource, deps);
  const live = await classifyThrottling(`${playbook.id} re-read before rollback`, () =>
    playbook.verify(snapshot.resource, ctx),
  );
  const diff = diffObserved(recorded, live.observed);
  if (diff.length > 0) throw new RollbackDriftError(eventId, diff);

  const { approvedBy, approvedAt } = verdict.approval;
  const startedAt = deps.clock.now().toISOString();
  try {
    await deps.documents.send(
      new UpdateCommand({
        TableName: deps.eventsTable,
        Key: { eventId },
        UpdateExpression: 'SET #rollback = :claim',
        ConditionExpression: '#status = :verified AND attribute_not_exists(#rollback)',
        ExpressionAttributeNames: { '#status': 'status', '#rollback': 'rollback' },
        ExpressionAttributeValues: {
          ':verified': 'VERIFIED',
          ':claim': { status: 'in-progress', approvedBy, approvedAt, startedAt },
        },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error))
      throw new RollbackRefusedError(eventId, 'another rollback claimed it first, or its status changed');
    throw error;
  }

  let changes: string[];
  try {
    ({ changes } = await classifyThrottling(`${playbook.id} rollback`, () =>
      playbook.rollback(snapshot.resource, snapshot.state, ctx),
    ));
  } catch (error) {
    await recordOnItem(
      eventId,
      'rollback',
      'rollbackFailed',
      { status: 'failed', approvedBy, approvedAt, startedAt, error: String((error as Error).message) },
      { expression: 'attribute_exists(#status)', names: { '#status': 'status' } },
      deps,
    );
    throw error;
  }
  const at = deps.clock.now().toISOString();
  await recordOnItem(
    eventId,
    'rollback',
    'rolledBack',
    { status: 'rolled-back', changes, approvedBy, approvedAt, startedAt, at },
    {
      expression: '#status = :verified',
      names: { '#status': 'status' },
      values: { ':verified': 'VERIFIED' },
    },
    deps,
    'ROLLED_BACK',
  );
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId,
    action: 'rollback',
    playbook: playbook.id,
    status: 'rolled-back',
    snapshot,
    changes,
    at,
  };
}

/** RemediationRequest → RemediationResult: snapshot or apply (forward authority), or rollback (rollback authority). */
async function remediate(request: RemediationRequest, deps: RemediationDeps): Promise<RemediationResult> {
  if (request.action === 'rollback') {
    if (deps.authority !== 'rollback')
      throw new WrongAuthorityError(
        `event ${request.eventId}: this function holds the forward (apply) authority and never rolls back; rollbacks run in the rollback function after a signed approval`,
      );
    return rollBack(request, deps);
  }
  if (deps.authority !== 'forward')
    throw new WrongAuthorityError(
      `event ${request.event.eventId}: this function holds the rollback authority only; it refuses ${request.action}`,
    );
  if (request.action === 'apply') return applyFix(request, deps);
  const snapshot = await takeSnapshot(request.event, deps);
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: request.event.eventId,
    action: 'snapshot',
    playbook: snapshot.playbook,
    status: 'snapshot-taken',
    snapshot,
    changes: [],
    at: snapshot.takenAt,
  };
}

export type { Authority, RemediationDeps };
export { canonical, remediate, targetOf };
