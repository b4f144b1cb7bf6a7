import type { Writable } from 'node:stream';
import { toOcsfDetectionFinding } from '@aisaws/core/publish';
import type { EventSummary } from '@aisaws/core/schemas';
import type { EventEvaluation } from '@aisaws/scan-engine';
import { errorJson } from '@aisaws/scan-engine';
import { BufferedWriter } from '../buffered-writer.js';
import type { ScanReporter } from './reporter.js';

interface OcsfReporterOptions {
  /** metadata.product.version of every finding. */
  readonly productVersion: string;
  /** Time of an event that carries none (tests pass a fixed one). */
  readonly nowMs?: number;
}

/** One event with a detection → its OCSF 1.8.0 Detection Finding (class 2004). */
function ocsfLine(
  evaluation: EventEvaluation,
  summary: EventSummary,
  options: Required<OcsfReporterOptions>,
): string {
  const { result, decision } = evaluation;
  return JSON.stringify(
    toOcsfDetectionFinding(
      {
        eventId: result.eventId,
        eventName: result.eventName,
        eventSource: summary.eventSource,
        ...(summary.eventTime ? { eventTime: summary.eventTime } : {}),
        account: summary.account,
        region: summary.region,
        actor: summary.actor,
        ...(summary.sourceIp ? { sourceIp: summary.sourceIp } : {}),
        detections: evaluation.hits,
        risk: result.risk,
        decision: { action: decision.action, reason: decision.reason, playbook: decision.playbook },
        source: { ...result.source },
      },
      options,
    ),
  );
}

/**
 * `--format ocsf`: one OCSF Detection Finding per event that has a detection, one JSON object per line, in input
 * order (an event without detection is not a finding and writes nothing). A bad input writes the same error object
 * as `--format json` (`{"error", "file", "line"|"index"}`: no `class_uid`), so nothing is dropped silently.
 */
function createOcsfReporter(stdout: Writable, options: OcsfReporterOptions): ScanReporter {
  const out = new BufferedWriter(stdout);
  const settings = { productVersion: options.productVersion, nowMs: options.nowMs ?? Date.now() };
  return {
    report(evaluation) {
      if (evaluation.kind === 'error') return out.write(`${errorJson(evaluation.error)}\n`);
      // An event with detections always has its summary (only a quiet event read by a worker has none).
      if (evaluation.hits.length === 0 || evaluation.summary === undefined) return undefined;
      return out.write(`${ocsfLine(evaluation, evaluation.summary, settings)}\n`);
    },
    finish: () => out.flush(),
  };
}

export type { OcsfReporterOptions };
export { createOcsfReporter };
