import type { Writable } from 'node:stream';
import type { Evaluation, InputLocation } from '@aisaws/scan-engine';
import { oneLine } from '../../terminal.js';
import { BufferedWriter } from '../buffered-writer.js';
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

/**
 * Pads to `width`; a longer text keeps its end (the file name and position matter most) behind an ellipsis. Every
 * cell comes from the input (names, ids, messages quoting a bad line): it goes through the terminal sanitizer first.
 */
function cell(raw: string, width: number, keep: 'start' | 'end' = 'start'): string {
  const text = oneLine(raw);
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
    return row([cell(location, WIDTH.location, 'end'), `ERROR ${oneLine(error.error)}`]);
  }
  const { result } = evaluation;
  let text = row([
    cell(formatLocation(result.source), WIDTH.location, 'end'),
    cell(result.eventName, WIDTH.event),
    cell(result.risk.score.toFixed(2), WIDTH.score),
    cell(result.risk.level, WIDTH.level),
    cell(result.decision.action, WIDTH.action),
    oneLine(result.detections.map((d) => d.id).join(', ')) || '-',
  ]);
  for (const detection of result.detections) {
    text += `    ${oneLine(detection.id)} (${detection.severity.toFixed(2)}): ${oneLine(detection.summary)}\n`;
  }
  if (result.detections.length > 0) text += `    decision: ${oneLine(result.decision.reason)}\n`;
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
      const text = formatEvaluation(evaluation);
      return out.write(rows++ === 0 ? HEADER + text : text);
    },
    async finish(summary) {
      if (rows === 0) {
        await out.write(
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
