import { describe, expect, it } from '@jest/globals';
import { encodeResultLine, resultJson } from '../src/json-line.js';
import type { ScanResult } from '../src/scan-result.js';

const risk = {
  score: 0.125,
  level: 'LOW' as const,
  explanation: [
    { feature: 'bias', contribution: -2.5 },
    { feature: 'read_only', contribution: -0.75 },
  ],
};
const decision = { action: 'LOG_ONLY' as const, reason: 'logged only: score 0.13 is LOW (< 0.40)' };

function result(overrides: Partial<ScanResult> = {}): ScanResult {
  return {
    eventId: '0b6f1e52-8a0c-4f3e-9d7a-1c2b3a4d5e6f',
    eventName: 'DescribeInstances',
    detections: [],
    risk,
    decision,
    source: { file: 'logs/a.jsonl', line: 42 },
    ...overrides,
  };
}

/** The line as JSON.stringify writes the result (its keys are in the schema's order), with the newline. */
const expected = (r: ScanResult): string => `${JSON.stringify(r)}\n`;

/** Encodes into a buffer with `room` bytes after `offset` filler bytes; returns what encodeResultLine returned. */
function encodeAt(r: ScanResult, offset: number, room: number): { end: number; target: Buffer } {
  const target = Buffer.alloc(offset + room, 0x2a);
  return { end: encodeResultLine(r, target, offset), target };
}

describe('encodeResultLine', () => {
  it.each([
    ['a line of a JSON Lines file', result()],
    ['an element of a Records array', result({ source: { file: 'logs/b.json', line: 1, index: 1999 } })],
    ['an element of a multi-line document', result({ source: { file: 'logs/c.json', index: 0 } })],
    ['line 1 and a large line number', result({ source: { file: 'f', line: 9_007_199_254_740_991 } })],
    ['an id with characters to escape', result({ eventId: 'id "quoted" \\ é\n' })],
    [
      'an event name and file that are not ASCII',
      result({ eventName: 'Put≥', source: { file: 'dossier/é.jsonl', line: 7 } }),
    ],
    [
      'an event with detections',
      result({
        detections: [
          { id: 's3.bucket-acl-public', severity: 0.85, title: 'Bucket → public', summary: 'café' },
        ],
        decision: { action: 'AUTO_REMEDIATE', reason: 'score 0.75 is HIGH (≥ 0.70)' },
      }),
    ],
  ])('writes %s as its JSON text, ASCII only, from the offset given', (_, r) => {
    const { end, target } = encodeAt(r, 5, 4096);
    const written = target.subarray(5, end);
    expect(written.every((byte) => byte < 0x80)).toBe(true);
    expect(JSON.parse(written.toString('latin1'))).toEqual(r);
    expect(written.toString('latin1')).toBe(
      expected(r).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    );
    // Nothing before the offset was touched.
    expect(target.subarray(0, 5).toString('latin1')).toBe('*****');
    expect(resultJson(r)).toBe(written.toString('latin1').slice(0, -1));
  });

  it('writes nothing and says how much room it needs when the line may not fit', () => {
    const r = result();
    const { end, target } = encodeAt(r, 10, 20);
    expect(end).toBeLessThan(0);
    expect(target.toString('latin1')).toBe('*'.repeat(30));
    // The room it asks for is enough.
    const again = encodeAt(r, 0, -end);
    expect(again.end).toBe(Buffer.byteLength(expected(r)));
    // Exactly the room it asks for is enough, and one byte less is not.
    expect(encodeAt(r, 0, -end - 1).end).toBe(end);
  });

  it('writes a non-integer or non-finite line number as JSON.stringify does', () => {
    for (const line of [1.5, -3, Number.NaN, Number.POSITIVE_INFINITY, 1e21]) {
      const r = result({ source: { file: 'f', line } });
      const { end, target } = encodeAt(r, 0, 4096);
      expect(target.toString('latin1', 0, end)).toBe(expected(r));
    }
  });
});
