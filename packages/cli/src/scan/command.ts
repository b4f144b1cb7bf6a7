import { type Command, Option } from 'commander';
import type { CommandContext } from '../program.js';
import { runScan, SCAN_FORMATS } from './run-scan.js';

interface ScanCommandOptions {
  readonly format: string;
  readonly policy?: string;
  readonly failOn?: string;
  readonly all: boolean;
  readonly progress: boolean;
}

/** Adds `aisaws scan PATH… [--format table|json|sarif] [--policy FILE] [--fail-on LEVEL] [--all]`. */
function registerScanCommand(program: Command, context: CommandContext): void {
  program
    .command('scan')
    .summary('scan CloudTrail logs offline: detect, score and decide for every event')
    .description(
      'Reads CloudTrail log files ({"Records": [...]}), JSON arrays of records, JSON Lines of CloudTrail records or ' +
        'of EventBridge events, gzip or not, files or folders (recursively, in name order), and runs every event ' +
        'through detect, score and decide. One output per input event, in input order; a summary on stderr. ' +
        'Exit code 0 when the scan ran, 1 with --fail-on when a decision reached that level, 2 on a usage error.',
    )
    .argument('<paths...>', 'CloudTrail files or folders')
    .addOption(new Option('-f, --format <format>', 'output format').choices(SCAN_FORMATS).default('table'))
    .option('-p, --policy <file>', 'decision policy (JSON); default: the built-in policy')
    .option('--fail-on <level>', 'exit 1 when a decision is at this risk level or above (low, medium, high)')
    .option('-a, --all', 'table: list every event, not only those with detections or input errors', false)
    .option('--no-progress', 'never show the progress bar (it shows only on a terminal)')
    .action(async (paths: string[], options: ScanCommandOptions) => {
      const exitCode = await runScan(
        {
          paths,
          format: options.format,
          all: options.all,
          progress: options.progress,
          ...(options.policy !== undefined ? { policy: options.policy } : {}),
          ...(options.failOn !== undefined ? { failOn: options.failOn } : {}),
        },
        context.io,
        { toolVersion: context.version },
      );
      context.setExitCode(exitCode);
    });
}

export { registerScanCommand };
