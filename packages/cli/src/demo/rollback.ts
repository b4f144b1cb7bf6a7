import { randomBytes } from 'node:crypto';
import { signRollbackApproval } from '@aisaws/core/approval';
import { RemediationResultSchema, SCHEMA_VERSION } from '@aisaws/core/schemas';
import { createRemediationHandler, sameClientsForEveryAccount } from '@aisaws/lambda-remediation';
import { NotDoneError } from '../errors.js';
import { openSandbox } from '../sandbox/local-sandbox.js';
import { readEventItem } from './event-item.js';
import { createPainter, type DemoOutput, formatMs, formatResourceChange } from './render.js';
import { getScenario } from './scenarios.js';

/**
 * `aisaws rollback <eventId>`: undoes a fix the demo made. The REAL remediation handler runs with the rollback
 * authority and action=rollback: it checks the signed approval, takes the snapshot and target stored on the events
 * item (DynamoDB), refuses when the resource changed since the fix was verified, and puts the prior state back in the
 * simulated account. The resource is shown before and after.
 *
 * Simulated approval: in the local sandbox the person typing the command is the approver, so the command signs a
 * short-lived approval for this one event with a key made for this run. In AWS the approval comes from the signed
 * approval path, and the rollback function holds the only key that verifies it.
 */

interface RollbackOptions {
  readonly stateDir: string;
  readonly eventId: string;
  readonly format: 'text' | 'json';
}

interface RollbackResult {
  eventId: string;
  scenario: string;
  playbook: string;
  changes: string[];
  resource: { type: string; id: string; before: Record<string, unknown>; after: Record<string, unknown> };
  ms: number;
}

/** The event cannot be rolled back (unknown, never decided, or nothing was snapshotted): exit 3. */
class RollbackNotPossibleError extends NotDoneError {
  override readonly name = 'RollbackNotPossibleError';
}

async function runRollback(options: RollbackOptions, out: DemoOutput): Promise<RollbackResult> {
  const sandbox = await openSandbox({
    stateDir: options.stateDir,
    s3: false,
    create: false,
    lock: 'rollback',
  });
  try {
    const run = await sandbox.stateDir.readRun(options.eventId);
    if (!run)
      throw new RollbackNotPossibleError(
        `no demo run for event ${options.eventId} in ${options.stateDir} (see \`aisaws status\`)`,
      );
    if (!run.decidedEvent)
      throw new RollbackNotPossibleError(
        `event ${options.eventId} never reached a decision: nothing to roll back`,
      );
    const item = await readEventItem(sandbox.dynamo.client, sandbox.tables.events, options.eventId);
    if (!item?.snapshot)
      throw new RollbackNotPossibleError(
        `event ${options.eventId} has no snapshot on its events item (status ${item?.status ?? 'missing'}): nothing was changed, nothing to roll back`,
      );

    const scenario = getScenario(run.scenario);
    const before = scenario.describe(sandbox.account, run.resource);
    const key = randomBytes(32).toString('hex');
    const handler = createRemediationHandler({
      dynamo: sandbox.dynamo.client,
      eventsTable: sandbox.tables.events,
      clientsFor: sameClientsForEveryAccount(sandbox.account.clientFactory),
      authority: 'rollback',
      signingKey: async () => key,
    });
    const now = new Date();
    const approval = signRollbackApproval(
      {
        eventId: options.eventId,
        approvedBy: 'the operator of this local sandbox (simulated approval)',
        approvedAt: now.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) + 300,
      },
      key,
    );
    const started = performance.now();
    const output = RemediationResultSchema.parse(
      await handler({
        schemaVersion: SCHEMA_VERSION,
        action: 'rollback',
        eventId: options.eventId,
        approval,
      }),
    );
    const ms = performance.now() - started;
    const after = scenario.describe(sandbox.account, run.resource);
    await sandbox.save();

    const result: RollbackResult = {
      eventId: options.eventId,
      scenario: run.scenario,
      playbook: output.playbook,
      changes: output.changes,
      resource: { ...run.resource, before, after },
      ms: Math.round(ms * 10) / 10,
    };
    if (options.format === 'json') out.write(`${JSON.stringify(result)}\n`);
    else {
      const painter = createPainter(out.isTTY);
      out.write(
        `${painter.bold(`Rollback of ${options.eventId}`)} (${run.scenario}, playbook ${output.playbook}) in ${formatMs(ms)}\n`,
      );
      for (const change of output.changes) out.write(`  ${painter.ok(true)} ${change}\n`);
      out.write(`  Resource ${run.resource.type} ${run.resource.id}, before → after the rollback:\n`);
      for (const line of formatResourceChange(before, after, '    ', painter)) out.write(`${line}\n`);
    }
    return result;
  } finally {
    await sandbox.close();
  }
}

export type { RollbackOptions, RollbackResult };
export { RollbackNotPossibleError, runRollback };
