/**
 * The one sanitizer for everything `aisaws` writes for a person to read (the scan table, notes and errors on stderr,
 * the demo's text, commander's messages). Input from a CloudTrail record, a file name, an argument or a state file
 * may hold terminal control characters: ESC starts sequences that can retitle, clear or rewrite the analyst's
 * terminal, BEL rings, CR overwrites the visible line, and the Unicode bidi and zero-width controls make text read
 * differently from what it is. Each such character is written as a visible `\uXXXX` escape instead.
 * JSON and SARIF outputs need none of this: JSON.stringify escapes control characters itself.
 */

/**
 * C0 controls except TAB and LF, DEL, C1 controls, zero-width and direction marks, line/paragraph separators, bidi
 * embeddings/overrides/isolates, word joiner and friends, and the byte order mark.
 */
const CONTROL_SOURCE =
  '[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]';
const CONTROL = new RegExp(CONTROL_SOURCE, 'g');
const CONTROL_OR_NEWLINE = new RegExp(`${CONTROL_SOURCE}|[\\t\\n]`, 'g');
/**
 * The only escape sequences let through, and only when asked (the demo on a terminal): the SGR codes node:util
 * styleText writes for the demo's styles (bold, dim, and their reset; red, green, yellow, magenta, cyan, and reset).
 * They change colour and weight, nothing else.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what this pattern is about.
const OWN_STYLE = /\u001b\[(?:1|2|22|31|32|33|35|36|39)m/y;
const TEST_CONTROL = new RegExp(CONTROL_SOURCE);

const escapeChar = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

interface SanitizeOptions {
  /** Keep TAB and LF (multi-line text); default true. When false they are escaped too (one table cell). */
  readonly newlines?: boolean;
  /** Keep the demo's own colour codes (see OWN_STYLE); default false. */
  readonly colours?: boolean;
}

/** `text` safe for a terminal: every control character as a visible `\uXXXX`. */
function sanitizeForTerminal(text: string, options: SanitizeOptions = {}): string {
  const pattern = options.newlines === false ? CONTROL_OR_NEWLINE : CONTROL;
  pattern.lastIndex = 0;
  if (!pattern.test(text)) return text;
  pattern.lastIndex = 0;
  if (options.colours !== true) return text.replace(pattern, escapeChar);
  return text.replace(pattern, (char, offset: number) => {
    if (char !== '\u001b') return escapeChar(char);
    OWN_STYLE.lastIndex = offset;
    return OWN_STYLE.test(text) ? char : escapeChar(char);
  });
}

/** One line of text (a table cell, a name inside a message): newlines escaped as well. */
const oneLine = (text: string): string => sanitizeForTerminal(text, { newlines: false });

/** True when `text` holds a character the sanitizer would escape (tests use it on whole outputs). */
function hasControlCharacter(text: string, options: { colours?: boolean } = {}): boolean {
  const rest = options.colours === true ? text.replace(new RegExp(OWN_STYLE.source, 'g'), '') : text;
  return TEST_CONTROL.test(rest);
}

export type { SanitizeOptions };
export { hasControlCharacter, oneLine, sanitizeForTerminal };
