import type { DecisionAction, RiskLevel } from '@aisaws/core/schemas';
import type { Evaluation, SkipReason } from '@aisaws/scan-engine';

/** What a scan saw, for the stderr summary, `--fail-on` and the SARIF invocation. */
interface ScanSummary {
  files: number;
  readonly skipped: { file: string; reason: SkipReason; detail?: string }[];
  events: number;
  errors: number;
  /** Files or folders that could not be read at all (among the errors). */
  unreadable: number;
  /** Work of the readers (bytes searched, copied, decoded): linear in the input, checked by tests. */
  workBytes: number;
  /** Hits per detection id. */
  readonly detections: Map<string, number>;
  readonly decisions: Record<DecisionAction, number>;
  readonly levels: Record<RiskLevel, number>;
  elapsedMs: number;
}

function createSummary(): ScanSummary {
  return {
    files: 0,
    skipped: [],
    events: 0,
    errors: 0,
    unreadable: 0,
    workBytes: 0,
    detections: new Map(),
    decisions: { LOG_ONLY: 0, ALERT: 0, AUTO_REMEDIATE: 0, HUMAN_APPROVAL: 0 },
    levels: { LOW: 0, MEDIUM: 0, HIGH: 0 },
    elapsedMs: 0,
  };
}

function recordEvaluation(summary: ScanSummary, evaluation: Evaluation): void {
  if (evaluation.kind === 'error') {
    summary.errors++;
    return;
  }
  summary.events++;
  summary.decisions[evaluation.decision.action]++;
  summary.levels[evaluation.result.risk.level]++;
  for (const hit of evaluation.hits)
    summary.detections.set(hit.id, (summary.detections.get(hit.id) ?? 0) + 1);
}

const LEVEL_ORDER: readonly RiskLevel[] = ['LOW', 'MEDIUM', 'HIGH'];

/** True when some event's decision is at `level` or above (`--fail-on`). */
function hasLevelAtLeast(summary: ScanSummary, level: RiskLevel): boolean {
  return LEVEL_ORDER.slice(LEVEL_ORDER.indexOf(level)).some((l) => summary.levels[l] > 0);
}

/** 1234567 → "1,234,567" (by hand: toLocaleString loads ICU data, a noticeable share of a short scan). */
function thousands(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatRate(events: number, elapsedMs: number): string {
  if (elapsedMs <= 0) return 'n/a';
  return `${thousands((events * 1000) / elapsedMs)} events/s`;
}

/** What each skip reason means, for its note. */
const SKIP_EXPLANATION: Record<SkipReason, string> = {
  'not JSON': 'not JSON',
  'not CloudTrail':
    'JSON, but not CloudTrail: no record, log file or EventBridge event among the first values; --strict reads them',
  empty: 'empty',
  'dangling link': 'symbolic links to nothing',
  'not a regular file': 'FIFOs, sockets or devices, never opened',
  'already scanned': 'already scanned: the same file reached twice, by name or through a link',
};
const NAMES_PER_NOTE = 5;

/** One note per skip reason: how many files, a few of their names. */
function formatSkipNotes(summary: ScanSummary): string[] {
  const byReason = new Map<SkipReason, string[]>();
  for (const skipped of summary.skipped) {
    const files = byReason.get(skipped.reason) ?? [];
    files.push(skipped.file);
    byReason.set(skipped.reason, files);
  }
  return [...byReason].map(([reason, files]) => {
    const shown = files.slice(0, NAMES_PER_NOTE).join(', ');
    const more = files.length > NAMES_PER_NOTE ? ` and ${files.length - NAMES_PER_NOTE} more` : '';
    return `skipped ${files.length} ${files.length === 1 ? 'file' : 'files'} (${SKIP_EXPLANATION[reason]}): ${shown}${more}`;
  });
}

/** The human summary written to stderr at the end of a scan. */
function formatSummary(summary: ScanSummary): string {
  const lines: string[] = [];
  lines.push(
    `scan: ${summary.events} events, ${summary.errors} input errors, ${summary.files} files` +
      (summary.skipped.length > 0 ? ` (${summary.skipped.length} skipped)` : '') +
      `, ${(summary.elapsedMs / 1000).toFixed(2)} s, ${formatRate(summary.events, summary.elapsedMs)}`,
  );
  const detections = [...summary.detections].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  lines.push(
    `detections: ${detections.length === 0 ? 'none' : detections.map(([id, count]) => `${id} ${count}`).join(', ')}`,
  );
  const { LOG_ONLY, ALERT, AUTO_REMEDIATE, HUMAN_APPROVAL } = summary.decisions;
  lines.push(
    `decisions: LOG_ONLY ${LOG_ONLY}, ALERT ${ALERT}, AUTO_REMEDIATE ${AUTO_REMEDIATE}, HUMAN_APPROVAL ${HUMAN_APPROVAL}`,
  );
  return `${lines.join('\n')}\n`;
}

export type { ScanSummary };
export { createSummary, formatSkipNotes, formatSummary, hasLevelAtLeast, LEVEL_ORDER, recordEvaluation };
