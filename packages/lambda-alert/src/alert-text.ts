import { sanitizeUntrusted } from '@aisaws/core/events';

/**
 * The text pieces every AISAWS e-mail is made of (the alerts about a decided event and the rollback workflow's):
 * every value is stripped of control characters and cut, whatever its origin.
 */

/** SNS e-mail subjects are at most 100 characters. */
const SUBJECT_MAX = 100;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** `prefix + headline + suffix` within SUBJECT_MAX: the headline (already sanitized) is what gets cut. */
function subjectLine(prefix: string, headline: string, suffix: string): string {
  return prefix + truncate(headline, SUBJECT_MAX - prefix.length - suffix.length) + suffix;
}

/** One `label: value` line, or null when there is no value. */
function line(label: string, value: string | number | boolean | undefined | null, max = 500): string | null {
  return value === undefined || value === null || value === ''
    ? null
    : `  ${label}: ${sanitizeUntrusted(value, max)}`;
}

/** A value someone outside AISAWS chose (names, ARNs, IP, user agent): labelled as such, and shorter. */
function untrusted(label: string, value: string | undefined | null): string | null {
  return line(`${label} [untrusted]`, value, 200);
}

/** A titled block of lines; null lines are left out. */
function section(title: string, lines: (string | null)[]): string {
  return [title, ...lines.filter((l): l is string => l !== null)].join('\n');
}

export { line, SUBJECT_MAX, section, subjectLine, untrusted };
