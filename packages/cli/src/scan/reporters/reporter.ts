import type { Evaluation } from '@aisaws/scan-engine';
import type { ScanSummary } from '../summary.js';

/** Writes a scan's output in one format. `report` is called once per input event, in input order. */
interface ScanReporter {
  /** Returns a promise only when the output stream asked to wait (back-pressure). */
  report(evaluation: Evaluation): Promise<void> | undefined;
  /** Writes what remains (the SARIF log, the table's footer) and flushes. */
  finish(summary: ScanSummary): Promise<void>;
}

export type { ScanReporter };
