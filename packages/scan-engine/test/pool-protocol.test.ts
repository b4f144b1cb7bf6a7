import { toIngestedEvent } from '@aisaws/core/events';
import { quietEventKey } from '@aisaws/core/features';
import type { CloudTrailRecord } from '@aisaws/core/schemas';
import { observationOf } from '@aisaws/core/scoring';
import { describe, expect, it } from '@jest/globals';
import { QuietDecoder, QuietEncoder, type WorkerMessage } from '../src/pool-protocol.js';

/**
 * What a worker sends for an event without detections (QuietEncoder) must read back on the main thread (QuietDecoder)
 * as exactly the event's own id, name, baseline observation and location, and a shape whose event has the event's
 * quiet key and error code: the main thread scores and decides the event from that shape.
 */

const RECEIVED_AT = '2026-12-05T10:00:00.000Z';

function quietEvent(n: number, overrides: Partial<CloudTrailRecord> = {}) {
  const record = {
    eventVersion: '1.09',
    eventID: `0000000${n}-aaaa-4bbb-8ccc-dddddddddddd`,
    eventTime: `2026-12-05T09:0${n % 10}:00Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName: n % 2 === 0 ? 'DescribeInstances' : 'DescribeVolumes',
    awsRegion: 'eu-west-1',
    sourceIPAddress: `198.51.100.${n}`,
    userAgent: 'aws-cli/2.15.30',
    readOnly: true,
    recipientAccountId: '111122223333',
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:aws:iam::111122223333:user/u${n % 3}`,
      accountId: '111122223333',
    },
    ...overrides,
  } as CloudTrailRecord;
  const ingested = toIngestedEvent(record, { receivedAt: RECEIVED_AT });
  expect(ingested.detections).toEqual([]);
  return ingested;
}

function roundTrip(encoder: QuietEncoder, decoder: QuietDecoder) {
  const { message } = encoder.take(0, 0, 0);
  if (message.type !== 'batch') throw new Error('a batch was expected');
  decoder.learn(message.strings, message.shapes, RECEIVED_AT);
  return message as WorkerMessage & { type: 'batch' };
}

describe('QuietEncoder → QuietDecoder', () => {
  it("reads back each event's own fields, and a shape with its quiet key and error code", () => {
    // Prepare: events of two principals, with and without an error code, over two batches.
    const encoder = new QuietEncoder();
    const decoder = new QuietDecoder();
    const events = [
      quietEvent(1),
      quietEvent(2, { errorCode: 'AccessDenied', awsRegion: undefined }),
      quietEvent(3),
      quietEvent(4, { errorCode: 'Client.UnauthorizedOperation' }),
    ];
    const batches = [events.slice(0, 2), events.slice(2)];
    let index = 0;
    for (const batch of batches) {
      for (const event of batch)
        expect(encoder.addQuiet(event, observationOf(event), { file: 'f.jsonl', line: 10 + index++ })).toBe(
          true,
        );
      // Act
      const message = roundTrip(encoder, decoder);
      // Assess
      batch.forEach((event, position) => {
        const read = decoder.decode(message.quiet, position, message.inline, 'f.jsonl');
        expect(read.eventId).toBe(event.eventId);
        expect(read.eventName).toBe(event.summary.eventName);
        expect(read.observation).toEqual(observationOf(event));
        expect(read.location).toEqual({ file: 'f.jsonl', line: 10 + events.indexOf(event) });
        expect(read.shape.key).toBe(quietEventKey(event));
        expect(read.shape.event.summary.errorCode).toBe(event.summary.errorCode);
        expect(quietEventKey(read.shape.event)).toBe(quietEventKey(event));
      });
    }
  });

  it('sends a shape once, and refuses an event of a new shape past its bound (the worker then sends it whole)', () => {
    const encoder = new QuietEncoder(200_000, 2);
    const decoder = new QuietDecoder();
    const plain = quietEvent(1);
    const denied = quietEvent(2, { errorCode: 'AccessDenied' });
    const other = quietEvent(3, { errorCode: 'ThrottlingException' });
    expect(encoder.addQuiet(plain, observationOf(plain), { file: 'f', line: 1 })).toBe(true);
    expect(encoder.addQuiet(plain, observationOf(plain), { file: 'f', line: 2 })).toBe(true);
    expect(encoder.addQuiet(denied, observationOf(denied), { file: 'f', line: 3 })).toBe(true);
    expect(encoder.addQuiet(other, observationOf(other), { file: 'f', line: 4 })).toBe(false);
    const message = roundTrip(encoder, decoder);
    expect(message.shapes).toHaveLength(2);
    expect(message.order).toEqual(Uint8Array.from([0, 0, 0]));
  });
});
