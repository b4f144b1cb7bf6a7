import { AlertOutboxMessageSchema, OUTBOX_MESSAGE_ID_PREFIX } from '@aisaws/core/schemas';
import type { FaultStats } from '@aisaws/simulated-account';
import type { ExecutionResult, PendingTask } from '@aisaws/testing/workflow';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type LoopFaults, type LoopRig, STAGES, type Stage, startLoopRig } from './loop-rig.js';
import { generateMix, type LoopInput, type MixOptions } from './mix.js';
import { type Percentiles, percentiles } from './percentiles.js';

/**
 * The load run: generates the mix, delivers each input to the triage workflow with at most `concurrency` inputs in
 * flight (an input is in flight until its triage and the remediation it started have ended; HUMAN_APPROVAL events
 * are approved by the run itself, through the signed link of the approval e-mail and the real Approval handler),
 * then accounts for every input.
 */

const OUTCOMES = [
  'VERIFIED',
  'LOG_ONLY',
  'ALERTED',
  'REJECTED',
  'FAILED',
  'QUARANTINED',
  'DUPLICATE',
] as const;
type Outcome = (typeof OUTCOMES)[number];

/** Where a triage execution ended → what happened to the input (`REMEDIATION`: look at the remediation). */
const TRIAGE_ENDS: Readonly<Record<string, Outcome | 'REMEDIATION'>> = {
  'Logged Only': 'LOG_ONLY',
  // Before ALERT was a decision of its own, a LOG_ONLY detection at MEDIUM/HIGH was alerted here.
  'Logged And Alerted': 'ALERTED',
  Alerted: 'ALERTED',
  'Already Recorded': 'ALERTED',
  // ALERTED and recorded, but SNS refused the e-mail: the Alert stage kept it on the outbox queue.
  'Alert Queued': 'ALERTED',
  'Input Quarantined': 'QUARANTINED',
  'Kept Redacted By Ingest': 'QUARANTINED',
  'Triage Failed': 'QUARANTINED',
  'Duplicate Ignored': 'DUPLICATE',
  'Start Remediation': 'REMEDIATION',
};
const REMEDIATION_ENDS: Readonly<Record<string, Outcome>> = {
  Remediated: 'VERIFIED',
  Rejected: 'REJECTED',
  'Remediation Failed': 'FAILED',
  'Recording Failed': 'FAILED',
};
/**
 * A remediation that ends at "Alert Queued" recorded its outcome first (SNS refused the e-mail, the Alert stage kept
 * it on the outbox queue): the outcome is the one its Record state wrote.
 */
const RECORDED_BEFORE_QUEUED: readonly (readonly [string, Outcome])[] = [
  ['Record Verified', 'VERIFIED'],
  ['Record Rejected', 'REJECTED'],
];
/** Statuses the events item may hold for each outcome (QUARANTINED and DUPLICATE are not checked). */
const ITEM_STATUSES: Partial<Record<Outcome, readonly string[]>> = {
  VERIFIED: ['VERIFIED'],
  REJECTED: ['REJECTED'],
  FAILED: ['FAILED'],
  LOG_ONLY: ['DECIDED'],
  ALERTED: ['DECIDED', 'ALERTED'],
};

/** The fault profile of `--faults`: the simulated account's calls and DynamoDB fail as AWS fails under load. */
const DEFAULT_FAULTS: LoopFaults = {
  account: { throttleRate: 0.05, serverErrorRate: 0.01, timeoutRate: 0.01, seed: 11 },
  dynamo: { throttleRate: 0.03, serverErrorRate: 0.01, timeoutRate: 0.01, seed: 23 },
};

interface LoopRunOptions {
  readonly events: number;
  readonly concurrency: number;
  /** `true`: the default fault profile; an object: these switches. */
  readonly faults?: boolean | LoopFaults;
  readonly seed?: number;
  /** Every ASL Retry pause, ms; `null` (default) keeps the files' own intervals, as AWS waits them. */
  readonly retryIntervalMs?: number | null;
  readonly duplicateShare?: MixOptions['duplicateShare'];
  readonly malformedShare?: MixOptions['malformedShare'];
  readonly onProgress?: (done: number, total: number) => void;
}

