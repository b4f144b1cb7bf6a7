import type { Writable } from 'node:stream';
import { errorJson, writeResultLine } from '@aisaws/scan-engine';
import { BufferedWriter } from '../buffered-writer.js';
import type { ScanReporter } from './reporter.js';

/** `--format json`: one JSON object per input event (a result or an error), one per line, in input order. */
function createJsonReporter(stdout: Writable): ScanReporter {
  const out = new BufferedWriter(stdout);
  // A result line is written in pieces (most of them cached strings), not built as one string first; the line waits
  // for the stream when any of its pieces had to. Every piece is ASCII (json-line.ts escapes everything else).
  let wait: Promise<void> | undefined;
  const writePiece = (piece: string): void => {
    const flushed = out.writeAscii(piece);
    if (flushed) wait = wait === undefined ? flushed : Promise.all([wait, flushed]).then(() => undefined);
  };
  return {
    report(evaluation) {
      if (evaluation.kind === 'error') return out.writeAscii(`${errorJson(evaluation.error)}\n`);
      wait = undefined;
      writeResultLine(evaluation.result, writePiece);
      return wait;
    },
    finish: () => out.flush(),
  };
}

export { createJsonReporter };
