import { DEFAULT_POLICY, parsePolicy } from '@aisaws/core/policy';
import { DecidedEventSchema } from '@aisaws/core/schemas';
import { benignDescribeInstances, bucketMadePublicByAcl } from '@aisaws/testing/fixtures';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createDecisionHandler, type DecisionDeps, EventNotFoundError } from '../src/index.js';
import { scoredEvent } from './scored-events.js';

const NOW = new Date('2026-11-25T08:20:00.000Z');
const documentsMock = mockClient(DynamoDBDocumentClient);
const taggingMock = mockClient(ResourceGroupsTaggingAPIClient);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const warnings: string[] = [];
const metrics: string[] = [];

function deps(): DecisionDeps {
  return {
    dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
    tagging: new ResourceGroupsTaggingAPIClient({ region: 'eu-west-1' }),
    eventsTable: 'events-table',
    stateTable: 'state-table',
    policy: DEFAULT_POLICY,
    clock: { now: () => NOW },
    logger: { info() {}, warn: (message) => warnings.push(message), error() {} },
    metrics: { addMetric: (name) => metrics.push(name) },
  };
}

const stateUpdates = () =>
  documentsMock.commandCalls(UpdateCommand).filter((c) => c.args[0].input.TableName === 'state-table');
const eventUpdates = () =>
  documentsMock.commandCalls(UpdateCommand).filter((c) => c.args[0].input.TableName === 'events-table');

beforeEach(() => {
  documentsMock.reset();
  taggingMock.reset();
  warnings.length = 0;
  metrics.length = 0;
  documentsMock.on(GetCommand).resolves({ Item: { eventId: 'x', status: 'SCORED' } });
  documentsMock.on(UpdateCommand).resolves({});
  taggingMock.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
});

