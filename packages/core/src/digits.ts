/** Digits read from text by character code (no regex, no substring): the date-time readers of the hot path use them. */

/** The digit at `i` as a number, or -1. */
function digitAt(text: string, i: number): number {
  const code = text.charCodeAt(i) - 48;
  return code >= 0 && code <= 9 ? code : -1;
}

/** The two-digit number at `i`, or -1. */
function twoDigits(text: string, i: number): number {
  const tens = digitAt(text, i);
  const ones = digitAt(text, i + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

/** `YYYY-MM-DDThh:mm:ss` by position: the separator expected there, or 0 for a digit. */
const DATE_TIME_HEAD = new Uint8Array([
  0, 0, 0, 0, 0x2d, 0, 0, 0x2d, 0, 0, 0x54, 0, 0, 0x3a, 0, 0, 0x3a, 0, 0,
]);
/** Characters of that head. */
const DATE_TIME_HEAD_LENGTH = 19;
const SPACE = 0x20;
const T = 0x54;

/**
 * The year, month, day, hour, minute and second of a text that starts `YYYY-MM-DDThh:mm:ss` (with a space for the
 * `T` when `spaceForT`), written into `fields` (6 numbers); false when it does not start so (`fields` is then partly
 * written, and means nothing).
 * One loop over the 19 characters: both date-time readers of the hot path use it, and reading each field with its
 * own calls made their optimised code large and slow to compile (a scan compiles them in every thread).
 */
function readDateTimeHead(text: string, fields: Int32Array, spaceForT: boolean): boolean {
  if (text.length < DATE_TIME_HEAD_LENGTH) return false;
  let field = 0;
  let value = 0;
  for (let i = 0; i < DATE_TIME_HEAD_LENGTH; i++) {
    const code = text.charCodeAt(i);
    const separator = DATE_TIME_HEAD[i] as number;
    if (separator === 0) {
      const digit = code - 48;
      if (digit < 0 || digit > 9) return false;
      value = value * 10 + digit;
    } else {
      if (code !== separator && !(spaceForT && separator === T && code === SPACE)) return false;
      fields[field++] = value;
      value = 0;
    }
  }
  fields[field] = value;
  return true;
}

export { digitAt, readDateTimeHead, twoDigits };
