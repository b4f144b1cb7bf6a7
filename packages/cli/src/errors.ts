/**
 * The exit codes every command follows (README, "Exit codes"), and the two kinds of planned failure behind 2 and 3:
 *   0  done;
 *   1  done, and the outcome is the failure asked about: `scan --fail-on` found a decision at that level, or a demo
 *      event ended FAILED;
 *   2  usage error: unknown command or option, missing or empty argument, bad value, unusable --policy/--state-dir;
 *   3  could not do what was asked: an input path or the output could not be read or written, nothing is pending,
 *      no such event, nothing to roll back, the sandbox is busy or its state is damaged;
 *   4  internal error (a bug in aisaws): one line on stderr (the stack with AISAWS_DEBUG=1);
 *   130  interrupted (Ctrl-C), after cleaning up.
 */
const EXIT_OK = 0;
const EXIT_FAILED_OUTCOME = 1;
const EXIT_USAGE = 2;
const EXIT_NOT_DONE = 3;
const EXIT_INTERNAL = 4;
const EXIT_INTERRUPTED = 130;
const EXIT_CODES = [
  EXIT_OK,
  EXIT_FAILED_OUTCOME,
  EXIT_USAGE,
  EXIT_NOT_DONE,
  EXIT_INTERNAL,
  EXIT_INTERRUPTED,
] as const;

/** The command line asks for something that cannot be done as asked (exit 2); nothing was changed. */
class UsageError extends Error {
  override readonly name: string = 'UsageError';
}

/** A well-formed request that could not be carried out (exit 3): nothing pending, no such event, busy sandbox … */
class NotDoneError extends Error {
  override readonly name: string = 'NotDoneError';
}

/** The command was interrupted (SIGINT/SIGTERM) and cleaned up after itself (exit 130). */
class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

/** A failure of the system around the command (a file, a port): it has an errno-style `code` such as EACCES. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    /^E[A-Z]+$/.test(String((error as NodeJS.ErrnoException).code))
  );
}

export {
  EXIT_CODES,
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
};
