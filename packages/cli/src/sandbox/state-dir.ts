import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DecidedEventSchema } from '@aisaws/core/schemas';
import * as z from 'zod';
import { NotDoneError, UsageError } from '../errors.js';

/**
 * The on-disk sandbox of `aisaws demo` (default `.aisaws/`), so that `rollback`, `status` and `approve` — separate
 * processes — see what the demo did:
 *   account.json                the simulated account (control-plane state)
 *   dynamodb.json               every item of the sandbox tables (see table-dump.ts)
 *   runs/<eventId>.json         what the demo ran for an event: scenario, resource, the DecidedEvent
 *   pending-approvals/<eventId>.json  the signed links while a demo waits for a person
 *   outbox/                     alert e-mails (.eml), unless --outbox says otherwise
 *   lock.json                   the process that changes the sandbox now (demo, rollback): one at a time
 * Every file is parsed with zod when read back; writes go through a temporary file and a rename. What a process
 * that is gone left behind (a pending approval, a lock, a half-written temporary file) is cleared when seen.
 */

const RunRecordSchema = z.strictObject({
  format: z.literal('aisaws-demo-run/1'),
  eventId: z.string().min(1),
  scenario: z.string().min(1),
  resource: z.strictObject({ type: z.string(), id: z.string() }),
  startedAt: z.string(),
  /** What the Decide stage produced: the input a rollback hands to the remediation handler. */
  decidedEvent: z.nullable(DecidedEventSchema),
});

const PendingApprovalSchema = z.strictObject({
  eventId: z.string().min(1),
  approve: z.url(),
  reject: z.url(),
  expiresAt: z.string(),
  /** Process id of the demo that waits. */
  pid: z.number().int(),
});

const LockSchema = z.strictObject({
  pid: z.number().int(),
  command: z.string(),
  startedAt: z.string(),
});

type RunRecord = z.infer<typeof RunRecordSchema>;
type PendingApproval = z.infer<typeof PendingApprovalSchema>;

/** A state file exists but is not what it should be (exit 3). */
class StateFileError extends NotDoneError {
  override readonly name = 'StateFileError';
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
  }
}

/** `--state-dir` names something that cannot be a sandbox folder (a file, a path too long …): exit 2. */
class StateDirUsageError extends UsageError {
  override readonly name = 'StateDirUsageError';
}

/** No sandbox in that folder yet (status, rollback, approve before any demo): exit 3. The folder is not created. */
class NoSandboxError extends NotDoneError {
  override readonly name = 'NoSandboxError';
}

/** Another live process is changing the sandbox (a demo waiting for approval, a rollback): exit 3. */
class SandboxBusyError extends NotDoneError {
  override readonly name = 'SandboxBusyError';
}

/** True while process `pid` runs (signal 0 only checks; EPERM means it runs as someone else). */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const TEMPORARY = /\.(\d+)\.tmp$/;

/** Locks this process holds (lock file → command): a second taker in the same process is refused too. */
const HELD_HERE = new Map<string, string>();

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