interface Delivery {
  readonly index: number;
  readonly input: LoopInput;
  deliveredAt: number;
  finishedAt: number;
  triage?: ExecutionResult;
  remediation?: ExecutionResult;
  /** The runner itself threw (never expected). */
  thrown?: string;
  outcome?: Outcome;
}

interface StageFigures {
  readonly invocations: number;
  readonly errors: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  /** Sum of each invocation rounded up to 1 ms (Lambda's billing unit). */
  readonly billedMs: number;
}

/** What the cost model multiplies by prices: everything the run paid for, counted by the run. */
interface LoopCounts {
  readonly lambda: Readonly<Record<Stage, StageFigures>>;
  readonly express: { readonly executions: number; readonly billedMs: number; readonly meanMs: number };
  readonly standard: { readonly executions: number; readonly transitions: number };
  readonly dynamo: {
    readonly calls: number;
    readonly attempts: number;
    readonly readUnits: number;
    readonly writeUnits: number;
  };
  readonly s3: { readonly puts: number; readonly gets: number };
  readonly sns: { readonly publishes: number };
  readonly sqs: { readonly messages: number };
}

interface LoopResult {
  readonly events: number;
  readonly mix: { readonly events: number; readonly duplicates: number; readonly malformed: number };
  readonly concurrency: number;
  readonly faults: boolean;
  readonly wallMs: number;
  readonly throughputPerSecond: number;
  readonly latencyMs: {
    readonly decided: Percentiles;
    /** AUTO_REMEDIATE events: from delivery to the Verify state's success. */
    readonly verified: Percentiles;
    /** HUMAN_APPROVAL events approved by the run: includes finding the e-mail and clicking its link. */
    readonly verifiedAfterApproval: Percentiles;
  };
  readonly outcomes: Readonly<Record<Outcome, number>>;
  /** Inputs with no outcome, or quarantined without the input being kept. */
  readonly lost: number;
  /** Resources changed by more than one delivery, by a redelivery, or fixed by more than one apply of an event. */
  readonly doubleFixes: number;
  /** VERIFIED events whose resource does not read back fixed from the simulated account after the run. */
  readonly fixedButNotReadBackFixed: number;
  readonly balanced: boolean;
  readonly checks: {
    /** Quarantined inputs kept: an object under quarantine/ in the archive, or a message on the quarantine queue. */
    readonly quarantinedKept: number;
    /** Redeliveries that reached the remediation workflow's start and were refused or joined the running one. */
    readonly duplicatesRefused: number;
    /** Events sent more than one e-mail of one kind (a redelivery alerted again): Publish calls SNS accepted. */
    readonly duplicateAlerts: number;
    /** Alerts SNS refused that the Alert stage kept on its outbox queue for the reconcile job (not lost). */
    readonly alertsQueued: number;
    /** Events whose DynamoDB item status does not match the outcome of their executions. */
    readonly recordMismatches: number;
    /** FAILED events whose resource still reads back exposed (a person must act; the alert says so). */
    readonly failedLeftExposed: number;
    readonly approvals: { readonly clicked: number; readonly refused: number };
    /** Changes per fixed resource (calls that changed it): with no fault, one fix is the same count for a playbook. */
    readonly changesPerFixedResource: { readonly min: number; readonly max: number };
  };
  readonly retries: {
    readonly total: number;
    readonly byState: Readonly<Record<string, number>>;
    readonly byError: Readonly<Record<string, number>>;
  };
  readonly faultsInjected: {
    readonly account: FaultStats;
    readonly dynamo: {
      readonly throttled: number;
      readonly serverErrors: number;
      readonly timeoutsBeforeSend: number;
      readonly repliesLost: number;
      /** DynamoDB attempts beyond one per call: the SDK's own retries. */
      readonly sdkRetries: number;
    };
  };
  readonly counts: LoopCounts;
  /** The first unaccounted inputs, for the report. */
  readonly problems: readonly string[];
}

class LoopOptionsError extends Error {
  override readonly name = 'LoopOptionsError';
}

function lastState(execution: ExecutionResult | undefined): string | undefined {
  return execution?.states.at(-1)?.name;
}

