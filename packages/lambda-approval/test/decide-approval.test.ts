import { approvalMarkerKey, signApprovalLink, verifyRollbackApproval } from '@aisaws/core/approval';
import { createTables, type RunningDynalite, startDynalite } from '@aisaws/testing/harness';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
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

/** Opening a link: a GET (or HEAD) of it, as a browser, a mail scanner or a link preview makes it. */
function openEvent(url: string, method = 'GET') {
  return {
    version: '2.0',
    rawQueryString: new URL(url).search.slice(1),
    queryStringParameters: Object.fromEntries(new URL(url).searchParams),
    requestContext: { http: { method, sourceIp: '198.51.100.9', userAgent: 'Mozilla/5.0' } },
  };
}

/** The POST a browser sends when the confirmation form is submitted. */
function postEvent(fields: Record<string, string>, base64 = false) {
  const body = new URLSearchParams(fields).toString();
  return {
    version: '2.0',
    rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
    requestContext: { http: { method: 'POST', sourceIp: '198.51.100.9', userAgent: 'Mozilla/5.0' } },
  };
}

/** The hidden fields of the confirmation page's form (what the browser posts). */
function formOf(html: string): Record<string, string> {
  expect(html).toContain('<form method="post" action="">');
  const decode = (text: string) =>
    text
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((match) => [
      decode(match[1] ?? ''),
      decode(match[2] ?? ''),
    ]),
  );
}

/** A person: opens the link, reads the page, presses its button. */
async function openAndConfirm(handler: ReturnType<typeof handlerAt>, url: string) {
  const opened = await handler(openEvent(url));
  expect(opened.statusCode).toBe(200);
  return handler(postEvent(formOf(opened.body)));
}

