import { REDACTED } from '@aisaws/core/events';
import { IngestedEventSchema } from '@aisaws/core/schemas';
import { benignDescribeInstances, bucketMadePublicByAcl, eventBridgeEvent } from '@aisaws/testing/fixtures';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createIngestHandler, type IngestDeps, InvalidEventError } from '../src/index.js';
import { quarantineOnFailure } from '../src/ingest.js';

const NOW = new Date('2026-11-25T08:00:00.000Z');
const s3Mock = mockClient(S3Client);
const sqsMock = mockClient(SQSClient);
const documentsMock = mockClient(DynamoDBDocumentClient);

interface RecordedMetric {
  name: string;
  value: number;
}

function makeDeps(overrides: Partial<IngestDeps> = {}): { deps: IngestDeps; metrics: RecordedMetric[] } {
  const metrics: RecordedMetric[] = [];
  const deps: IngestDeps = {
    s3: new S3Client({ region: 'eu-west-1' }),
    dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
    sqs: new SQSClient({ region: 'eu-west-1' }),
    archiveBucket: 'archive-bucket',
    eventsTable: 'events-table',
    quarantineQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/aisaws-test-quarantine',
    ttlDays: 30,
    clock: { now: () => NOW },
    metrics: { addMetric: (name, _unit, value) => metrics.push({ name, value }) },
    ...overrides,
  };
  return { deps, metrics };
}

beforeEach(() => {
  s3Mock.reset();
  sqsMock.reset();
  documentsMock.reset();
  s3Mock.on(PutObjectCommand).resolves({});
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  documentsMock.on(PutCommand).resolves({});
});

describe('createIngestHandler: self-identity by exact role ARN (trap T7)', () => {
  const deployed = 'arn:aws:iam::444455556666:role/aisaws-dev-member-remediation';
  const sessionOf = (roleArn: string) => ({
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEROLE00001:aisaws',
    arn: `arn:aws:sts::444455556666:assumed-role/${roleArn.split('/').pop()}/aisaws`,
    accountId: '444455556666',
    sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, accountId: '444455556666' } },
  });

  it("ignores a call made by a deployed role's session, and detects a role merely named aisaws-x", async () => {
    // Prepare
    const { deps } = makeDeps({ selfRoleArns: new Set([deployed]) });
    const handler = createIngestHandler(deps);
    const ours = bucketMadePublicByAcl('reports', { eventID: 'self-1', userIdentity: sessionOf(deployed) });
    const lookAlike = bucketMadePublicByAcl('reports', {
      eventID: 'self-2',
      userIdentity: sessionOf('arn:aws:iam::444455556666:role/aisaws-x'),
    });
    // Act
    const [own, attacker] = [
      await handler(eventBridgeEvent(ours)),
      await handler(eventBridgeEvent(lookAlike)),
    ];
    // Assess
    expect(own.detections).toEqual([]);
    expect(attacker.detections.map((hit) => hit.id)).toContain('s3.bucket-acl-public');
  });
});