describe('createDecisionHandler', () => {
  it('auto-remediates a public bucket, taking one rate-limit slot, and records DECIDED', async () => {
    // Prepare
    const event = scoredEvent(bucketMadePublicByAcl('reports'), 0.9);
    // Act
    const decided = await createDecisionHandler(deps())(event);
    // Assess
    expect(DecidedEventSchema.parse(decided)).toEqual(decided);
    expect(decided.decision).toMatchObject({ action: 'AUTO_REMEDIATE', detectionId: 's3.bucket-acl-public' });
    expect(taggingMock.commandCalls(GetResourcesCommand)[0]?.args[0].input).toEqual({
      ResourceARNList: ['arn:aws:s3:::reports'],
    });
    expect(stateUpdates().map((c) => c.args[0].input)).toEqual([
      {
        TableName: 'state-table',
        Key: { pk: 'fixes#arn:aws:s3:::reports#2026-11-25T08:00:00.000Z' },
        UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':max': DEFAULT_POLICY.rateLimit.perResource.maxAutoRemediations,
          ':expiresAt': Date.parse('2026-11-25T09:00:00.000Z') / 1000 + 86_400,
        },
      },
      {
        TableName: 'state-table',
        Key: { pk: 'ratelimit#2026-11-25T08:00:00.000Z' },
        UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':max': DEFAULT_POLICY.rateLimit.maxAutoRemediations,
          ':expiresAt': Date.parse('2026-11-25T09:00:00.000Z') / 1000 + 86_400,
        },
      },
    ]);
    expect(eventUpdates()[0]?.args[0].input).toEqual({
      TableName: 'events-table',
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
        ':decision': decided.decision,
        ':risk': event.risk,
        ':now': NOW.toISOString(),
      },
    });
    expect(metrics).toEqual(['DecisionsAutoRemediate']);
  });

  it('alerts, exempt (no fix permitted), when the policy exempts the bucket; the exemption is on the decision; no slot is taken', async () => {
    // Prepare
    const policy = parsePolicy({
      exemptions: { buckets: [{ match: 'reports', reason: 'public reports site', expires: '2099-01-01' }] },
    });
    // Act
    const decided = await createDecisionHandler({ ...deps(), policy })(
      scoredEvent(bucketMadePublicByAcl('reports'), 0.9),
    );
    // Assess
    expect(decided.decision).toMatchObject({
      action: 'ALERT',
      exempt: true,
      exemption: { kind: 'bucket', reason: 'public reports site', expires: '2099-01-01' },
    });
    expect(decided.decision.reason).toContain('exempt by exemptions.buckets reports');
    expect(stateUpdates()).toHaveLength(0);
  });

  it('attack: a self-set exemption tag (no SCP guards it) exempts nothing: the fix goes ahead, the reason says why', async () => {
    // Prepare
    taggingMock.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        {
          ResourceARN: 'arn:aws:s3:::reports',
          Tags: [
            { Key: 'aisaws:exempt', Value: '2099-01-01' },
            { Key: 'aisaws:exempt-reason', Value: 'trust me' },
          ],
        },
      ],
    });
    // Act
    const decided = await createDecisionHandler(deps())(scoredEvent(bucketMadePublicByAcl('reports'), 0.9));
    // Assess
    expect(decided.decision).toMatchObject({ action: 'AUTO_REMEDIATE', exempt: false });
    expect(decided.decision.reason).toContain(
      'exemption refused: the resource is tagged aisaws:exempt=2099-01-01',
    );
  });

  it('decides without tags when the tagging call fails, and warns', async () => {
    // Prepare
    taggingMock.on(GetResourcesCommand).rejects(new Error('AccessDeniedException'));
    // Act
    const decided = await createDecisionHandler(deps())(scoredEvent(bucketMadePublicByAcl('reports'), 0.9));
    // Assess
    expect(decided.decision.action).toBe('AUTO_REMEDIATE');
    expect(warnings).toContain('resource tags unavailable: deciding without them');
  });

  it('turns AUTO into HUMAN_APPROVAL when the rate-limit window is full (circuit breaker)', async () => {
    // Prepare
    documentsMock
      .on(UpdateCommand, { TableName: 'state-table', Key: { pk: 'ratelimit#2026-11-25T08:00:00.000Z' } })
      .rejects(conditionFailed());
    // Act
    const decided = await createDecisionHandler(deps())(scoredEvent(bucketMadePublicByAcl('reports'), 0.9));
    // Assess
    expect(decided.decision.action).toBe('HUMAN_APPROVAL');
    expect(decided.decision.reason).toContain('circuit breaker');
    expect(metrics).toEqual(['CircuitBreakerTripped', 'DecisionsHumanApproval']);
  });

  it('turns AUTO into ALERT when the same resource keeps being fixed (loop breaker), before the global limit', async () => {
    // Prepare
    documentsMock
      .on(UpdateCommand, {
        TableName: 'state-table',
        Key: { pk: 'fixes#arn:aws:s3:::reports#2026-11-25T08:00:00.000Z' },
      })
      .rejects(conditionFailed());
    // Act
    const decided = await createDecisionHandler(deps())(scoredEvent(bucketMadePublicByAcl('reports'), 0.9));
    // Assess
    expect(decided.decision.action).toBe('ALERT');
    expect(decided.decision.reason).toContain('loop breaker: arn:aws:s3:::reports was already fixed');
    expect(stateUpdates().map((c) => c.args[0].input.Key)).toEqual([
      { pk: 'fixes#arn:aws:s3:::reports#2026-11-25T08:00:00.000Z' },
    ]);
    expect(metrics).toEqual(['LoopBreakerTripped', 'DecisionsAlert']);
  });

  it('logs a benign event without reading tags or touching the rate limit', async () => {
    // Act
    const decided = await createDecisionHandler(deps())(scoredEvent(benignDescribeInstances(), 0.1));
    // Assess
    expect(decided.decision.action).toBe('LOG_ONLY');
    expect(taggingMock.commandCalls(GetResourcesCommand)).toHaveLength(0);
    expect(stateUpdates()).toHaveLength(0);
    expect(eventUpdates()).toHaveLength(1);
  });

  it('returns the recorded decision on a redelivery and writes nothing', async () => {
    // Prepare
    const event = scoredEvent(bucketMadePublicByAcl('reports'), 0.9);
    const first = await createDecisionHandler(deps())(event);
    documentsMock.reset();
    documentsMock
      .on(GetCommand)
      .resolves({ Item: { eventId: event.eventId, status: 'REMEDIATING', decision: first.decision } });
    // Act
    const again = await createDecisionHandler(deps())(event);
    // Assess
    expect(again).toEqual(first);
    expect(documentsMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('throws EventNotFoundError when the event was never recorded', async () => {
    // Prepare
    documentsMock.on(GetCommand).resolves({});
    // Act & Assess
    await expect(createDecisionHandler(deps())(scoredEvent(benignDescribeInstances(), 0.1))).rejects.toThrow(
      EventNotFoundError,
    );
  });

  it('rejects an input without a risk, naming the field', async () => {
    // Prepare
    const { risk: _risk, ...notScored } = scoredEvent(benignDescribeInstances(), 0.1);
    // Act & Assess
    await expect(createDecisionHandler(deps())(notScored)).rejects.toThrow(/risk/);
  });
});