/** Reads and parses a JSON file; undefined when it does not exist. */
async function readJsonFile<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(file, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StateFileError(file, `${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

async function writeJsonFile(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, 'utf8');
  await rename(temporary, file);
}

/** Event ids become file names: keep them to a safe alphabet. */
function fileSafe(eventId: string): string {
  return eventId.replace(/[^A-Za-z0-9._-]/g, '_');
}

function createStateDir(root: string) {
  const paths = {
    root,
    account: join(root, 'account.json'),
    dynamodb: join(root, 'dynamodb.json'),
    runs: join(root, 'runs'),
    pendingApprovals: join(root, 'pending-approvals'),
    outbox: join(root, 'outbox'),
  };

  /** 'missing' or 'folder'; anything else at that path is a usage error. */
  async function check(): Promise<'missing' | 'folder'> {
    try {
      const info = await stat(root);
      if (info.isDirectory()) return 'folder';
      throw new StateDirUsageError(`--state-dir ${root} is not a folder`);
    } catch (error) {
      if (error instanceof StateDirUsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return 'missing';
      if (code === 'ENOTDIR') throw new StateDirUsageError(`--state-dir ${root}: a parent of it is a file`);
      if (code === 'ENAMETOOLONG') throw new StateDirUsageError('--state-dir: the path is too long');
      throw new StateDirUsageError(`--state-dir ${root} cannot be used: ${(error as Error).message}`);
    }
  }

  /** Temporary files of writes a process that is gone never finished. */
  async function removeStaleTemporaries(): Promise<void> {
    for (const folder of [root, paths.runs, paths.pendingApprovals]) {
      const names = await readdir(folder).catch(() => [] as string[]);
      for (const name of names) {
        const pid = TEMPORARY.exec(name)?.[1];
        if (pid !== undefined && !isAlive(Number(pid))) await rm(join(folder, name), { force: true });
      }
    }
  }

  const lockFile = join(root, 'lock.json');

  return {
    paths,
    /** Creates the sandbox folder if needed (demo); clears what dead processes left. */
    async ensure(): Promise<void> {
      await check();
      await mkdir(paths.runs, { recursive: true });
      await mkdir(paths.pendingApprovals, { recursive: true });
      await removeStaleTemporaries();
    },
    /** Fails, without creating anything, when there is no sandbox there yet (status, rollback, approve). */
    async requireExisting(): Promise<void> {
      if ((await check()) === 'missing')
        throw new NoSandboxError(`no sandbox at ${root}: run \`aisaws demo --state-dir ${root}\` first`);
    },
    /**
     * Takes the sandbox for `command` (one changing process at a time: two demos saving their tables would lose
     * one's events). A lock whose process is gone is taken over. Resolves to the release function.
     */
    async lock(command: string): Promise<() => Promise<void>> {
      const mine = { pid: process.pid, command, startedAt: new Date().toISOString() };
      const heldBy = HELD_HERE.get(lockFile);
      if (heldBy !== undefined)
        throw new SandboxBusyError(
          `the sandbox at ${root} is in use by \`aisaws ${heldBy}\` (this process); wait for it to end, or use another --state-dir`,
        );
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await writeFile(lockFile, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
          HELD_HERE.set(lockFile, command);
          return async () => {
            HELD_HERE.delete(lockFile);
            const current = await readJsonFile(lockFile, LockSchema).catch(() => undefined);
            if (current?.pid === process.pid) await rm(lockFile, { force: true });
          };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const holder = await readJsonFile(lockFile, LockSchema).catch(() => undefined);
        if (holder && isAlive(holder.pid))
          throw new SandboxBusyError(
            `the sandbox at ${root} is in use by \`aisaws ${holder.command}\` (pid ${holder.pid}, since ${holder.startedAt}); wait for it to end, or use another --state-dir`,
          );
        await rm(lockFile, { force: true });
      }
      throw new SandboxBusyError(`the sandbox at ${root} is in use: cannot take its lock`);
    },
    readAccount: () => readJsonFile(paths.account, z.unknown()),
    writeAccount: (state: unknown) => writeJsonFile(paths.account, state),
    readDynamoDump: () => readJsonFile(paths.dynamodb, z.unknown()),
    writeDynamoDump: (dump: unknown) => writeJsonFile(paths.dynamodb, dump),
    readRun: (eventId: string) =>
      readJsonFile(join(paths.runs, `${fileSafe(eventId)}.json`), RunRecordSchema),
    removeRun: (eventId: string) => rm(join(paths.runs, `${fileSafe(eventId)}.json`), { force: true }),
    writeRun: (run: RunRecord) =>
      writeJsonFile(join(paths.runs, `${fileSafe(run.eventId)}.json`), RunRecordSchema.parse(run)),
    /** Every run, oldest first. */
    async listRuns(): Promise<RunRecord[]> {
      let names: string[];
      try {
        names = await readdir(paths.runs);
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
      const runs: RunRecord[] = [];
      for (const name of names.filter((entry) => entry.endsWith('.json'))) {
        const run = await readJsonFile(join(paths.runs, name), RunRecordSchema);
        if (run) runs.push(run);
      }
      return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    },
    writePendingApproval: (pending: PendingApproval) =>
      writeJsonFile(
        join(paths.pendingApprovals, `${fileSafe(pending.eventId)}.json`),
        PendingApprovalSchema.parse(pending),
      ),
    readPendingApproval: (eventId: string) =>
      readJsonFile(join(paths.pendingApprovals, `${fileSafe(eventId)}.json`), PendingApprovalSchema),
    async listPendingApprovals(): Promise<PendingApproval[]> {
      let names: string[];
      try {
        names = await readdir(paths.pendingApprovals);
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
      const pending: PendingApproval[] = [];
      const now = Date.now();
      for (const name of names.filter((entry) => entry.endsWith('.json'))) {
        const file = join(paths.pendingApprovals, name);
        const entry = await readJsonFile(file, PendingApprovalSchema);
        if (!entry) continue;
        // Left by a demo that is gone (interrupted, killed) or expired: nobody can answer it any more.
        if (!isAlive(entry.pid) || Date.parse(entry.expiresAt) < now) {
          await rm(file, { force: true });
          continue;
        }
        pending.push(entry);
      }
      return pending;
    },
    removePendingApproval: (eventId: string) =>
      rm(join(paths.pendingApprovals, `${fileSafe(eventId)}.json`), { force: true }),
  };
}

type StateDir = ReturnType<typeof createStateDir>;

export type { PendingApproval, RunRecord, StateDir };
export {
  createStateDir,
  isAlive,
  NoSandboxError,
  PendingApprovalSchema,
  RunRecordSchema,
  SandboxBusyError,
  StateDirUsageError,
  StateFileError,
};
