import type { Writable } from 'node:stream';
import { encodeResultLine, errorJson } from '@aisaws/scan-engine';
import { BufferedWriter } from '../buffered-writer.js';
import type { ScanReporter } from './reporter.js';

/** `--format json`: one JSON object per input event (a result or an error), one per line, in input order. */
function createJsonReporter(stdout: Writable): ScanReporter {
  const out = new BufferedWriter(stdout);
  return {
    report(evaluation) {
      // Every line is ASCII (json-line.ts escapes everything else): a result line is encoded as bytes straight into
      // the output chunk, an error line (rare) copied one byte per character.
      if (evaluation.kind === 'error') return out.writeAscii(`${errorJson(evaluation.error)}\n`);
      return out.writeEncoded(encodeResultLine, evaluation.result);
    },
    finish: () => out.flush(),
  };
}

export { createJsonReporter };
