import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Policy } from '@aisaws/core/policy';
import { type DecidedEvent, DecidedEventSchema, ScoredEventSchema } from '@aisaws/core/schemas';
import {
  createOutbox,
  type FaultStats,
  type FaultSwitchesInput,
  type OutboxMessage,
} from '@aisaws/simulated-account';
import { localSqsQueue } from '@aisaws/testing/harness';
import { InterruptedError, UsageError } from '../errors.js';
import { openSandbox } from '../sandbox/local-sandbox.js';
import { confirmApprovalLink } from './approval-client.js';
import { startApprovalServer } from './approval-server.js';
import { readEventItem, timelineSteps } from './event-item.js';
import { createDemoNarrator } from './narrator.js';
import { buildApprovalHandler, buildHandlers } from './pipeline.js';
import type { DemoOutput } from './render.js';
import { DEMO_NAME_PREFIX, getScenario, SCENARIOS } from './scenarios.js';
import { createStageLog, type StageReport } from './stage-log.js';
import { startDemoWorkflows } from './workflows.js';

/**
 * `aisaws demo`: one scenario through the whole loop on the local sandbox. The risky API call is made in the
 * simulated account; its CloudTrail record travels as an EventBridge event through the REAL triage ASL (Ingest →
 * Score → Decide) and the REAL remediation ASL (Snapshot → [approval] → Remediate → Verify → Alert → Record), every
 * Lambda built from its factory. `runDemo` is the entry point of the command and of the tests.
 */

interface DemoOptions {
  readonly scenario: string;
  readonly format: 'text' | 'json';
  /** How many times EventBridge delivers the same event (at-least-once delivery). */
  readonly duplicates: number;
  /** Answer an approval request with its approve link (through the approval endpoint and handler). */
  readonly autoApprove: boolean;
  /** Answer an approval request with its reject link. */
  readonly reject: boolean;
  readonly stateDir: string;
  /** Where alert e-mails go; default `<stateDir>/outbox`. */
  readonly outbox?: string;
  /** Decision policy (thresholds, per-detection modes …); the default policy when absent. */
  readonly policy?: Policy;
  /** Milliseconds of each Retry pause of the workflows instead of the ASL's seconds; default 50. */
  readonly retryIntervalMs?: number;
  /**
   * Fault switches of the simulated account (throttling, 5xx, timeouts, SNS down, never converging; see
   * @aisaws/simulated-account): they apply to AISAWS's calls, never to the scenario's risky call.
   */
  /**
   * Aborted by Ctrl-C: the demo stops waiting, removes its pending approval and run record, saves nothing (the
   * sandbox stays as it was before the run) and rejects with InterruptedError.
   */
  readonly signal?: AbortSignal;
  readonly faults?: FaultSwitchesInput;
}

interface ApprovalRequest {
  readonly eventId: string;
  readonly approve: string;
  readonly reject: string;
}

interface DemoIo {
  readonly out: DemoOutput;
  /**
   * Told when the demo waits for a person (after the pending approval is written to the state folder); the demo
   * keeps its approval endpoint open until the returned promise settles.
   */
  readonly onApprovalRequested?: (request: ApprovalRequest) => void | Promise<void>;
}

interface DemoStage {
  name: string;
  ok: boolean;
  ms: number;
}

interface DemoResult {
  scenario: string;
  eventId: string;
  decision: string | null;
  level: string | null;
  score: number | null;
  reason: string | null;
  /** Final status of the events item. */
  status: string | null;
  stages: DemoStage[];
  resource: { type: string; id: string; before: Record<string, unknown>; after: Record<string, unknown> };
  verified: boolean;
  /** The last e-mail that is not an approval request: the outcome a person is told. */
  alert: { subject: string; body: string } | null;
  emails: { subject: string; file: string }[];
  /** The changes AISAWS made in the simulated account during this run (reads left out), in order. */
  apiCalls: string[];
  /** Remediate (apply) invocations: 1 even when the event was delivered several times. */
  remediations: number;
  deliveries: number;
  /** From the risky API call to the verified fix (or to the last step when nothing was verified). */
  latencyMs: number;
  timeline: { stage: string; at: string; sinceStartMs: number }[];
  startupMs: number;
  totalMs: number;
  /** What the fault switches injected (only when the demo ran with `faults`). */
  faults?: FaultStats;
  /**
   * Alerts SNS refused that the Alert stage kept on its outbox queue for the reconcile job (only when the demo ran
   * with `faults`; the queue lives as long as the demo).
   */
  alertsQueued?: number;
  /** The ASFF findings the Findings Lambda upserted in the simulated Security Hub during this run. */
  securityHub: { id: string; workflowStatus: string; severity: string }[];
}

const DEFAULT_RETRY_INTERVAL_MS = 50;
/** Operations that only read (Get*, Describe*, List*, Head*). */
const READ_OPERATION = /^(Get|Describe|List|Head)/;

