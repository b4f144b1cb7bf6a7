import type { Writable } from 'node:stream';
import { errorJson, resultJson } from '@aisaws/scan-engine';
import { BufferedWriter } from '../buffered-writer.js';
import type { ScanReporter } from './reporter.js';

/** `--format json`: one JSON object per input event (a result or an error), one per line, in input order. */
function createJsonReporter(stdout: Writable): ScanReporter {
  const out = new BufferedWriter(stdout);
  return {
    report(evaluation) {
      return out.write(
        `${evaluation.kind === 'result' ? resultJson(evaluation.result) : errorJson(evaluation.error)}\n`,
      );
    },
    finish: () => out.flush(),
  };
}

export { createJsonReporter };