describe('createIngestHandler: a valid CloudTrail event', () => {
  it('archives the raw event under raw/<account>/<region>/<yyyy>/<mm>/<dd>/<eventID>.json, dated by eventTime', async () => {
    // Prepare
    const record = bucketMadePublicByAcl('reports', {
      eventTime: '2026-02-03T23:59:59Z',
      awsRegion: 'eu-west-3',
    });
    const event = eventBridgeEvent(record, { account: '444455556666' });
    const { deps } = makeDeps();
    // Act
    await createIngestHandler(deps)(event);
    // Assess
    const calls = s3Mock.commandCalls(PutObjectCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Bucket: 'archive-bucket',
      Key: `raw/444455556666/eu-west-3/2026/02/03/${record.eventID}.json`,
      ContentType: 'application/json',
      Body: JSON.stringify(event),
      IfNoneMatch: '*',
    });
  });

  it('records the item once with a condition on eventId, status RECEIVED, timeline and TTL', async () => {
    // Prepare
    const record = bucketMadePublicByAcl('reports');
    const { deps } = makeDeps();
    // Act
    const output = await createIngestHandler(deps)(eventBridgeEvent(record));
    // Assess
    const put = documentsMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.TableName).toBe('events-table');
    expect(put?.ConditionExpression).toBe('attribute_not_exists(eventId)');
    expect(put?.Item).toEqual({
      eventId: record.eventID,
      status: 'RECEIVED',
      receivedAt: NOW.toISOString(),
      summary: output.summary,
      detections: output.detections,
      archive: output.archive,
      timeline: { received: NOW.toISOString() },
      expiresAt: NOW.getTime() / 1000 + 30 * 86_400,
    });
  });

  it('returns the Ingest output with the catalog detections and the archive reference', async () => {
    // Prepare
    const record = bucketMadePublicByAcl('reports');
    const { deps, metrics } = makeDeps();
    // Act
    const output = await createIngestHandler(deps)(eventBridgeEvent(record));
    // Assess
    expect(IngestedEventSchema.parse(output)).toEqual(output);
    expect(output.eventId).toBe(record.eventID);
    expect(output.receivedAt).toBe(NOW.toISOString());
    expect(output.detections.map((hit) => hit.id)).toContain('s3.bucket-acl-public');
    expect(output.archive?.bucket).toBe('archive-bucket');
    expect(metrics).toContainEqual({ name: 'EventsIngested', value: 1 });
    expect(metrics).toContainEqual({ name: 'Detections', value: output.detections.length });
  });

  it('on a duplicate (condition failed) writes nothing more and returns the first receivedAt', async () => {
    // Prepare
    const record = benignDescribeInstances();
    documentsMock
      .on(PutCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    documentsMock
      .on(GetCommand)
      .resolves({ Item: { eventId: record.eventID, receivedAt: '2026-11-25T07:59:00.000Z' } });
    const { deps, metrics } = makeDeps();
    // Act
    const output = await createIngestHandler(deps)(eventBridgeEvent(record));
    // Assess
    expect(output.receivedAt).toBe('2026-11-25T07:59:00.000Z');
    expect(documentsMock.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'events-table',
      Key: { eventId: record.eventID },
      ConsistentRead: true,
    });
    expect(metrics).toEqual([{ name: 'DuplicateEvents', value: 1 }]);
  });

  it('treats an existing archive object (412 PreconditionFailed) as already archived', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
      }),
    );
    const { deps } = makeDeps();
    // Act
    const output = await createIngestHandler(deps)(eventBridgeEvent(benignDescribeInstances()));
    // Assess
    expect(output.archive?.key).toMatch(/^raw\//);
    expect(documentsMock.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('fails without recording the item when the archive write fails', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).rejects(new Error('SlowDown'));
    const { deps } = makeDeps();
    // Act & Assess
    await expect(createIngestHandler(deps)(eventBridgeEvent(benignDescribeInstances()))).rejects.toThrow(
      'SlowDown',
    );
    expect(documentsMock.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('createIngestHandler: invalid input', () => {
  it('quarantines the input with the reason and zod issues, announces it on SQS, and throws InvalidEventError', async () => {
    // Prepare
    const event = eventBridgeEvent(benignDescribeInstances());
    const { eventID: _dropped, ...detailWithoutId } = event.detail;
    const invalid = { ...event, detail: detailWithoutId };
    const { deps, metrics } = makeDeps();
    // Act
    const error = await createIngestHandler(deps)(invalid).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).name).toBe('InvalidEventError');
    const put = s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Key).toMatch(/^quarantine\/2026\/11\/25\/[0-9a-f]{64}\.json$/);
    const body = JSON.parse(String(put?.Body));
    expect(body.reason).toContain('detail.eventID');
    expect(body.issues).toContainEqual(expect.objectContaining({ path: 'detail.eventID' }));
    expect(body.input).toEqual(invalid);
    expect(body.receivedAt).toBe(NOW.toISOString());
    const message = sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(message?.QueueUrl).toBe(deps.quarantineQueueUrl);
    expect(JSON.parse(String(message?.MessageBody))).toMatchObject({
      stage: 'ingest',
      quarantinedAt: `s3://archive-bucket/${put?.Key}`,
    });
    expect(documentsMock.commandCalls(PutCommand)).toHaveLength(0);
    expect(metrics).toEqual([{ name: 'EventsQuarantined', value: 1 }]);
  });

  it('names the detail-type when the event is not a CloudTrail event', async () => {
    // Prepare
    const invalid = {
      ...eventBridgeEvent(benignDescribeInstances()),
      'detail-type': 'EC2 Instance State-change',
    };
    const { deps } = makeDeps({ sqs: undefined, quarantineQueueUrl: undefined });
    // Act & Assess
    await expect(createIngestHandler(deps)(invalid)).rejects.toThrow(/detail-type/);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('quarantines inputs that are not even objects, under the same key for the same input', async () => {
    // Prepare
    const { deps } = makeDeps();
    const handler = createIngestHandler(deps);
    // Act
    await expect(handler('not json object')).rejects.toThrow(InvalidEventError);
    await expect(handler('not json object')).rejects.toThrow(InvalidEventError);
    await expect(handler(undefined)).rejects.toThrow(InvalidEventError);
    // Assess
    const keys = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
  });
});

describe('createIngestHandler: wiring', () => {
  it('refuses a quarantine queue without an SQS client instead of silently skipping the message', () => {
    // Prepare
    const { deps } = makeDeps({ sqs: undefined });
    // Act & Assess
    expect(() => createIngestHandler(deps)).toThrow(/quarantineQueueUrl.*sqs/);
  });
});

describe('an Ingest failure that is not an invalid input', () => {
  const withSecret = () => {
    const record = bucketMadePublicByAcl('reports');
    return eventBridgeEvent({
      ...record,
      responseElements: {
        credentials: { accessKeyId: 'ASIAEXAMPLE', sessionToken: 'FwoGZXIvYXdzSECRETTOKEN' },
      },
    });
  };

  it('keeps the event on the quarantine queue, credentials redacted, then throws IngestFailedError', async () => {
    // Prepare
    const { deps, metrics } = makeDeps();
    const event = withSecret();
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'InternalError',
        $fault: 'server',
        $metadata: {},
        message: 'S3 down',
      }),
    );
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'kept' });
    // Act
    const act = createIngestHandler(deps)(event);
    // Assess
    await expect(act).rejects.toMatchObject({ name: 'IngestFailedError', eventId: event.detail.eventID });
    const sent = sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.QueueUrl).toBe(deps.quarantineQueueUrl);
    expect(sent[0]?.MessageAttributes).toEqual({
      stage: { DataType: 'String', StringValue: 'ingest-failed' },
    });
    const body = JSON.parse(sent[0]?.MessageBody ?? '{}');
    expect(body).toMatchObject({
      reason: 'triage-failed',
      failedStage: 'ingest',
      error: 'InternalError',
      cause: 'S3 down',
      eventId: event.detail.eventID,
      input: {
        ...event,
        detail: {
          ...event.detail,
          responseElements: { credentials: { accessKeyId: 'ASIAEXAMPLE', sessionToken: REDACTED } },
        },
      },
    });
    expect(sent[0]?.MessageBody).not.toContain('FwoGZXIvYXdzSECRETTOKEN');
    expect(metrics.map((m) => m.name)).toContain('EventsQuarantined');
  });

  it('the queue refuses too: the original error is thrown (the workflow then keeps a reference only)', async () => {
    // Prepare
    const { deps } = makeDeps();
    s3Mock.on(PutObjectCommand).rejects(Object.assign(new Error('S3 down'), { name: 'InternalError' }));
    sqsMock.on(SendMessageCommand).rejects(Object.assign(new Error('SQS down'), { name: 'InternalError' }));
    // Act & Assess
    await expect(createIngestHandler(deps)(withSecret())).rejects.toThrow('S3 down');
  });

  it('a redelivery meeting the first one in progress is passed through for the workflow to retry, not quarantined', async () => {
    // Prepare: what the Powertools idempotency layer throws around the use case
    const { deps } = makeDeps();
    const inProgress = Object.assign(new Error('Execution already in progress'), {
      name: 'IdempotencyAlreadyInProgressError',
    });
    const handler = quarantineOnFailure(deps, async () => {
      throw inProgress;
    });
    // Act & Assess
    await expect(handler(withSecret())).rejects.toBe(inProgress);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('no quarantine queue configured: the original error is thrown, nothing sent', async () => {
    // Prepare
    const { deps } = makeDeps({ sqs: undefined, quarantineQueueUrl: undefined });
    s3Mock.on(PutObjectCommand).rejects(Object.assign(new Error('S3 down'), { name: 'InternalError' }));
    // Act & Assess
    await expect(createIngestHandler(deps)(withSecret())).rejects.toThrow('S3 down');
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
