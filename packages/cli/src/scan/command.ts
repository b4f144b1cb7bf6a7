import { DEFAULT_MAX_LINE_BYTES } from '@aisaws/scan-engine';
import type { Command } from 'commander';
import { choiceOption } from '../options.js';
import type { CommandContext } from '../program.js';
import { runScan, SCAN_FORMATS } from './run-scan.js';

interface ScanCommandOptions {
  readonly format: string;
  readonly policy?: string;
  readonly failOn?: string;
  readonly all: boolean;
  readonly progress: boolean;
  readonly strict: boolean;
  readonly maxLineMb: string;
  readonly workers?: string;
}

/** Adds `aisaws scan PATH… [--format table|json|sarif|ocsf] [--policy FILE] [--fail-on LEVEL] [--all]`. */
function registerScanCommand(program: Command, context: CommandContext): void {
  program
    .command('scan')
    .summary('scan CloudTrail logs offline: detect, score and decide for every event')
    .description(
      'Reads CloudTrail log files ({"Records": [...]}), JSON arrays of records, JSON Lines of CloudTrail records or ' +
        'of EventBridge events, gzip or not, files or folders (recursively, in name order), and runs every event ' +
        'through detect, score and decide. One output per input event, in input order; a summary on stderr. ' +
        'Exit code 0 when the scan ran, 1 with --fail-on when a decision reached that level, 2 on a usage error, ' +
        '3 when a file or folder could not be read (every other result is still written).',
    )
    .argument('<paths...>', 'CloudTrail files or folders')
    .addOption(choiceOption('-f, --format <format>', 'output format', SCAN_FORMATS).default('table'))
    .option('-p, --policy <file>', 'decision policy (JSON); default: the built-in policy')
    .addOption(
      choiceOption('--fail-on <level>', 'exit 1 when a decision is at this risk level or above', [
        'low',
        'medium',
        'high',
      ]),
    )
    .option('-a, --all', 'table: list every event, not only those with detections or input errors', false)
    .option('--no-progress', 'never show the progress bar (it shows only on a terminal)')
    .option(
      '--strict',
      'also read JSON files that are plainly not CloudTrail (and files that are not JSON)',
      false,
    )
    .option(
      '--max-line-mb <MiB>',
      'longest line (or multi-line document) read; a longer one is an input error',
      String(DEFAULT_MAX_LINE_BYTES / (1024 * 1024)),
    )
    .option(
      '-w, --workers <n>',
      'threads that read and check records, the main thread included, for inputs of 8 MiB or more (1: the main thread alone); default: the CPUs',
    )
    .action(async (paths: string[], options: ScanCommandOptions) => {
      const exitCode = await runScan(
        {
          paths,
          format: options.format,
          all: options.all,
          progress: options.progress,
          strict: options.strict,
          maxLineMb: options.maxLineMb,
          ...(options.policy !== undefined ? { policy: options.policy } : {}),
          ...(options.failOn !== undefined ? { failOn: options.failOn } : {}),
          ...(options.workers !== undefined ? { workers: options.workers } : {}),
        },
        context.io,
        {
          toolVersion: context.version,
          ...(context.io.scanWorker !== undefined ? { earlyWorker: context.io.scanWorker } : {}),
          ...(context.io.ownProcess === true ? { yieldToWorkers: true } : {}),
        },
      );
      context.setExitCode(exitCode);
    });
}

export { registerScanCommand };
