import type { DecisionAction, RiskLevel } from '@aisaws/core/schemas';
import type { Evaluation } from './evaluate.js';

/** What a scan saw, for the stderr summary, `--fail-on` and the SARIF invocation. */
interface ScanSummary {
  files: number;
  readonly skipped: { file: string; reason: string }[];
  events: number;
  errors: number;
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

/** The human summary written to stderr at the end of a scan. */
function formatSummary(summary: ScanSummary): string {
  const lines: string[] = [];
  const total = summary.events + summary.errors;
  lines.push(
    `scan: ${summary.events} events, ${summary.errors} input errors, ${summary.files} files` +
      (summary.skipped.length > 0 ? ` (${summary.skipped.length} skipped: not JSON)` : '') +
      `, ${(summary.elapsedMs / 1000).toFixed(2)} s, ${formatRate(total, summary.elapsedMs)}`,
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
export { createSummary, formatSummary, hasLevelAtLeast, LEVEL_ORDER, recordEvaluation };
