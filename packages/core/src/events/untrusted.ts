/**
 * Text that came from outside AISAWS (a resource name, a user agent, an ARN, an error message quoting them), made
 * safe to put in an alert: control characters (newlines that would forge extra lines, ANSI escapes, NUL) and
 * Unicode format characters (bidirectional overrides that reorder what a reader sees, zero-width characters) are
 * replaced by U+FFFD, and the text is cut to a length. Alerts label such fields as untrusted as well; this only
 * makes sure they cannot change the shape of the message around them.
 */

/**
 * Controls (C0, C1, DEL: `Cc`), format characters (bidirectional overrides, zero-width, soft hyphen, BOM: `Cf`),
 * and the line and paragraph separators.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

const REPLACEMENT = '\ufffd';

/** Default length limit of one untrusted field in an alert. */
const UNTRUSTED_MAX = 200;

/** The text with every unsafe character replaced and cut to `max` characters (`…` marks a cut). */
function sanitizeUntrusted(value: unknown, max: number = UNTRUSTED_MAX): string {
  const text = (typeof value === 'string' ? value : String(value)).replace(UNSAFE, REPLACEMENT);
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export { sanitizeUntrusted, UNTRUSTED_MAX };
