import { NotDoneError } from '../errors.js';
import { openSandbox } from '../sandbox/local-sandbox.js';
import { type EventItem, listEventItems, readEventItem, timelineSteps } from './event-item.js';
import { createPainter, type DemoOutput, formatMs } from './render.js';

/**
 * `aisaws status [eventId]`: what the sandbox's `events` table says — one event's timeline of stages, or the list of
 * events. Reads the DynamoDB items restored from the state folder; changes nothing.
 */

interface StatusOptions {
  readonly stateDir: string;
  readonly eventId?: string;
  readonly format: 'text' | 'json';
}

interface EventStatusView {
  eventId: string;
  scenario: string | null;
  eventName: string | null;
  /**
   * The events item's status (ROLLED_BACK once `aisaws rollback` restored the prior state); ROLLED_BACK too for an
   * item an earlier version rolled back, which kept VERIFIED and only added timeline.rolledBack.
   */
  status: string;
  /** The status exactly as the events item records it. */
  recordedStatus: string;
  decision: string | null;
  score: number | null;
  timeline: { stage: string; at: string; sinceStartMs: number }[];
  alertSubject: string | null;
  hasSnapshot: boolean;
}

function viewOf(item: EventItem, scenario: string | null): EventStatusView {
  return {
    eventId: item.eventId,
    scenario,
    eventName: item.summary?.eventName ?? null,
    status: item.timeline.rolledBack !== undefined ? 'ROLLED_BACK' : item.status,
    recordedStatus: item.status,
    decision: item.decision?.action ?? null,
    score: item.risk?.score ?? null,
    timeline: timelineSteps(item),
    alertSubject: item.alert?.subject ?? null,
    hasSnapshot: item.snapshot !== undefined,
  };
}

/** No such event in the sandbox (exit 3). */
class UnknownEventError extends NotDoneError {
  override readonly name = 'UnknownEventError';
}

async function readStatus(options: Omit<StatusOptions, 'format'>): Promise<EventStatusView[]> {
  // Reads only: no lock, and a missing folder is an error, never created.
  const sandbox = await openSandbox({ stateDir: options.stateDir, s3: false, create: false });
  try {
    const runs = await sandbox.stateDir.listRuns();
    const scenarioOf = (eventId: string) => runs.find((run) => run.eventId === eventId)?.scenario ?? null;
    if (options.eventId) {
      const item = await readEventItem(sandbox.dynamo.client, sandbox.tables.events, options.eventId);
      if (!item)
        throw new UnknownEventError(
          `no event ${options.eventId} in the sandbox at ${options.stateDir} (run \`aisaws status\` to list them)`,
        );
      return [viewOf(item, scenarioOf(item.eventId))];
    }
    return (await listEventItems(sandbox.dynamo.client, sandbox.tables.events)).map((item) =>
      viewOf(item, scenarioOf(item.eventId)),
    );
  } finally {
    await sandbox.close();
  }
}

function renderStatus(views: readonly EventStatusView[], single: boolean, out: DemoOutput): void {
  const painter = createPainter(out.isTTY);
  if (views.length === 0) {
    out.write('No events in the sandbox yet: run `aisaws demo` first.\n');
    return;
  }
  if (!single) {
    for (const view of views)
      out.write(
        `${view.eventId}  ${view.status.padEnd(11)} ${(view.decision ?? '-').padEnd(15)} ${view.eventName ?? '-'}${view.scenario ? painter.dim(`  (${view.scenario})`) : ''}\n`,
      );
    return;
  }
  const [view] = views;
  if (!view) return;
  out.write(
    `${painter.bold(`Event ${view.eventId}`)}${view.scenario ? ` — scenario ${view.scenario}` : ''}\n`,
  );
  out.write(
    `  ${view.eventName ?? '?'} · status ${painter.bold(view.status)} · decision ${view.decision ?? '-'}${view.score === null ? '' : ` · risk ${view.score.toFixed(2)}`}\n`,
  );
  out.write('  Timeline (events table):\n');
  for (const step of view.timeline)
    out.write(`    ${step.at}  ${step.stage.padEnd(12)} ${painter.dim(`+${formatMs(step.sinceStartMs)}`)}\n`);
  if (view.alertSubject) out.write(`  Alert: ${view.alertSubject}\n`);
  out.write(`  Snapshot for rollback: ${view.hasSnapshot ? 'stored' : 'none'}\n`);
}

async function runStatus(options: StatusOptions, out: DemoOutput): Promise<EventStatusView[]> {
  const views = await readStatus(options);
  if (options.format === 'json') out.write(`${JSON.stringify(options.eventId ? views[0] : views)}\n`);
  else renderStatus(views, options.eventId !== undefined, out);
  return views;
}

export type { EventStatusView, StatusOptions };
export { readStatus, runStatus, UnknownEventError };
