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

export { digitAt, twoDigits };
