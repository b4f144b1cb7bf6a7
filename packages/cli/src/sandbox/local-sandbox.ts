import type { TableLogicalName } from '@aisaws/core/storage';
import { SimulatedAccount } from '@aisaws/simulated-account';
import {
  createTables,
  type RunningDynalite,
  type RunningS3rver,
  startDynalite,
  startS3rver,
  tableNamesWithPrefix,
} from '@aisaws/testing/harness';
import { createStateDir, type StateDir } from './state-dir.js';
import { dumpTables, loadTables, parseTableDump } from './table-dump.js';

/**
 * The local stand-in for one AWS account and the AISAWS deployment in it:
 *  - DynamoDB: a real dynalite on a loopback port, with the contract's tables;
 *  - S3 objects (the raw-event archive): a real s3rver on a loopback port;
 *  - everything else the playbooks touch: the simulated account (control plane, in memory, saved as JSON).
 * `openSandbox` restores what an earlier command saved in the state folder; `save` writes it back.
 */

const SANDBOX_TABLE_PREFIX = 'aisaws-demo';
const ARCHIVE_BUCKET = 'aisaws-demo-archive';

interface LocalSandbox {
  readonly stateDir: StateDir;
  readonly dynamo: RunningDynalite;
  /** Absent when opened with `{ s3: false }` (status and rollback need no archive). */
  readonly s3: RunningS3rver | undefined;
  readonly tables: Record<TableLogicalName, string>;
  readonly archiveBucket: string;
  readonly account: SimulatedAccount;
  /** Milliseconds spent starting the emulators and restoring state. */
  readonly startupMs: number;
  /** Writes the simulated account and every table item to the state folder. */
  save(): Promise<void>;
  /** Stops the emulators (does not save). */
  close(): Promise<void>;
}

interface OpenSandboxOptions {
  readonly stateDir: string;
  /** Create the folder when missing (demo); default true. When false, a missing sandbox is NoSandboxError. */
  readonly create?: boolean;
  /** Take the sandbox for this command (demo, rollback) until close: one changing process at a time. */
  readonly lock?: string;
  /** Start s3rver too (the demo archives raw events); default true. */
  readonly s3?: boolean;
  readonly now?: () => Date;
}

async function openSandbox(options: OpenSandboxOptions): Promise<LocalSandbox> {
  const started = performance.now();
  const stateDir = createStateDir(options.stateDir);
  if (options.create === false) await stateDir.requireExisting();
  else await stateDir.ensure();
  const release = options.lock === undefined ? async () => {} : await stateDir.lock(options.lock);
  const now = options.now ?? (() => new Date());

  let dynamo: RunningDynalite;
  let s3: RunningS3rver | undefined;
  try {
    [dynamo, s3] = await Promise.all([startDynalite(), options.s3 === false ? undefined : startS3rver()]);
  } catch (error) {
    await release();
    throw error;
  }
  try {
    const tables = tableNamesWithPrefix(SANDBOX_TABLE_PREFIX);
    await createTables(dynamo.client, tables);
    const dump = await stateDir.readDynamoDump();
    if (dump !== undefined) await loadTables(dynamo.client, tables, parseTableDump(dump));
    if (s3) await s3.createBucket(ARCHIVE_BUCKET);

    const saved = await stateDir.readAccount();
    const account =
      saved === undefined ? SimulatedAccount.create({ now }) : SimulatedAccount.fromJSON(saved, now);

    return {
      stateDir,
      dynamo,
      s3,
      tables,
      archiveBucket: ARCHIVE_BUCKET,
      account,
      startupMs: performance.now() - started,
      async save() {
        await stateDir.writeAccount(account.toJSON());
        await stateDir.writeDynamoDump(await dumpTables(dynamo.client, tables));
      },
      async close() {
        await Promise.all([dynamo.stop(), s3?.stop()]);
        await release();
      },
    };
  } catch (error) {
    await Promise.all([dynamo.stop(), s3?.stop()]);
    await release();
    throw error;
  }
}

export type { LocalSandbox, OpenSandboxOptions };
export { ARCHIVE_BUCKET, openSandbox, SANDBOX_TABLE_PREFIX };
