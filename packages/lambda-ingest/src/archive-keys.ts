import { createHash } from 'node:crypto';

/** `yyyy/mm/dd` (UTC) of an instant. */
function datePath(at: Date): string {
  const yyyy = at.getUTCFullYear().toString().padStart(4, '0');
  const mm = (at.getUTCMonth() + 1).toString().padStart(2, '0');
  const dd = at.getUTCDate().toString().padStart(2, '0');
  return `${yyyy}/${mm}/${dd}`;
}

/** The first of the candidate timestamps that parses, else the fallback. */
function firstValidDate(candidates: readonly (string | undefined)[], fallback: Date): Date {
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    const ms = Date.parse(candidate);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  return fallback;
}

/** CloudTrail event IDs are UUIDs; anything else is made safe for an S3 key (no `/`, no control characters). */
const safeKeySegment = (value: string): string => value.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * `raw/<account>/<region>/<yyyy>/<mm>/<dd>/<eventID>.json`, dated by the record's eventTime (else the envelope's
 * time, else the receive time) so the archive is partitioned by when things happened.
 */
function rawArchiveKey(parts: {
  account: string;
  region: string;
  eventId: string;
  eventTime?: string;
  envelopeTime?: string;
  receivedAt: Date;
}): string {
  const at = firstValidDate([parts.eventTime, parts.envelopeTime], parts.receivedAt);
  return `raw/${safeKeySegment(parts.account)}/${safeKeySegment(parts.region)}/${datePath(at)}/${safeKeySegment(parts.eventId)}.json`;
}

/** The exact text of an input (`undefined` has none, so it is spelled out). */
const serialise = (input: unknown): string => JSON.stringify(input) ?? 'undefined';

/** `quarantine/<yyyy>/<mm>/<dd>/<sha256 of the input>.json`: the same bad input always lands on the same key. */
function quarantineKey(input: unknown, receivedAt: Date): string {
  const digest = createHash('sha256').update(serialise(input)).digest('hex');
  return `quarantine/${datePath(receivedAt)}/${digest}.json`;
}

export { datePath, quarantineKey, rawArchiveKey, serialise };