/**
 * The outcome of one delivery. Of the deliveries of one eventID, the primary one carries the event's outcome: the
 * original, unless its triage was quarantined or a redelivery overtook it and started the remediation first (the
 * original then ends at Duplicate Ignored); then the first redelivery that went on. Every other delivery of the event
 * is a DUPLICATE, or QUARANTINED when its own triage failed (and the queue kept it).
 */
function classify(delivery: Delivery, primary: boolean): Outcome | undefined {
  const end = TRIAGE_ENDS[lastState(delivery.triage) ?? ''];
  if (end === undefined) return undefined;
  if (end === 'QUARANTINED') return end;
  if (!primary) return 'DUPLICATE';
  if (end !== 'REMEDIATION') return end;
  const remediationEnd = lastState(delivery.remediation) ?? '';
  if (remediationEnd === 'Alert Queued')
    return RECORDED_BEFORE_QUEUED.find(([state]) =>
      delivery.remediation?.states.some((visit) => visit.name === state && visit.status === 'succeeded'),
    )?.[1];
  return REMEDIATION_ENDS[remediationEnd];
}

/** For each eventID, the index of the delivery that carries the event's outcome. */
function primaryDeliveries(deliveries: readonly Delivery[]): Set<number> {
  const byEvent = new Map<string, Delivery[]>();
  for (const delivery of deliveries) {
    if (delivery.input.kind === 'malformed') continue;
    const list = byEvent.get(delivery.input.eventId) ?? [];
    list.push(delivery);
    byEvent.set(delivery.input.eventId, list);
  }
  const primary = new Set<number>();
  for (const list of byEvent.values()) {
    const wentOn = (delivery: Delivery) => {
      const end = TRIAGE_ENDS[lastState(delivery.triage) ?? ''];
      return end !== undefined && end !== 'QUARANTINED' && end !== 'DUPLICATE';
    };
    const chosen =
      list.find((delivery) => delivery.input.kind === 'event' && wentOn(delivery)) ??
      list.find(wentOn) ??
      list[0];
    if (chosen) primary.add(chosen.index);
  }
  return primary;
}

/** Failed attempts that were retried (the last failure of a caught or failed state was not). */
function retriesOf(execution: ExecutionResult, byState: Map<string, number>, byError: Map<string, number>) {
  let total = 0;
  for (const visit of execution.states) {
    const retried = visit.failures.length - (visit.status === 'caught' || visit.status === 'failed' ? 1 : 0);
    if (retried <= 0) continue;
    total += retried;
    byState.set(visit.name, (byState.get(visit.name) ?? 0) + retried);
    for (const failure of visit.failures.slice(0, retried))
      byError.set(failure.error, (byError.get(failure.error) ?? 0) + 1);
  }
  return total;
}

function stageFigures(durations: readonly number[], invocations: number, errors: number): StageFigures {
  const sum = durations.reduce((total, ms) => total + ms, 0);
  return {
    invocations,
    errors,
    meanMs: durations.length ? sum / durations.length : 0,
    p50Ms: percentiles(durations).p50,
    billedMs: durations.reduce((total, ms) => total + Math.max(1, Math.ceil(ms)), 0),
  };
}

/** The hidden fields of the confirmation page's form (what a browser posts when the button is pressed). */
function confirmationFields(html: string): Record<string, string> {
  const decodeEntities = (text: string) =>
    text
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[decodeEntities(match[1] ?? '')] = decodeEntities(match[2] ?? '');
  return fields;
}

/**
 * The text of the approval e-mail of `messageId`: the one SNS took, or, when SNS refused it, the alert the Alert
 * stage kept on its outbox queue (messageId `outbox:<alertKey>`). The reconcile job publishes that one later (every
 * 15 minutes in AWS); the run reads it from the queue instead of waiting, so the approval is not left to time out.
 */
