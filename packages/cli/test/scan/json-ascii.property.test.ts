import { Writable } from 'node:stream';
import type { Evaluation } from '@aisaws/scan-engine';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createJsonReporter } from '../../src/scan/reporters/json-reporter.js';

/**
 * The json reporter writes every line one byte per character (encodeResultLine, BufferedWriter.writeAscii): that is
 * exact only because json-line.ts writes nothing but ASCII, escaping every other character. Any text in an event id, name,
 * detection, reason, file name or error must therefore come out as ASCII bytes that read back as the same strings.
 */

function sink() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** Any string, lone surrogates and characters past U+FFFF included. */
const anyText = fc.string({ unit: 'binary', maxLength: 40 });

describe('--format json output', () => {
  it('is ASCII and reads back as the strings it was given', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyText,
        anyText,
        anyText,
        anyText,
        anyText,
        fc.boolean(),
        async (eventId, eventName, reason, file, summary, withHit) => {
          const out = sink();
          const reporter = createJsonReporter(out.stream);
          const detections = withHit ? [{ id: `x.${summary}`, severity: 0.5, title: summary, summary }] : [];
          const result: Evaluation = {
            kind: 'result',
            result: {
              eventId,
              eventName,
              detections,
              risk: { score: 0.25, level: 'LOW', explanation: [{ feature: 'bias', contribution: -1.5 }] },
              decision: { action: 'LOG_ONLY', reason },
              source: { file, line: 7 },
            },
            hits: [],
            decision: {} as never,
            summary: undefined,
          };
          const error: Evaluation = { kind: 'error', error: { error: reason, file, line: 3, eventId } };
          await reporter.report(result);
          await reporter.report(error);
          await reporter.finish({} as never);
          const bytes = out.bytes();
          expect(bytes.every((byte) => byte < 0x80)).toBe(true);
          const [first, second] = bytes.toString('utf8').trimEnd().split('\n');
          const line = JSON.parse(first as string);
          expect(line.eventId).toBe(eventId);
          expect(line.eventName).toBe(eventName);
          expect(line.decision.reason).toBe(reason);
          expect(line.source).toEqual({ file, line: 7 });
          if (withHit) expect(line.detections[0].summary).toBe(summary);
          expect(JSON.parse(second as string)).toEqual(error.error);
        },
      ),
      { numRuns: 300 },
    );
  });
});
