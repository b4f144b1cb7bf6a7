import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DecidedEventSchema } from '@aisaws/core/schemas';
import { z } from 'zod';

/**
 * The on-disk sandbox of `aisaws demo` (default `.aisaws/`), so that `rollback`, `status` and `approve` — separate
 * processes — see what the demo did:
 *   account.json                the simulated account (control-plane state)
 *   dynamodb.json               every item of the sandbox tables (see table-dump.ts)
 *   runs/<eventId>.json         what the demo ran for an event: scenario, resource, the DecidedEvent
 *   pending-approvals/<eventId>.json  the signed links while a demo waits for a person
 *   outbox/                     alert e-mails (.eml), unless --outbox says otherwise
 * Every file is parsed with zod when read back; writes go through a temporary file and a rename.
 */

const RunRecordSchema = z.strictObject({
  format: z.literal('aisaws-demo-run/1'),
  eventId: z.string().min(1),
  scenario: z.string().min(1),
  resource: z.strictObject({ type: z.string(), id: z.string() }),
  startedAt: z.string(),
  /** What the Decide stage produced: the input a rollback hands to the remediation handler. */
  decidedEvent: DecidedEventSchema.nullable(),
});

const PendingApprovalSchema = z.strictObject({
  eventId: z.string().min(1),
  approve: z.url(),
  reject: z.url(),
  expiresAt: z.string(),
  /** Process id of the demo that waits. */
  pid: z.number().int(),
});

type RunRecord = z.infer<typeof RunRecordSchema>;
type PendingApproval = z.infer<typeof PendingApprovalSchema>;

/** A state file exists but is not what it should be. */
class StateFileError extends Error {
  override readonly name = 'StateFileError';
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
  }
}

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

  return {
    paths,
    async ensure(): Promise<void> {
      await mkdir(paths.runs, { recursive: true });
      await mkdir(paths.pendingApprovals, { recursive: true });
    },
    readAccount: () => readJsonFile(paths.account, z.unknown()),
    writeAccount: (state: unknown) => writeJsonFile(paths.account, state),
    readDynamoDump: () => readJsonFile(paths.dynamodb, z.unknown()),
    writeDynamoDump: (dump: unknown) => writeJsonFile(paths.dynamodb, dump),
    readRun: (eventId: string) =>
      readJsonFile(join(paths.runs, `${fileSafe(eventId)}.json`), RunRecordSchema),
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
      for (const name of names.filter((entry) => entry.endsWith('.json'))) {
        const entry = await readJsonFile(join(paths.pendingApprovals, name), PendingApprovalSchema);
        if (entry) pending.push(entry);
      }
      return pending;
    },
    removePendingApproval: (eventId: string) =>
      rm(join(paths.pendingApprovals, `${fileSafe(eventId)}.json`), { force: true }),
  };
}

type StateDir = ReturnType<typeof createStateDir>;

export type { PendingApproval, RunRecord, StateDir };
export { createStateDir, PendingApprovalSchema, RunRecordSchema, StateFileError };
