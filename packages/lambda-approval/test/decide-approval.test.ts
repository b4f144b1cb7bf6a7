import { signApprovalLink } from '@aisaws/core/approval';
import { createTables, type RunningDynalite, startDynalite } from '@aisaws/testing/harness';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { createApprovalHandler } from '../src/create-approval-handler.js';

const KEY = 'approval-signing-key';
const NOW = new Date('2026-03-01T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const sfnMock = mockClient(SFNClient);
let dynalite: RunningDynalite;
let tokenCounter = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { state: 'test-state' });
});
afterAll(async () => {
  await dynalite.stop();
});
beforeEach(() => {
  sfnMock.reset();
  sfnMock.on(SendTaskSuccessCommand).resolves({});
});

function handlerAt(now: Date) {
  return createApprovalHandler({
    sfn: new SFNClient({ region: 'eu-west-1' }),
    dynamo: dynalite.client,
    stateTable: 'test-state',
    signingKey: async () => KEY,
    clock: { now: () => now },
  });
}

/** A fresh task token per test so the once-only markers do not collide. */
function freshToken(): string {
  tokenCounter += 1;
  return `AAAA+token/${tokenCounter}==`;
}

function clickEvent(url: string, method = 'GET') {
  return {
    version: '2.0',
    rawQueryString: new URL(url).search.slice(1),
    queryStringParameters: Object.fromEntries(new URL(url).searchParams),
    requestContext: { http: { method, sourceIp: '198.51.100.9', userAgent: 'Mozilla/5.0' } },
  };
}

function link(taskToken: string, decision: 'approve' | 'reject', expiresAt = NOW_S + 600, key = KEY): string {
  return signApprovalLink({ baseUrl: 'https://approve.example/', taskToken, decision, expiresAt, key });
}

function sentOutputs(): unknown[] {
  return sfnMock.commandCalls(SendTaskSuccessCommand).map((call) => ({
    taskToken: call.args[0].input.taskToken,
    output: JSON.parse(call.args[0].input.output ?? 'null'),
  }));
}

describe('createApprovalHandler', () => {
  it('approves once with a valid link: SendTaskSuccess {approved: true, by, at} and a 200 page', async () => {
    // Prepare
    const token = freshToken();
    // Act
    const response = await handlerAt(NOW)(clickEvent(link(token, 'approve')));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('Approved');
    expect(sentOutputs()).toEqual([
      {
        taskToken: token,
        output: {
          approved: true,
          by: 'approval link opened from 198.51.100.9',
          at: '2026-03-01T12:00:00.000Z',
        },
      },
    ]);
  });

  it('sends approved: false for a reject link', async () => {
    const token = freshToken();
    const response = await handlerAt(NOW)(clickEvent(link(token, 'reject')));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Rejected');
    expect(sentOutputs()).toEqual([
      { taskToken: token, output: expect.objectContaining({ approved: false }) },
    ]);
  });

  it('refuses an expired link with 403 saying it expired, and sends nothing', async () => {
    const token = freshToken();
    const response = await handlerAt(new Date((NOW_S + 601) * 1000))(clickEvent(link(token, 'approve')));
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Link expired');
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('refuses a tampered link (reject turned into approve) with 403 saying it was altered', async () => {
    const url = new URL(link(freshToken(), 'reject'));
    url.searchParams.set('decision', 'approve');
    const response = await handlerAt(NOW)(clickEvent(url.toString()));
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('altered or not signed');
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('answers a replayed link, or the other link of the same request, with 409 and never sends twice', async () => {
    // Prepare
    const token = freshToken();
    const handler = handlerAt(NOW);
    // Act
    const first = await handler(clickEvent(link(token, 'approve')));
    const replay = await handler(clickEvent(link(token, 'approve')));
    const other = await handler(clickEvent(link(token, 'reject')));
    // Assess
    expect(first.statusCode).toBe(200);
    expect(replay.statusCode).toBe(409);
    expect(replay.body).toContain('Already decided');
    expect(replay.body).toContain('It was approved at 2026-03-01T12:00:00.000Z.');
    expect(other.statusCode).toBe(409);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('answers 410 when the workflow no longer waits (TaskTimedOut) and keeps the link used', async () => {
    sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const token = freshToken();
    const response = await handlerAt(NOW)(clickEvent(link(token, 'approve')));
    const again = await handlerAt(NOW)(clickEvent(link(token, 'approve')));
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('TaskTimedOut');
    expect(again.statusCode).toBe(409);
  });

  it('releases the marker after a transient SendTaskSuccess failure so the same link works again', async () => {
    sfnMock.on(SendTaskSuccessCommand).rejectsOnce(new Error('socket hang up')).resolves({});
    const token = freshToken();
    const handler = handlerAt(NOW);
    await expect(handler(clickEvent(link(token, 'approve')))).rejects.toThrow('socket hang up');
    const retried = await handler(clickEvent(link(token, 'approve')));
    expect(retried.statusCode).toBe(200);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(2);
  });

  it('answers 400 naming the missing parameter, and 405 to anything but GET', async () => {
    const malformed = await handlerAt(NOW)(clickEvent('https://approve.example/?decision=approve'));
    const posted = await handlerAt(NOW)(clickEvent(link(freshToken(), 'approve'), 'POST'));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('token');
    expect(posted.statusCode).toBe(405);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});