async function approvalMessageText(rig: LoopRig, messageId: unknown): Promise<string | undefined> {
  const sent = rig.outbox.messages.find((candidate) => candidate.messageId === messageId);
  if (sent) return sent.body;
  if (typeof messageId !== 'string' || !messageId.startsWith(OUTBOX_MESSAGE_ID_PREFIX)) return undefined;
  const alertKey = messageId.slice(OUTBOX_MESSAGE_ID_PREFIX.length);
  for (const body of await rig.alertOutbox.bodies()) {
    const kept = AlertOutboxMessageSchema.safeParse(JSON.parse(body));
    if (kept.success && kept.data.alertKey === alertKey) return kept.data.message;
  }
  return undefined;
}

/**
 * Does what a person does with the approval e-mail the Alert stage sent for this task: opens its approve link (a GET
 * of the function URL shows a confirmation page and changes nothing), then presses the page's button (a POST of the
 * form's fields). Again after an error page, up to 5 times. Undefined when approved, else why not.
 */
async function clickApprove(rig: LoopRig, task: PendingTask): Promise<string | undefined> {
  const messageId = (task.invocationResult as { messageId?: unknown } | undefined)?.messageId;
  const text = await approvalMessageText(rig, messageId);
  const link = text?.match(/https?:\/\/\S+decision=approve\S*/)?.[0];
  if (!link) return `no approve link in the e-mail of message ${String(messageId)}`;
  const url = new URL(link);
  const http = (method: string) => ({
    http: { method, sourceIp: '203.0.113.10', userAgent: 'aisaws loop-load approver' },
  });
  let last = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const page = await rig.approve({
      rawQueryString: url.search.slice(1),
      queryStringParameters: Object.fromEntries(url.searchParams),
      requestContext: http('GET'),
    });
    const fields = confirmationFields(page.body);
    if (page.statusCode !== 200 || Object.keys(fields).length === 0) {
      last = `GET: HTTP ${page.statusCode}: ${textOf(page.body)}`;
      continue;
    }
    const response = await rig.approve({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      isBase64Encoded: false,
      requestContext: http('POST'),
    });
    if (response.statusCode === 200) return undefined;
    last = `POST: HTTP ${response.statusCode}: ${textOf(response.body)}`;
  }
  return last;
}

function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .slice(-160);
}

async function runLoop(options: LoopRunOptions): Promise<LoopResult> {
  const { events, concurrency } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new LoopOptionsError(`concurrency must be a positive integer, got ${concurrency}`);
  const faults = options.faults === true ? DEFAULT_FAULTS : options.faults || undefined;
  const rig = await startLoopRig({
    retryIntervalMs: options.retryIntervalMs === undefined ? null : options.retryIntervalMs,
    // The circuit breaker (AUTO → HUMAN_APPROVAL beyond N fixes per window) is set above the run's size, so the run
    // measures the loop; its own behaviour is tested in lambda-decision.
    maxAutoRemediations: events * 2,
    ...(faults ? { faults } : {}),
  });
  try {
    return await driveAndAccount(rig, options, faults !== undefined);
  } finally {
    await rig.close();
  }
}

async function driveAndAccount(
  rig: LoopRig,
  options: LoopRunOptions,
  faultsOn: boolean,
): Promise<LoopResult> {
  const mix = generateMix(rig.account, {
    events: options.events,
    nearWindow: options.concurrency,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.duplicateShare !== undefined ? { duplicateShare: options.duplicateShare } : {}),
    ...(options.malformedShare !== undefined ? { malformedShare: options.malformedShare } : {}),
  });
  rig.switchFaultsOn();

  // The approver: answers each approval e-mail as a person would, by clicking its approve link.
  const approvals = { clicked: 0, refused: 0, reasons: [] as string[] };
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const task = await rig.workflows.nextPendingTask();
      if (stopped) return;
      void clickApprove(rig, task).then((refusal) => {
        if (refusal === undefined) approvals.clicked += 1;
        else {
          approvals.refused += 1;
          approvals.reasons.push(refusal);
        }
      });
    }
  })();

  const deliveries: Delivery[] = mix.inputs.map((input, index) => ({
    index,
    input,
    deliveredAt: 0,
    finishedAt: 0,
  }));
  let next = 0;
  let done = 0;
  const deliver = async (delivery: Delivery) => {
    delivery.deliveredAt = Date.now();
    try {
      const { triage, remediation } = await rig.workflows.runTriage(delivery.input.event);
      delivery.triage = triage;
      if (remediation) delivery.remediation = await remediation;
    } catch (error) {
      delivery.thrown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    delivery.finishedAt = Date.now();
    done += 1;
    options.onProgress?.(done, deliveries.length);
  };
  const worker = async () => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++] as Delivery;
      await rig.asDelivery(delivery.index, () => deliver(delivery));
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, deliveries.length) }, worker));
  const wallMs = Date.now() - started;
  stopped = true;
  const executions = await Promise.all(rig.workflows.listExecutions().map((summary) => summary.result));
  return account(rig, mix, deliveries, executions, { ...options, wallMs, approvals, faultsOn });
}

