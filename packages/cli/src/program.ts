import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { EarlyWorker } from '@aisaws/scan-engine/worker-entry';
import { Command, CommanderError } from 'commander';
import {
  EXIT_CODES,
  EXIT_FAILED_OUTCOME,
  EXIT_INTERNAL,
  EXIT_INTERRUPTED,
  EXIT_NOT_DONE,
  EXIT_OK,
  EXIT_USAGE,
} from './errors.js';
import type { ScanSummary } from './scan/summary.js';
import { sanitizeForTerminal } from './terminal.js';

/** The streams and directory a command uses; the process's in bin.ts, in-memory ones in tests. */
interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean };
  readonly cwd: string;
  /** Aborted on Ctrl-C (bin.ts): a long command (demo) cleans up and ends with exit code 130. */
  readonly signal?: AbortSignal;
  /** Told the summary of a scan when it ends (tests check the readers' work is linear in the input). */
  readonly onScanSummary?: (summary: ScanSummary) => void;
  /** A scan worker thread bin.ts started before the modules loaded: `scan`'s pool adopts it, or stops it. */
  readonly scanWorker?: EarlyWorker;
  /**
   * The process is the CLI's own (bin.ts): a scan through worker threads may lower its main thread's priority so that
   * the workers run first (scan/thread-priority.ts). Never set in-process (tests), where that would outlast the call.
   */
  readonly ownProcess?: boolean;
}

/** What every command module gets when it registers. */
interface CommandContext {
  readonly io: CliIo;
  /** The CLI's version (package.json). */
  readonly version: string;
  /** A command reports its exit code here instead of calling process.exit (so the output is flushed). */
  setExitCode(code: number): void;
}

/** A command module's entry: adds its command(s) to the program. */
type RegisterCommand = (program: Command, context: CommandContext) => void;

/** A command module, loaded only when one of its commands runs (or for help): `scan` never loads the sandbox. */
interface CommandModule {
  readonly commands: readonly string[];
  readonly load: () => Promise<RegisterCommand>;
}

/** Every command module of `aisaws`, in help order: one line each. */
const COMMAND_MODULES: readonly CommandModule[] = [
  { commands: ['scan'], load: async () => (await import('./scan/command.js')).registerScanCommand },
  {
    commands: ['demo', 'approve', 'rollback', 'status'],
    load: async () => (await import('./demo/index.js')).registerDemoCommands,
  },
];

/** The CLI's version: package.json sits one folder up both from src/program.ts and from the bundled dist/bin.js. */
function readVersion(): string {
  try {
    const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    if (typeof manifest === 'object' && manifest !== null && 'version' in manifest)
      return String(manifest.version);
  } catch {
    // Running from an unusual layout: the version is cosmetic.
  }
  return '0.0.0';
}

function createProgram(context: CommandContext, registrars: readonly RegisterCommand[]): Command {
  const program = new Command('aisaws')
    .description('AISAWS: self-healing security for AWS — detect, analyze, decide, remediate, verify, alert.')
    .version(context.version)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      // Usage errors quote the arguments given: sanitized like every message meant for a person.
      writeOut: (text) => context.io.stdout.write(sanitizeForTerminal(text)),
      writeErr: (text) => context.io.stderr.write(sanitizeForTerminal(text)),
    });
  for (const register of registrars) register(program, context);
  return program;
}

/** The module owning the command `argv` runs, if any (none for help, version, an unknown command). */
function ownerOf(argv: readonly string[], modules: readonly CommandModule[]): CommandModule | undefined {
  const command = argv.find((arg) => !arg.startsWith('-'));
  return modules.find((module) => command !== undefined && module.commands.includes(command));
}

const messageOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
    ? error.message
    : String(error);

/**
 * The registrars `argv` needs: only the module owning its command (a failure to load it is the command's failure),
 * or every module for help and unknown commands, where a module that cannot load is left out with a note.
 */
async function loadRegistrars(
  argv: readonly string[],
  entries: readonly (CommandModule | RegisterCommand)[],
  stderr: Writable,
): Promise<RegisterCommand[]> {
  // A bare registrar (already loaded) is always registered.
  const registrars = entries.filter((entry): entry is RegisterCommand => typeof entry === 'function');
  const modules = entries.filter((entry): entry is CommandModule => typeof entry !== 'function');
  const owner = ownerOf(argv, modules);
  if (owner) return [...registrars, await owner.load()];
  const loaded = await Promise.all(
    modules.map((module) =>
      module.load().catch((error: unknown) => {
        stderr.write(
          `aisaws: the ${module.commands.join('/')} commands are unavailable: ${messageOf(error).split('\n')[0]}\n`,
        );
        return undefined;
      }),
    ),
  );
  return [...registrars, ...loaded.filter((register) => register !== undefined)];
}

/**
 * Runs `aisaws` with `argv` (without node and the script); resolves to the exit code. `modules` defaults to every
 * command module; tests may pass their own, or bare registrars (always registered).
 */
async function runCli(
  argv: readonly string[],
  io: CliIo,
  modules: readonly (CommandModule | RegisterCommand)[] = COMMAND_MODULES,
): Promise<number> {
  let exitCode = 0;
  const context: CommandContext = { io, version: readVersion(), setExitCode: (code) => (exitCode = code) };
  // A reader that goes away (`aisaws … | head`) makes the next write fail with EPIPE, reported as an 'error' event:
  // unheard, it would crash the process. The commands see it on the stream (`errored`) and stop writing.
  const ignoreWriteError = () => {};
  io.stdout.on('error', ignoreWriteError);
  io.stderr.on('error', ignoreWriteError);
  try {
    const registrars = await loadRegistrars(argv, modules, io.stderr);
    const program = createProgram(context, registrars);
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    reportInternalError(error, io.stderr);
    return EXIT_INTERNAL;
  }
  // The listeners stay: a write still in flight may fail after the command returned.
  return exitCode;
}

/** A failure no command planned for: one line, no stack trace unless AISAWS_DEBUG is set. */
function reportInternalError(error: unknown, stderr: Writable): void {
  const debug = process.env.AISAWS_DEBUG !== undefined && process.env.AISAWS_DEBUG !== '';
  const detail =
    debug && error instanceof Error && error.stack ? error.stack : (messageOf(error).split('\n')[0] ?? '');
  if (stderr.writable)
    stderr.write(
      sanitizeForTerminal(
        `aisaws: internal error: ${detail}\n(this is a bug in aisaws; AISAWS_DEBUG=1 shows where it happened)\n`,
      ),
    );
}

export type { CliIo, CommandContext, CommandModule, RegisterCommand };
export {
  COMMAND_MODULES,
  createProgram,
  EXIT_CODES,
  EXIT_FAILED_OUTCOME,
  EXIT_INTERNAL,
  EXIT_INTERRUPTED,
  EXIT_NOT_DONE,
  EXIT_OK,
  EXIT_USAGE,
  reportInternalError,
  runCli,
};