function lastReport(reports: readonly StageReport[], name: string): StageReport | undefined {
  return reports.findLast((report) => report.name === name);
}

function decidedEventOf(reports: readonly StageReport[]): DecidedEvent | null {
  const parsed = DecidedEventSchema.safeParse(lastReport(reports, 'Decide')?.output);
  return parsed.success ? parsed.data : null;
}

/** The approve and reject links of an approval e-mail body. */
function extractApprovalLinks(body: string): { approve: string; reject: string } | undefined {
  const links = body.match(/https?:\/\/\S+/g) ?? [];
  const approve = links.find((link) => link.includes('decision=approve'));
  const reject = links.find((link) => link.includes('decision=reject'));
  return approve && reject ? { approve, reject } : undefined;
}

function validate(options: DemoOptions): void {
  if (!Number.isInteger(options.duplicates) || options.duplicates < 1)
    throw new UsageError(`--duplicates must be a whole number ≥ 1, got ${options.duplicates}`);
  if (options.autoApprove && options.reject)
    throw new UsageError('--auto-approve and --reject cannot be used together');
  if (!SCENARIOS.some((scenario) => scenario.id === options.scenario))
    throw new UsageError(
      `unknown scenario ${JSON.stringify(options.scenario)}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
}

/** `work`, or InterruptedError as soon as `signal` aborts (whichever comes first). */
function interruptible<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new InterruptedError('interrupted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError('interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

async function runDemo(options: DemoOptions, io: DemoIo): Promise<DemoResult> {
  const demoStarted = performance.now();
  validate(options);
  const scenario = getScenario(options.scenario);
  const stateDir = resolve(options.stateDir);
  const outboxDir = resolve(options.outbox ?? resolve(stateDir, 'outbox'));
  const narrator = createDemoNarrator(options.format === 'json' ? null : io.out);
  const clock = { now: () => new Date() };

  const sandbox = await openSandbox({ stateDir, lock: 'demo' });
  if (options.faults) sandbox.account.faults.set(options.faults);
  const approvalServer = await startApprovalServer();
  // The Alert stage's outbox queue, in fauxqs: the emulator starts only if SNS refuses an alert.
  const alertOutbox = localSqsQueue('aisaws-demo-alert-outbox');
  let eventId: string | undefined;
  let finished = false;
  let stopWorkflows = () => {};
  try {
    narrator.header(scenario, sandbox, outboxDir);
    const stageLog = createStageLog();
    stageLog.onStage((report) => narrator.stage(report));
    const emails: OutboxMessage[] = [];
    const outbox = createOutbox({
      directory: outboxDir,
      faults: sandbox.account.faults,
      onMessage: (message) => {
        emails.push(message);
        narrator.email(message);
      },
    });
    const { handlers, signingKey, securityHub } = buildHandlers({
      sandbox,
      outbox,
      stageLog,
      clock,
      approvalBaseUrl: approvalServer.url,
      alertOutbox: { sqs: alertOutbox.client, queueUrl: alertOutbox.queueUrl },
      ...(options.policy ? { policy: options.policy } : {}),
    });
    const workflows = await startDemoWorkflows({
      handlers,
      sandbox,
      retryIntervalMs: options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS,
      onStep: (step) => narrator.step(step),
    });
    stopWorkflows = () => workflows.abort();
    approvalServer.setHandler(buildApprovalHandler(sandbox, workflows.sfn, signingKey, clock));

    // 1. The risky change, made in the simulated account: CloudTrail record → EventBridge event.
    const resource = scenario.setup(sandbox.account, {
      prefix: DEMO_NAME_PREFIX,
      tag: randomBytes(3).toString('hex'),
    });
    const initial = scenario.describe(sandbox.account, resource);
    const callsBefore = sandbox.account.state.calls.length;
    const changeAt = Date.now();
    const { record, event } = scenario.trigger(sandbox.account, resource);
    eventId = String(record.eventID);
    const runEventId = eventId;
    const before = scenario.describe(sandbox.account, resource);
    narrator.change(record, initial, before);
    const run = {
      format: 'aisaws-demo-run/1' as const,
      eventId: runEventId,
      scenario: scenario.id,
      resource,
      startedAt: new Date(changeAt).toISOString(),
    };
    await sandbox.stateDir.writeRun({ ...run, decidedEvent: null });

    // An approval request: the links are kept in the state folder (for `aisaws approve`), then answered by the demo
    // itself (--auto-approve / --reject, through the same endpoint) or by a person.
    let approvalWork: Promise<void> = Promise.resolve();
    stageLog.onStage((report) => {
      if (report.name !== 'Request Approval' || !report.ok) return;
      const links = emails
        .map((email) => extractApprovalLinks(email.body))
        .findLast((found) => found !== undefined);
      if (!links) return;
      const timeoutSeconds = decidedEventOf(stageLog.reports)?.decision.approvalTimeoutSeconds ?? 3600;
      approvalWork = approvalWork.then(async () => {
        if (options.signal?.aborted) return;
        await sandbox.stateDir.writePendingApproval({
          eventId: runEventId,
          ...links,
          expiresAt: new Date(Date.now() + timeoutSeconds * 1000).toISOString(),
          pid: process.pid,
        });
        await io.onApprovalRequested?.({ eventId: runEventId, ...links });
        if (options.autoApprove || options.reject) {
          const decision = options.reject ? 'reject' : 'approve';
          // As a person does: open the link (a confirmation page), then press its button (POST).
          const answer = await confirmApprovalLink(links[decision]);
          narrator.approvalAnswered(decision, answer.statusCode);
        } else narrator.waitingForApproval(links, stateDir, timeoutSeconds);
      });
    });

    // 2. EventBridge delivers the event (N times: at-least-once) to the triage workflow, concurrently.
    await interruptible(
      Promise.all(Array.from({ length: options.duplicates }, () => workflows.deliver(event))),
      options.signal,
    );

    // 3. The remediation workflow started by triage runs to its end (through the approval wait, if any).
    const remediationExecutions = await interruptible(workflows.settled(), options.signal);
    narrator.deliveries(options.duplicates, remediationExecutions.length);
    await interruptible(approvalWork, options.signal);
    await sandbox.stateDir.removePendingApproval(eventId);

    const after = scenario.describe(sandbox.account, resource);
    const item = await readEventItem(sandbox.dynamo.client, sandbox.tables.events, eventId);
    const decided = decidedEventOf(stageLog.reports);
    const scored = ScoredEventSchema.safeParse(lastReport(stageLog.reports, 'Score')?.output);
    const verified = item?.status === 'VERIFIED';
    const steps = [...stageLog.reports, ...workflows.steps()].sort((a, b) => a.endedAt - b.endedAt);
    const verifyReport = lastReport(stageLog.reports, 'Verify');
    const endAt = verified && verifyReport ? verifyReport.endedAt : (steps.at(-1)?.endedAt ?? Date.now());
    const outcomeEmail = emails.findLast((email) => extractApprovalLinks(email.body) === undefined);

    await sandbox.stateDir.writeRun({ ...run, decidedEvent: decided });
    await sandbox.save();

    const result: DemoResult = {
      scenario: scenario.id,
      eventId,
      decision: decided?.decision.action ?? null,
      level: decided?.decision.level ?? null,
      score: scored.success ? Math.round(scored.data.risk.score * 1000) / 1000 : null,
      reason: decided?.decision.reason ?? null,
      status: item?.status ?? null,
      stages: steps.map((step) => ({ name: step.name, ok: step.ok, ms: Math.round(step.ms * 10) / 10 })),
      resource: { type: resource.type, id: resource.id, before, after },
      verified,
      alert: outcomeEmail ? { subject: outcomeEmail.subject, body: outcomeEmail.body } : null,
      emails: emails.map((email) => ({ subject: email.subject, file: email.file })),
      apiCalls: sandbox.account.state.calls
        .slice(callsBefore)
        .filter((call) => !READ_OPERATION.test(call.operation))
        .map(
          (call) =>
            `${call.service}:${call.operation} ${call.target}${call.outcome === 'error' ? ` → ${call.error}` : ''}${call.fault ? ` (simulated fault: ${call.fault})` : ''}`,
        ),
      remediations: stageLog.count('Remediate'),
      deliveries: options.duplicates,
      latencyMs: Math.max(0, endAt - changeAt),
      timeline: item ? timelineSteps(item) : [],
      startupMs: Math.round(sandbox.startupMs),
      totalMs: Math.round(performance.now() - demoStarted),
      ...(options.faults
        ? { faults: sandbox.account.faults.stats, alertsQueued: await alertOutbox.depth() }
        : {}),
      securityHub: securityHub.findings().map((finding) => ({
        id: String(finding.Id),
        workflowStatus: finding.Workflow?.Status ?? 'NEW',
        severity: finding.Severity?.Label ?? 'INFORMATIONAL',
      })),
    };
    narrator.summary({ ...result, alerted: result.alert !== null });
    if (options.format === 'json') io.out.write(`${JSON.stringify(result)}\n`);
    finished = true;
    return result;
  } finally {
    if (!finished) stopWorkflows();
    if (!finished && eventId !== undefined) {
      // Interrupted or failed mid-run: nothing of it is saved, so nothing may point at it.
      await sandbox.stateDir.removePendingApproval(eventId);
      await sandbox.stateDir.removeRun(eventId);
    }
    await approvalServer.close();
    await alertOutbox.stop();
    await sandbox.close();
  }
}

export type { ApprovalRequest, DemoIo, DemoOptions, DemoResult, DemoStage };
export { extractApprovalLinks, runDemo };