interface AccountingContext extends LoopRunOptions {
  readonly wallMs: number;
  readonly approvals: { clicked: number; refused: number; reasons: string[] };
  readonly faultsOn: boolean;
}

async function account(
  rig: LoopRig,
  mix: ReturnType<typeof generateMix>,
  deliveries: Delivery[],
  executions: readonly ExecutionResult[],
  context: AccountingContext,
): Promise<LoopResult> {
  const problems: string[] = context.approvals.reasons.map((reason) => `approval link refused: ${reason}`);
  const outcomes = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  const quarantineKeys = new Set(await rig.s3.listKeys(rig.archiveBucket, 'quarantine/'));
  const queued = new Set(
    rig.workflows.quarantined.map(
      (message) => (message.body as { execution?: string } | undefined)?.execution,
    ),
  );
  let lost = 0;
  let quarantinedKept = 0;
  let inputQuarantined = 0;
  const primary = primaryDeliveries(deliveries);
  for (const delivery of deliveries) {
    const outcome = delivery.thrown
      ? undefined
      : classify(delivery, delivery.input.kind === 'malformed' || primary.has(delivery.index));
    delivery.outcome = outcome;
    if (outcome === undefined) {
      lost += 1;
      if (problems.length < 10)
        problems.push(
          `input ${delivery.index} (${delivery.input.kind}): ${delivery.thrown ?? `triage ended at ${lastState(delivery.triage) ?? '?'}, remediation at ${lastState(delivery.remediation) ?? '-'}`}`,
        );
      continue;
    }
    outcomes[outcome] += 1;
    if (outcome !== 'QUARANTINED') continue;
    if (delivery.input.kind !== 'malformed' && problems.length < 30) {
      const caught = delivery.triage?.states.find((visit) => visit.status === 'caught');
      const failure = caught?.failures.at(-1);
      problems.push(
        `input ${delivery.index} (${delivery.input.kind} ${delivery.input.eventId}) quarantined: ${caught?.name ?? '?'} failed with ${failure?.error ?? '?'}: ${(failure?.cause ?? '').slice(0, 200)}`,
      );
    }
    if (lastState(delivery.triage) === 'Input Quarantined') inputQuarantined += 1;
    else if (queued.has(delivery.triage?.executionArn)) quarantinedKept += 1;
    else {
      lost += 1;
      problems.push(`input ${delivery.index}: quarantined but not on the quarantine queue`);
    }
  }
  // Ingest keeps each invalid input once under quarantine/ (keyed by its content): one object per such input.
  const kept = Math.min(inputQuarantined, quarantineKeys.size);
  if (kept < inputQuarantined) {
    lost += inputQuarantined - kept;
    problems.push(`${inputQuarantined - kept} inputs refused by Ingest have no object under quarantine/`);
  }
  quarantinedKept += kept;

  // Double fixes: a resource changed for more than one event or outside any remediation; an event applied twice or
  // remediated by more than one execution (a redelivery that was not refused).
  const changesByResource = new Map<string, { events: Set<string | undefined>; calls: number }>();
  for (const change of rig.changes) {
    const entry = changesByResource.get(change.resource) ?? { events: new Set(), calls: 0 };
    entry.events.add(change.eventId);
    entry.calls += 1;
    changesByResource.set(change.resource, entry);
  }
  const doubleFixed = new Set<string>();
  for (const [resource, entry] of changesByResource)
    if (entry.events.size > 1 || entry.events.has(undefined)) doubleFixed.add(resource);
  const resourceOfEvent = new Map<string, string>();
  for (const delivery of deliveries)
    if (delivery.input.kind === 'event')
      resourceOfEvent.set(delivery.input.eventId, delivery.input.target.id);
  for (const [eventId, applies] of rig.appliesByEvent)
    if (applies > 1) doubleFixed.add(resourceOfEvent.get(eventId) ?? eventId);
  const executionsByEvent = new Map<string, number>();
  for (const execution of executions) {
    const eventId = (execution.input as { eventId?: unknown } | undefined)?.eventId;
    if (execution.machine === 'remediation' && typeof eventId === 'string')
      executionsByEvent.set(eventId, (executionsByEvent.get(eventId) ?? 0) + 1);
  }
  for (const [eventId, count] of executionsByEvent)
    if (count > 1) doubleFixed.add(resourceOfEvent.get(eventId) ?? eventId);
  for (const resource of doubleFixed)
    if (problems.length < 20) problems.push(`resource ${resource} was fixed more than once`);

  // Read back every resource the loop says it fixed; note FAILED ones still exposed.
  let fixedButNotReadBackFixed = 0;
  let failedLeftExposed = 0;
  const changesPerFixed: number[] = [];
  let recordMismatches = 0;
  const decided: number[] = [];
  const verified: number[] = [];
  const verifiedAfterApproval: number[] = [];
  for (const delivery of deliveries) {
    if (delivery.input.kind !== 'event') continue;
    const decide = delivery.triage?.states.find(
      (visit) => visit.name === 'Decide' && visit.status === 'succeeded',
    );
    if (decide) decided.push(decide.endMs - delivery.deliveredAt);
  }
  for (const delivery of deliveries) {
    if (delivery.input.kind === 'malformed' || !primary.has(delivery.index)) continue;
    const change = delivery.input.kind === 'event' ? delivery.input : delivery.input.original;
    const { scenario, target, eventId } = change;
    if (delivery.outcome === 'VERIFIED') {
      if (!scenario.readsBackFixed?.(rig.account, target)) {
        fixedButNotReadBackFixed += 1;
        problems.push(`event ${eventId}: VERIFIED but ${target.type} ${target.id} does not read back fixed`);
      }
      changesPerFixed.push(changesByResource.get(target.id)?.calls ?? 0);
      const verify = delivery.remediation?.states.find(
        (visit) => visit.name === 'Verify' && visit.status === 'succeeded',
      );
      const action = (delivery.remediation?.input as { decision?: { action?: string } } | undefined)?.decision
        ?.action;
      if (verify)
        (action === 'HUMAN_APPROVAL' ? verifiedAfterApproval : verified).push(
          verify.endMs - delivery.deliveredAt,
        );
    }
    if (
      delivery.outcome === 'FAILED' &&
      scenario.readsBackFixed &&
      !scenario.readsBackFixed(rig.account, target)
    )
      failedLeftExposed += 1;
    const allowed = delivery.outcome ? ITEM_STATUSES[delivery.outcome] : undefined;
    if (allowed && lastState(delivery.remediation) !== 'Recording Failed') {
      const { Item } = await rig.dynamo.client.send(
        new GetItemCommand({
          TableName: rig.tables.events,
          Key: { eventId: { S: eventId } },
          ConsistentRead: true,
        }),
      );
      const status = Item?.status?.S;
      if (!status || !allowed.includes(status)) {
        recordMismatches += 1;
        if (problems.length < 30)
          problems.push(
            `event ${eventId}: outcome ${delivery.outcome} but the events item is ${status ?? 'missing'}`,
          );
      }
    }
  }

  const duplicatesRefused = deliveries.filter(
    (delivery) =>
      delivery.input.kind === 'duplicate' &&
      ['Start Remediation', 'Duplicate Ignored'].includes(lastState(delivery.triage) ?? ''),
  ).length;
  const alertedTwice = [...rig.alertsByEvent].filter(([, count]) => count > 1);
  const duplicateAlerts = alertedTwice.length;
  for (const [key, count] of alertedTwice.slice(0, 5))
    problems.push(
      `event ${key.replace('|', ' alert kind ')} was sent ${count} times (a redelivery alerted again)`,
    );

  const byState = new Map<string, number>();
  const byError = new Map<string, number>();
  let retries = 0;
  for (const execution of executions) retries += retriesOf(execution, byState, byError);

  const triageRuns = executions.filter((execution) => execution.machine === 'triage');
  const remediationRuns = executions.filter((execution) => execution.machine === 'remediation');
  const triageMs = triageRuns.map((execution) => execution.stoppedAt - execution.startedAt);
  const counts: LoopCounts = {
    lambda: Object.fromEntries(
      STAGES.map((stage) => {
        const counters = rig.stages[stage];
        return [stage, stageFigures(counters.durationsMs, counters.invocations, counters.errors)];
      }),
    ) as Record<Stage, StageFigures>,
    express: {
      executions: triageRuns.length,
      // Express bills duration in 100 ms steps.
      billedMs: triageMs.reduce((total, ms) => total + Math.max(100, Math.ceil(ms / 100) * 100), 0),
      meanMs: triageMs.length ? triageMs.reduce((a, b) => a + b, 0) / triageMs.length : 0,
    },
    standard: {
      executions: remediationRuns.length,
      // A transition per state entered, and one per retry (Step Functions bills retries as transitions).
      transitions: remediationRuns.reduce(
        (total, execution) =>
          total +
          execution.states.length +
          execution.states.reduce(
            (sum, visit) =>
              sum +
              Math.max(
                0,
                visit.failures.length - (visit.status === 'caught' || visit.status === 'failed' ? 1 : 0),
              ),
            0,
          ),
        0,
      ),
    },
    dynamo: {
      calls: rig.dynamoCounters.calls,
      attempts: rig.dynamoCounters.attempts,
      readUnits: rig.dynamoCounters.readUnits,
      writeUnits: rig.dynamoCounters.writeUnits,
    },
    s3: { ...rig.s3Counters },
    sns: { publishes: rig.outbox.messages.length },
    sqs: { messages: rig.workflows.quarantined.length },
  };

  const inputs = deliveries.length;
  const accounted = Object.values(outcomes).reduce((a, b) => a + b, 0);
  const doubleFixes = doubleFixed.size;
  const balanced = accounted === inputs && lost === 0 && doubleFixes === 0 && fixedButNotReadBackFixed === 0;
  const injected = rig.dynamoCounters.injected;
  return {
    events: inputs,
    mix: mix.counts,
    concurrency: context.concurrency,
    faults: context.faultsOn,
    wallMs: context.wallMs,
    throughputPerSecond: inputs / (context.wallMs / 1000),
    latencyMs: {
      decided: percentiles(decided),
      verified: percentiles(verified),
      verifiedAfterApproval: percentiles(verifiedAfterApproval),
    },
    outcomes,
    lost,
    doubleFixes,
    fixedButNotReadBackFixed,
    balanced,
    checks: {
      quarantinedKept,
      duplicatesRefused,
      duplicateAlerts,
      alertsQueued: await rig.alertOutbox.depth(),
      recordMismatches,
      failedLeftExposed,
      approvals: { clicked: context.approvals.clicked, refused: context.approvals.refused },
      changesPerFixedResource: {
        min: changesPerFixed.length ? Math.min(...changesPerFixed) : 0,
        max: changesPerFixed.length ? Math.max(...changesPerFixed) : 0,
      },
    },
    retries: {
      total: retries,
      byState: Object.fromEntries([...byState].sort((a, b) => b[1] - a[1])),
      byError: Object.fromEntries([...byError].sort((a, b) => b[1] - a[1])),
    },
    faultsInjected: {
      account: rig.account.faults.stats,
      dynamo: { ...injected, sdkRetries: rig.dynamoCounters.attempts - rig.dynamoCounters.calls },
    },
    counts,
    problems,
  };
}

export type { Delivery, LoopCounts, LoopResult, LoopRunOptions, Outcome, StageFigures };
export { classify, DEFAULT_FAULTS, LoopOptionsError, OUTCOMES, primaryDeliveries, runLoop };