async function markerExists(taskToken: string): Promise<boolean> {
  const { Item } = await dynalite.client.send(
    new GetItemCommand({
      TableName: 'test-state',
      Key: { pk: { S: approvalMarkerKey(taskToken) } },
      ConsistentRead: true,
    }),
  );
  return Item !== undefined;
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

describe('createApprovalHandler: opening a link changes nothing', () => {
  it('answers a GET with a confirmation page whose form posts the signed fields back, and sends nothing', async () => {
    // Prepare
    const token = freshToken();
    const url = link(token, 'approve');
    // Act
    const response = await handlerAt(NOW)(openEvent(url));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-security-policy']).toContain("form-action 'self'");
    expect(response.body).toContain('Approve this fix?');
    expect(response.body).toContain('Nothing has been done yet');
    expect(response.body).toContain('<button type="submit">Approve the fix</button>');
    expect(formOf(response.body)).toEqual(Object.fromEntries(new URL(url).searchParams));
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(await markerExists(token)).toBe(false);
  });

  it('a client that pre-fetches every link (GET and HEAD, approve and reject, again and again) decides nothing', async () => {
    // Prepare
    const token = freshToken();
    const handler = handlerAt(NOW);
    const links = [link(token, 'approve'), link(token, 'reject')];
    // Act
    const prefetched = [];
    for (let round = 0; round < 3; round += 1)
      for (const url of links)
        for (const method of ['GET', 'HEAD']) prefetched.push(await handler(openEvent(url, method)));
    // Assess: every prefetch saw a confirmation page, no SendTaskSuccess, no once-only marker…
    expect(prefetched.map((response) => response.statusCode)).toEqual(Array(12).fill(200));
    expect(prefetched.filter((_, index) => index % 2 === 1).every((head) => head.body === '')).toBe(true);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(await markerExists(token)).toBe(false);
    // …so the person's confirmation afterwards is still the one decision.
    const confirmed = await openAndConfirm(handler, links[1] ?? '');
    expect(confirmed.body).toContain('Rejected');
    expect(sentOutputs()).toEqual([
      { taskToken: token, output: expect.objectContaining({ approved: false }) },
    ]);
  });
});

describe('createApprovalHandler: the POST from the confirmation page acts, once', () => {
  it('approves: SendTaskSuccess {approved: true, by, at} and a 200 page', async () => {
    // Prepare
    const token = freshToken();
    // Act
    const response = await openAndConfirm(handlerAt(NOW), link(token, 'approve'));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Approved');
    expect(sentOutputs()).toEqual([
      {
        taskToken: token,
        output: {
          approved: true,
          by: 'approval confirmed from 198.51.100.9',
          at: '2026-03-01T12:00:00.000Z',
        },
      },
    ]);
    expect(await markerExists(token)).toBe(true);
  });

  it('sends approved: false for a reject, and accepts a base64-encoded form body', async () => {
    const token = freshToken();
    const fields = Object.fromEntries(new URL(link(token, 'reject')).searchParams);
    const response = await handlerAt(NOW)(postEvent(fields, true));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Rejected');
    expect(sentOutputs()).toEqual([
      { taskToken: token, output: expect.objectContaining({ approved: false }) },
    ]);
  });

  it('refuses an expired link with 403 saying it expired, on the page and on the POST, and sends nothing', async () => {
    const token = freshToken();
    const url = link(token, 'approve');
    const later = handlerAt(new Date((NOW_S + 601) * 1000));
    const opened = await later(openEvent(url));
    const posted = await later(postEvent(Object.fromEntries(new URL(url).searchParams)));
    expect([opened.statusCode, posted.statusCode]).toEqual([403, 403]);
    expect(opened.body).toContain('Link expired');
    expect(posted.body).toContain('Nothing was changed');
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('refuses a tampered POST (reject turned into approve) with 403 saying it was altered', async () => {
    const fields = Object.fromEntries(new URL(link(freshToken(), 'reject')).searchParams);
    const response = await handlerAt(NOW)(postEvent({ ...fields, decision: 'approve' }));
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('altered or not signed');
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('refuses a link signed before the key was rotated, saying so, and sends nothing', async () => {
    const url = link(freshToken(), 'approve', NOW_S + 600, 'the-key-before-rotation');
    const opened = await handlerAt(NOW)(openEvent(url));
    const posted = await handlerAt(NOW)(postEvent(Object.fromEntries(new URL(url).searchParams)));
    expect([opened.statusCode, posted.statusCode]).toEqual([403, 403]);
    expect(opened.body).toContain('Link no longer valid');
    expect(opened.body).toContain('rotated');
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('answers a replayed POST, or the other link of the same request, with 409 and never sends twice', async () => {
    // Prepare
    const token = freshToken();
    const handler = handlerAt(NOW);
    const approve = Object.fromEntries(new URL(link(token, 'approve')).searchParams);
    // Act
    const first = await handler(postEvent(approve));
    const replay = await handler(postEvent(approve));
    const reopened = await handler(openEvent(link(token, 'approve')));
    const other = await handler(postEvent(Object.fromEntries(new URL(link(token, 'reject')).searchParams)));
    // Assess
    expect(first.statusCode).toBe(200);
    expect(replay.statusCode).toBe(409);
    expect(replay.body).toContain('Already decided');
    expect(replay.body).toContain('It was approved at 2026-03-01T12:00:00.000Z.');
    expect(reopened.statusCode).toBe(409);
    expect(reopened.body).not.toContain('<form');
    expect(other.statusCode).toBe(409);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('answers 410 when the workflow no longer waits (TaskTimedOut) and keeps the link used', async () => {
    sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const fields = Object.fromEntries(new URL(link(freshToken(), 'approve')).searchParams);
    const response = await handlerAt(NOW)(postEvent(fields));
    const again = await handlerAt(NOW)(postEvent(fields));
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('TaskTimedOut');
    expect(again.statusCode).toBe(409);
  });

  it('releases the marker after a transient SendTaskSuccess failure so the same link works again', async () => {
    sfnMock.on(SendTaskSuccessCommand).rejectsOnce(new Error('socket hang up')).resolves({});
    const fields = Object.fromEntries(new URL(link(freshToken(), 'approve')).searchParams);
    const handler = handlerAt(NOW);
    await expect(handler(postEvent(fields))).rejects.toThrow('socket hang up');
    const retried = await handler(postEvent(fields));
    expect(retried.statusCode).toBe(200);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(2);
  });

  it('answers 400 naming the missing field (query or form), and 405 with Allow to other methods', async () => {
    const malformed = await handlerAt(NOW)(openEvent('https://approve.example/?decision=approve'));
    const emptyPost = await handlerAt(NOW)(postEvent({}));
    const put = await handlerAt(NOW)(openEvent(link(freshToken(), 'approve'), 'PUT'));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('token');
    expect(emptyPost.statusCode).toBe(400);
    expect(emptyPost.body).toContain('sig');
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD, POST');
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('reads the key again once when a link names a newer key than the cached one (just rotated), then accepts it', async () => {
    // Prepare: the container cached the key from before the rotation; the store now holds the new one.
    const reads: (boolean | undefined)[] = [];
    const handler = createApprovalHandler({
      sfn: new SFNClient({ region: 'eu-west-1' }),
      dynamo: dynalite.client,
      stateTable: 'test-state',
      signingKey: async (options) => {
        reads.push(options?.refresh);
        return options?.refresh ? 'key-after-rotation' : KEY;
      },
      clock: { now: () => NOW },
    });
    const url = link(freshToken(), 'approve', NOW_S + 600, 'key-after-rotation');
    // Act
    const response = await handler(openEvent(url));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Approve this fix?');
    expect(reads).toEqual([undefined, true]);
  });
});

describe('createApprovalHandler: a rollback approval link issues the signed RollbackApproval', () => {
  const rollbackLink = (taskToken: string, decision: 'approve' | 'reject', eventId: string) =>
    signApprovalLink({
      baseUrl: 'https://approve.example/',
      taskToken,
      decision,
      expiresAt: NOW_S + 600,
      key: KEY,
      rollbackOf: eventId,
    });

  it('approved: the workflow gets a RollbackApproval signed for that event, 15 minutes long', async () => {
    // Prepare
    const token = freshToken();
    // Act
    const opened = await handlerAt(NOW)(openEvent(rollbackLink(token, 'approve', 'event-42')));
    const response = await handlerAt(NOW)(postEvent(formOf(opened.body)));
    // Assess
    expect(opened.body).toContain('Approve this rollback?');
    expect(opened.body).toContain('event event-42');
    expect(response.statusCode).toBe(200);
    const [sent] = sentOutputs() as { output: { rollbackApproval: unknown; by: string; at: string } }[];
    const approval = sent?.output.rollbackApproval;
    expect(approval).toMatchObject({
      eventId: 'event-42',
      approvedBy: sent?.output.by,
      approvedAt: NOW.toISOString(),
      expiresAt: NOW_S + 900,
    });
    expect(verifyRollbackApproval(approval, { eventId: 'event-42', key: KEY, now: NOW })).toMatchObject({
      valid: true,
    });
    expect(verifyRollbackApproval(approval, { eventId: 'event-43', key: KEY, now: NOW })).toMatchObject({
      valid: false,
      reason: 'other-event',
    });
  });

  it('rejected, or a fix approval link: no RollbackApproval is issued', async () => {
    // Act
    await openAndConfirm(handlerAt(NOW), rollbackLink(freshToken(), 'reject', 'event-42'));
    await openAndConfirm(handlerAt(NOW), link(freshToken(), 'approve'));
    // Assess
    const outputs = (sentOutputs() as { output: Record<string, unknown> }[]).map((sent) => sent.output);
    expect(outputs.map((output) => [output.approved, 'rollbackApproval' in output])).toEqual([
      [false, false],
      [true, false],
    ]);
  });

  it('refuses a rollback link whose event was swapped: nothing sent, nothing issued', async () => {
    // Prepare
    const fields = {
      ...Object.fromEntries(new URL(rollbackLink(freshToken(), 'approve', 'event-42')).searchParams),
    };
    fields.rollback = 'event-1';
    // Act
    const response = await handlerAt(NOW)(postEvent(fields));
    // Assess
    expect(response.statusCode).toBe(403);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});
