import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  EXIT_FAILED_OUTCOME,
  EXIT_INTERNAL,
  EXIT_INTERRUPTED,
  EXIT_NOT_DONE,
  EXIT_OK,
  EXIT_USAGE,
  InterruptedError,
  isSystemError,
  NotDoneError,
  UsageError,
} from '../errors.js';
import { choiceOption } from '../options.js';
import type { CommandContext } from '../program.js';
import { oneLine, sanitizeForTerminal } from '../terminal.js';
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

/**
 * The program's stdout as the demo's output (colours only when it is a terminal). Everything goes through the
 * terminal sanitizer: names, ids and messages come from the sandbox's state files; only the demo's own colour codes
 * pass, and only on a terminal.
 */
function outputOf(context: CommandContext): DemoOutput {
  const stdout = context.io.stdout as CommandContext['io']['stdout'] & { isTTY?: boolean };
  const isTTY = stdout.isTTY === true;
  return {
    write: (text) => {
      if (!stdout.writable) return;
      stdout.write(sanitizeForTerminal(text, { colours: isTTY }));
    },
    isTTY,
  };
}

/**
 * An event id as the commands take it: CloudTrail's eventID is a UUID (S3 data events: 16 hex digits), a finding's is
 * `finding:<id>@<updatedAt>`; anything outside 1–128 letters, digits, `-`, `_`, `.`, `:` and `@` is refused before it
 * reaches a file name or a DynamoDB key.
 */
const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

function checkEventId(value: string, what: string): string {
  if (value.trim() === '')
    throw new UsageError(`${what} is empty (an unset shell variable?): give the CloudTrail eventID`);
  if (!EVENT_ID.test(value))
    throw new UsageError(
      `${what} must be 1–128 letters, digits, '-', '_', '.', ':' or '@' (a CloudTrail eventID or a finding's id), got ${value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)` : JSON.stringify(value)}`,
    );
  return value;
}

/** The approve target: a link (http/https URL), an event id or a link token; never an empty string. */
function checkApproveTarget(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '')
    throw new UsageError(
      'the link or event id is empty (an unset shell variable?): give one, or none to use the only pending approval',
    );
  if (/^https?:\/\//i.test(value)) {
    if (value.length > 4096) throw new UsageError('the link is longer than 4096 characters');
    return value;
  }
  return checkEventId(value, 'the event id or token');
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return parsed;
}

const formatOption = () =>
  choiceOption('--format <format>', 'output format', ['text', 'json']).default('text');
const stateDirOption = () =>
  new Option('--state-dir <dir>', 'folder holding the sandbox between commands').default(DEFAULT_STATE_DIR);

/** The exit code of a failed command (README's table) and whether its message is for the user or a bug report. */
function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT_USAGE;
  if (error instanceof InterruptedError) return EXIT_INTERRUPTED;
  if (error instanceof NotDoneError || isSystemError(error)) return EXIT_NOT_DONE;
  return EXIT_INTERNAL;
}

/**
 * Runs a command action; a failure prints one sanitized line `aisaws <command>: <message>` (no stack trace) and sets
 * the exit code of its kind: 2 usage, 3 not done, 130 interrupted, 4 internal error.
 */
function actionOf(context: CommandContext) {
  return <Args extends unknown[]>(name: string, run: (...args: Args) => Promise<number>) =>
    async (...args: Args): Promise<void> => {
      try {
        context.setExitCode(await run(...args));
      } catch (error) {
        const code = exitCodeOf(error);
        const text = error instanceof Error ? error.message : String(error);
        const message =
          code === EXIT_INTERRUPTED
            ? 'interrupted: the run was not saved, its pending approval removed'
            : code === EXIT_INTERNAL
              ? `internal error: ${oneLine(text.split('\n')[0] ?? '')} (a bug in aisaws)`
              : text;
        if (context.io.stderr.writable)
          context.io.stderr.write(sanitizeForTerminal(`aisaws ${name}: ${message}\n`));
        context.setExitCode(code);
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
              ...(context.io.signal ? { signal: context.io.signal } : {}),
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
          return result.status === 'FAILED' ? EXIT_FAILED_OUTCOME : EXIT_OK;
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
        const checked = checkApproveTarget(target);
        const result = await runApprove(
          {
            ...(checked !== undefined ? { target: checked } : {}),
            reject: opts.reject,
            stateDir: stateDirOf(opts.stateDir),
          },
          out,
        );
        // The endpoint refused (expired, already answered, bad signature): the approval was not done.
        return result.statusCode === 200 ? EXIT_OK : EXIT_NOT_DONE;
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
        await runRollback(
          {
            eventId: checkEventId(eventId, 'eventId'),
            format: opts.format,
            stateDir: stateDirOf(opts.stateDir),
          },
          out,
        );
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
            {
              ...(eventId !== undefined ? { eventId: checkEventId(eventId, 'eventId') } : {}),
              format: opts.format,
              stateDir: stateDirOf(opts.stateDir),
            },
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
