import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CommandContext } from '../program.js';
import { runApprove } from './approve.js';
import type { DemoOutput } from './render.js';
import { runRollback } from './rollback.js';
import { runDemo } from './run-demo.js';
import { DEFAULT_SCENARIO_ID, SCENARIOS } from './scenarios.js';
import { runStatus } from './status.js';

/**
 * The commands of the local sandbox: `demo`, `approve`, `rollback`, `status`. The program adds them with
 * `registerDemoCommands(program)`; each command's logic is a `run*` function taking its options and an output, so
 * tests drive exactly what the command runs.
 */

const DEFAULT_STATE_DIR = '.aisaws';

/** The program's stdout as the demo's output (colours only when it is a terminal). */
function outputOf(context: CommandContext): DemoOutput {
  const stdout = context.io.stdout as CommandContext['io']['stdout'] & { isTTY?: boolean };
  return { write: (text) => stdout.write(text), isTTY: stdout.isTTY === true };
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return parsed;
}

const formatOption = () =>
  new Option('--format <format>', 'output format').choices(['text', 'json'] as const).default('text');
const stateDirOption = () =>
  new Option('--state-dir <dir>', 'folder holding the sandbox between commands').default(DEFAULT_STATE_DIR);

/** Runs a command action; a failure prints `aisaws <command>: <message>` and sets exit code 1. */
function actionOf(context: CommandContext) {
  return <Args extends unknown[]>(name: string, run: (...args: Args) => Promise<number>) =>
    async (...args: Args): Promise<void> => {
      try {
        context.setExitCode(await run(...args));
      } catch (error) {
        const message =
          error instanceof Error
            ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
            : String(error);
        context.io.stderr.write(`aisaws ${name}: ${message}\n`);
        context.setExitCode(1);
      }
    };
}

function listScenarios(out: DemoOutput, format: 'text' | 'json'): void {
  if (format === 'json') {
    out.write(
      `${JSON.stringify(SCENARIOS.map(({ id, title, story, expectedDecision }) => ({ id, title, story, expectedDecision })))}\n`,
    );
    return;
  }
  for (const scenario of SCENARIOS) {
    out.write(
      `${scenario.id.padEnd(22)}${scenario.title}${scenario.id === DEFAULT_SCENARIO_ID ? ' (default)' : ''}\n`,
    );
    out.write(`${''.padEnd(22)}${scenario.story} → ${scenario.expectedDecision}\n`);
  }
}

function registerDemoCommands(program: Command, context: CommandContext): void {
  const out = outputOf(context);
  const action = actionOf(context);
  const stateDirOf = (dir: string): string => resolve(context.io.cwd, dir);
  program
    .command('demo')
    .description('run a scenario through the whole loop on the local sandbox (no AWS account needed)')
    .option('--scenario <id>', 'scenario to run (see --list)', DEFAULT_SCENARIO_ID)
    .option('--list', 'list the scenarios and exit')
    .addOption(formatOption())
    .option('--duplicates <n>', 'deliver the same EventBridge event n times', positiveInteger, 1)
    .option('--auto-approve', 'approve an approval request through the approval endpoint', false)
    .option('--reject', 'reject an approval request through the approval endpoint', false)
    .option('--outbox <dir>', 'folder for alert e-mails (.eml); default <state-dir>/outbox')
    .addOption(stateDirOption())
    .action(
      action(
        'demo',
        async (opts: {
          scenario: string;
          list?: boolean;
          format: 'text' | 'json';
          duplicates: number;
          autoApprove: boolean;
          reject: boolean;
          outbox?: string;
          stateDir: string;
        }) => {
          if (opts.list) {
            listScenarios(out, opts.format);
            return 0;
          }
          const result = await runDemo(
            {
              scenario: opts.scenario,
              format: opts.format,
              duplicates: opts.duplicates,
              autoApprove: opts.autoApprove,
              reject: opts.reject,
              stateDir: stateDirOf(opts.stateDir),
              ...(opts.outbox ? { outbox: resolve(context.io.cwd, opts.outbox) } : {}),
            },
            { out: out },
          );
          return result.status === 'FAILED' ? 2 : 0;
        },
      ),
    );

  program
    .command('approve')
    .description('approve (or --reject) a fix a running demo waits for, through its signed link')
    .argument(
      '[link-or-id]',
      'the signed link, the event id or the link token; default: the only pending one',
    )
    .option('--reject', 'reject instead of approve', false)
    .addOption(stateDirOption())
    .action(
      action('approve', async (target: string | undefined, opts: { reject: boolean; stateDir: string }) => {
        const result = await runApprove(
          { ...(target ? { target } : {}), reject: opts.reject, stateDir: stateDirOf(opts.stateDir) },
          out,
        );
        return result.statusCode === 200 ? 0 : 1;
      }),
    );

  program
    .command('rollback')
    .description('restore the state a demo fix changed, from the snapshot stored on the event')
    .argument('<eventId>', 'CloudTrail eventID of the demo event')
    .addOption(formatOption())
    .addOption(stateDirOption())
    .action(
      action('rollback', async (eventId: string, opts: { format: 'text' | 'json'; stateDir: string }) => {
        await runRollback({ eventId, format: opts.format, stateDir: stateDirOf(opts.stateDir) }, out);
        return 0;
      }),
    );

  program
    .command('status')
    .description("show an event's timeline of stages (or list the sandbox's events)")
    .argument('[eventId]', 'CloudTrail eventID; default: list all events')
    .addOption(formatOption())
    .addOption(stateDirOption())
    .action(
      action(
        'status',
        async (eventId: string | undefined, opts: { format: 'text' | 'json'; stateDir: string }) => {
          await runStatus(
            { ...(eventId ? { eventId } : {}), format: opts.format, stateDir: stateDirOf(opts.stateDir) },
            out,
          );
          return 0;
        },
      ),
    );
}

export { runApprove } from './approve.js';
export { runRollback } from './rollback.js';
export type { DemoIo, DemoOptions, DemoResult } from './run-demo.js';
export { runDemo } from './run-demo.js';
export { SCENARIOS } from './scenarios.js';
export { runStatus } from './status.js';
export { DEFAULT_STATE_DIR, registerDemoCommands };
