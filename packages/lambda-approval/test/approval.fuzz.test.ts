import { signApprovalLink } from '@aisaws/core/approval';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { createApprovalHandler } from '../src/create-approval-handler.js';

/**
 * Property-based fuzzing of the approval function URL's input: any request (method, query, body, base64 or not,
 * or something that is not a request at all) and tampered copies of a genuine link. The handler always answers
 * with an HTML page and a 4xx status that says what is wrong — it never throws — and nothing is decided: no
 * SendTaskSuccess, no once-only marker written.
 */

const KEY = 'fuzz-signing-key';
const NOW = new Date('2026-03-01T12:00:00Z');
const sfnMock = mockClient(SFNClient);
const dynamoMock = mockClient(DynamoDBClient);

const handler = createApprovalHandler({
  sfn: new SFNClient({ region: 'eu-west-1' }),
  dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
  stateTable: 'state',
  signingKey: async () => KEY,
  clock: { now: () => NOW },
});

beforeEach(() => {
  sfnMock.reset();
  dynamoMock.reset();
  dynamoMock.on(GetItemCommand).resolves({});
});

const genuine = new URL(
  signApprovalLink({
    baseUrl: 'https://approve.example/',
    taskToken: 'AAAA+genuine/token==',
    decision: 'approve',
    expiresAt: Math.floor(NOW.getTime() / 1000) + 600,
    key: KEY,
  }),
);
const genuineFields = Object.fromEntries(genuine.searchParams);

/** The genuine link's fields with one of them replaced by any string (a tampered or truncated link). */
const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
/** A well-formed value for each field (passes the shape check, so only the signature or key id can refuse it). */
const wellFormed: Record<string, fc.Arbitrary<string>> = {
  token: fc
    .base64String({ minLength: 4 })
    .map((text) => text.replace(/[+/=]/g, 'A'))
    .filter((t) => t.length > 0),
  decision: fc.constantFrom('approve', 'reject'),
  expires: fc.integer({ min: 1, max: 99_999_999_999 }).map(String),
  kid: hex(16),
  sig: hex(64),
};
const tamperedFields = fc
  .constantFrom('token', 'decision', 'expires', 'kid', 'sig')
  .chain((field) =>
    fc.record({ field: fc.constant(field), value: fc.oneof(fc.string(), wellFormed[field] ?? fc.string()) }),
  )
  .filter(({ field, value }) => genuineFields[field] !== value)
  .map(({ field, value }) => ({ ...genuineFields, [field]: value }));

const fields = fc.oneof(fc.dictionary(fc.string(), fc.string()), tamperedFields);

const request = fc
  .record({
    method: fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'get'), fc.string()),
    query: fc.option(fields, { nil: undefined }),
    body: fc.option(
      fc.oneof(
        fields.map((f) => new URLSearchParams(f).toString()),
        fc.string(),
      ),
      { nil: undefined },
    ),
    base64: fc.boolean(),
  })
  .map(({ method, query, body, base64 }) => ({
    version: '2.0',
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    ...(query ? { queryStringParameters: query } : {}),
    ...(body === undefined
      ? {}
      : { body: base64 ? Buffer.from(body).toString('base64') : body, isBase64Encoded: base64 }),
    requestContext: { http: { method, sourceIp: '198.51.100.7', userAgent: 'fuzzer' } },
  }));

const anyEvent = fc.oneof(request, fc.anything());

describe('fuzzing the approval function URL input (fast-check)', () => {
  it('always answers a 4xx HTML page naming the problem, never throws, and decides nothing', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        const response = await handler(event);
        statuses.add(response.statusCode);
        expect([400, 403, 405]).toContain(response.statusCode);
        expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(response.body === '' || response.body.includes('<h1>')).toBe(true);
      }),
      { numRuns: 400, seed: 20260301 },
    );
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(dynamoMock.commandCalls(PutItemCommand)).toHaveLength(0);
    // The generator reaches each refusal: malformed, tampered/rotated, wrong method.
    expect([...statuses].sort()).toEqual([400, 403, 405]);
  });
});
