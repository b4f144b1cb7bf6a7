import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { RecordsStreamer, recordsArrayStart } from '../src/records-streamer.js';

/**
 * The streamer cuts a `{"Records":[…]}` text into its elements without parsing them: whatever the elements hold
 * (quotes, backslashes, escapes, brackets and commas inside strings, any Unicode) and wherever the text is cut into
 * chunks (inside a string, inside an escape, between a backslash and the quote it escapes), each element must come out
 * as exactly the text JSON.parse reads as that element, in order, and the text after the object must be found.
 */

/** Strings that stress the scanner: quotes, backslashes and structure characters, mixed with any characters. */
const trickyString = fc
  .array(
    fc.oneof(
      fc.constantFrom('"', '\\', '\\\\', '\\"', '{', '}', '[', ']', ',', ':', '\n', ' '),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

const element = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    trickyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

function streamed(text: string, cuts: readonly number[]) {
  const bytes = Buffer.from(text, 'utf8');
  const elements: { text: string; index: number }[] = [];
  const errors: string[] = [];
  const streamer = new RecordsStreamer(
    1 << 20,
    {
      element: (elementText, index) => elements.push({ text: elementText, index }),
      error: (message) => errors.push(message),
    },
    '1 MiB',
  );
  const start = recordsArrayStart(bytes);
  const points = [...new Set(cuts.map((cut) => cut % bytes.length))]
    .filter((point) => point > start && point < bytes.length)
    .sort((a, b) => a - b);
  let from = start;
  let end = -1;
  let offset = 0;
  for (const point of [...points, bytes.length]) {
    const chunk = bytes.subarray(offset, point);
    end = streamer.push(chunk, from - offset);
    if (end !== -1) {
      end += offset;
      break;
    }
    offset = point;
    from = point;
  }
  return { elements, errors, end, bytes };
}

describe('RecordsStreamer', () => {
  it('cuts any Records array into the texts JSON.parse reads as its elements, wherever the chunks end', () => {
    fc.assert(
      fc.property(
        fc.array(element, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 24 }),
        fc.constantFrom('', ' ', '\n'),
        (records, cuts, space) => {
          const text = `{"Records":[${space}${records.map((r) => JSON.stringify(r)).join(`,${space}`)}${space}]}\n{"next":1}`;
          const { elements, errors, end, bytes } = streamed(text, cuts);
          expect(errors).toEqual([]);
          expect(elements.map((e) => e.index)).toEqual(records.map((_, index) => index));
          // JSON's own reading of the records (it writes -0 as 0).
          expect(elements.map((e) => JSON.parse(e.text))).toEqual(JSON.parse(JSON.stringify(records)));
          // The object ends at its closing brace; the next line is the caller's again.
          expect(bytes.toString('utf8', end)).toBe('\n{"next":1}');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
