import type { Writable } from 'node:stream';
import { BufferedWriter } from '../buffered-writer.js';
import type { Evaluation } from '../evaluate.js';
import type { InputLocation } from '../unwrap.js';
import type { ScanReporter } from './reporter.js';

interface TableOptions {
  /** List every event, not only those with detections (errors are always listed). */
  readonly all: boolean;
}

const WIDTH = { location: 40, event: 30, score: 5, level: 6, action: 14 } as const;

/** `file:line`, `file[index]` or `file:line[index]`. */
function formatLocation(location: InputLocation): string {
  const line = location.line !== undefined ? `:${location.line}` : '';
  const index = location.index !== undefined ? `[${location.index}]` : '';
  return `${location.file}${line}${index}`;
}

/** Pads to `width`; a longer text keeps its end (the file name and position matter most) behind an ellipsis. */
function cell(text: string, width: number, keep: 'start' | 'end' = 'start'): string {
  if (text.length <= width) return text.padEnd(width);
  return keep === 'end' ? `…${text.slice(text.length - width + 1)}` : `${text.slice(0, width - 1)}…`;
}

function row(columns: readonly string[]): string {
  return `${columns.join('  ').trimEnd()}\n`;
}

const HEADER = row([
  cell('LOCATION', WIDTH.location),
  cell('EVENT', WIDTH.event),
  cell('SCORE', WIDTH.score),
  cell('LEVEL', WIDTH.level),
  cell('ACTION', WIDTH.action),
  'DETECTIONS',
]);

function formatEvaluation(evaluation: Evaluation): string {
  if (evaluation.kind === 'error') {
    const { error } = evaluation;
    const location = formatLocation(error);
    return row([cell(location, WIDTH.location, 'end'), `ERROR ${error.error}`]);
  }
  const { result } = evaluation;
  let text = row([
    cell(formatLocation(result.source), WIDTH.location, 'end'),
    cell(result.eventName, WIDTH.event),
    cell(result.risk.score.toFixed(2), WIDTH.score),
    cell(result.risk.level, WIDTH.level),
    cell(result.decision.action, WIDTH.action),
    result.detections.map((d) => d.id).join(', ') || '-',
  ]);
  for (const detection of result.detections) {
    text += `    ${detection.id} (${detection.severity.toFixed(2)}): ${detection.summary}\n`;
  }
  if (result.detections.length > 0) text += `    decision: ${result.decision.reason}\n`;
  return text;
}

/** `--format table`: a human table of the events with detections and the input errors (`--all`: every event). */
function createTableReporter(stdout: Writable, options: TableOptions): ScanReporter {
  const out = new BufferedWriter(stdout);
  let rows = 0;
  return {
    report(evaluation) {
      if (!options.all && evaluation.kind === 'result' && evaluation.result.detections.length === 0)
        return undefined;
      if (rows++ === 0) out.write(HEADER);
      return out.write(formatEvaluation(evaluation));
    },
    async finish(summary) {
      if (rows === 0) {
        out.write(
          summary.events === 0
            ? 'No events found.\n'
            : `No detections and no input errors in ${summary.events} events${options.all ? '' : ' (--all lists every event)'}.\n`,
        );
      }
      await out.flush();
    },
  };
}

export { createTableReporter, formatLocation };
