import type { Clock } from '@aisaws/core/ports';
import {
  type DecidedEvent,
  type RemediationRequest,
  type RemediationResult,
  type ResourceRef,
  SCHEMA_VERSION,
  type Snapshot,
  SnapshotSchema,
} from '@aisaws/core/schemas';
import { classifyThrottling } from '@aisaws/lambda-runtime';
import { isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import type { ClientFactory, Playbook, PlaybookContext, RootSessionFactory } from '@aisaws/playbooks';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EventStateConflictError, NothingToRemediateError, SnapshotNotFoundError } from './errors.js';

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
}

interface Target {
  readonly playbook: Playbook;
  readonly resource: ResourceRef;
}

/** The playbook and the resource of the decided detection. */
async function targetOf(event: DecidedEvent, deps: RemediationDeps): Promise<Target> {
  const { playbook: playbookId, detectionId } = event.decision;
  if (!playbookId) throw new NothingToRemediateError(`event ${event.eventId}: decision.playbook is null`);
  const detection = event.detections.find((hit) => hit.id === detectionId);
  if (!detection)
    throw new NothingToRemediateError(
      `event ${event.eventId}: decision.detectionId ${detectionId} is not among its detections`,
    );
  if (!detection.resource)
    throw new NothingToRemediateError(
      `event ${event.eventId}: detection ${detection.id} names no resource (detections[].resource is null)`,
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

async function readItem(
  eventId: string,
  deps: RemediationDeps,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await deps.documents.send(
    new GetCommand({ TableName: deps.eventsTable, Key: { eventId }, ConsistentRead: true }),
  );
  return Item;
}

/**
 * Reads the prior state and stores it on the events item, moving it DECIDED → REMEDIATING. Replayed for an item that
 * is already REMEDIATING with a snapshot, it returns the stored snapshot (a Step Functions retry after a lost reply).
 */
async function takeSnapshot(event: DecidedEvent, deps: RemediationDeps): Promise<Snapshot> {
  const { playbook, resource } = await targetOf(event, deps);
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
    const stored = SnapshotSchema.safeParse(item?.snapshot);
    if (item?.status === 'REMEDIATING' && stored.success) return stored.data;
    throw new EventStateConflictError(
      `events item ${event.eventId} is ${item ? String(item.status) : 'missing'}; a snapshot needs status DECIDED`,
    );
  }
}

/** The snapshot of the request, else the one stored on the events item. */
async function snapshotFor(request: RemediationRequest, deps: RemediationDeps): Promise<Snapshot> {
  if (request.snapshot) return request.snapshot;
  const stored = SnapshotSchema.safeParse((await readItem(request.event.eventId, deps))?.snapshot);
  if (!stored.success)
    throw new SnapshotNotFoundError(
      `event ${request.event.eventId}: no snapshot in the request nor on the events item`,
    );
  return stored.data;
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
const WHEN_SNAPSHOT_STORED: ItemCondition = {
  expression: 'attribute_exists(#snapshot)',
  names: { '#snapshot': 'snapshot' },
};

/** Stores a stage's result on the events item with its timeline entry, under a condition on the item. */
async function recordOnItem(
  eventId: string,
  attribute: string,
  stage: string,
  value: unknown,
  condition: ItemCondition,
  deps: RemediationDeps,
): Promise<void> {
  try {
    await deps.documents.send(
      new UpdateCommand({
        TableName: deps.eventsTable,
        Key: { eventId },
        UpdateExpression: 'SET #attribute = :value, #timeline.#stage = :at',
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: {
          '#attribute': attribute,
          '#timeline': 'timeline',
          '#stage': stage,
          ...condition.names,
        },
        ExpressionAttributeValues: {
          ':value': value,
          ':at': deps.clock.now().toISOString(),
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

/** RemediationRequest → RemediationResult: snapshot, apply (or describe it in dry run), or rollback. */
async function remediate(request: RemediationRequest, deps: RemediationDeps): Promise<RemediationResult> {
  const { event } = request;
  const base = { schemaVersion: SCHEMA_VERSION, eventId: event.eventId, action: request.action } as const;

  if (request.action === 'snapshot') {
    const snapshot = await takeSnapshot(event, deps);
    return {
      ...base,
      playbook: snapshot.playbook,
      status: 'snapshot-taken',
      snapshot,
      changes: [],
      at: snapshot.takenAt,
    };
  }

  const { playbook, resource } = await targetOf(event, deps);
  const snapshot = await snapshotFor(request, deps);
  const ctx = await contextFor(resource, deps);

  if (request.action === 'apply') {
    if (event.decision.dryRun)
      return {
        ...base,
        playbook: playbook.id,
        status: 'dry-run',
        changes: [
          `would apply ${playbook.id} to ${resource.type} ${resource.id}: ${playbook.descriptor.description}`,
        ],
        at: deps.clock.now().toISOString(),
      };
    const outcome = await classifyThrottling(`${playbook.id} apply`, () =>
      playbook.apply(resource, snapshot.state, ctx),
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

  const outcome = await classifyThrottling(`${playbook.id} rollback`, () =>
    playbook.rollback(resource, snapshot.state, ctx),
  );
  const at = deps.clock.now().toISOString();
  await recordOnItem(
    event.eventId,
    'rollback',
    'rolledBack',
    { changes: outcome.changes, at },
    WHEN_SNAPSHOT_STORED,
    deps,
  );
  return { ...base, playbook: playbook.id, status: 'rolled-back', snapshot, changes: outcome.changes, at };
}

export type { RemediationDeps };
export { remediate, targetOf };
