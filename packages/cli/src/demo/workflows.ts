import { createLocalWorkflows, type ExecutionResult, type StateEvent } from '@aisaws/testing/workflow';
import type { LocalSandbox } from '../sandbox/local-sandbox.js';
import type { DeliveryOutcome, WorkflowStep } from './narrator.js';
import type { DemoHandlers } from './pipeline.js';

/**
 * The two REAL workflows (infra/workflows/*.asl.json) run locally by the testing harness, bound to the demo's
 * handlers. Lambda stages are reported by the stage log; this module reports the other steps a person wants to see:
 * the start of the remediation execution (or its refusal as a duplicate), the DynamoDB Record states, and how each
 * triage execution ended.
 */

/** States that are not Lambda invocations but matter in the story. */
const REPORTED_STATES = new Set([
  'Start Remediation',
  'Record Verified',
  'Record Rejected',
  'Record Failed',
  'Record Alerted',
  'Quarantine Event Reference',
  'Quarantine Bare Reference',
  'Quarantine Redacted Event',
  'Quarantine Delivered Input',
  'Alert Queued',
]);
/** Terminal states of triage worth naming (what happened to a delivery). */
const STEP_DETAILS: Readonly<Record<string, string>> = {
  'Start Remediation': 'remediation execution started (name = eventId)',
  'Record Verified': 'events item → VERIFIED (dynamodb:updateItem)',
  'Record Rejected': 'events item → REJECTED (dynamodb:updateItem)',
  'Record Failed': 'events item → FAILED (dynamodb:updateItem)',
  'Record Alerted': 'events item → ALERTED (dynamodb:updateItem)',
  'Quarantine Event Reference': 'event reference (no detail, no credentials) sent to the quarantine queue',
  'Quarantine Bare Reference': 'execution reference sent to the quarantine queue',
  'Quarantine Redacted Event': 'event (credentials redacted) sent to the quarantine queue',
  'Quarantine Delivered Input': 'input sent to the quarantine queue',
};
/** A Fail state that is not a failure of the fix: the outcome is recorded, only the e-mail waits. */
const ALERT_QUEUED_DETAIL =
  'SNS refused the e-mail: kept on the outbox queue (fauxqs) for the reconcile job; the execution ends AlertQueued';

interface DemoWorkflowsOptions {
  readonly handlers: DemoHandlers;
  readonly sandbox: LocalSandbox;
  /** Pause of every Retry (ms) instead of the ASL's seconds: the demo keeps Verify's backoff short. */
  readonly retryIntervalMs: number;
  readonly onStep?: (step: WorkflowStep) => void;
}

interface DemoWorkflows {
  /** One EventBridge delivery: runs the triage workflow on the event. */
  deliver(event: unknown): Promise<DeliveryOutcome>;
  /** Resolves once every remediation execution started so far has ended. */
  settled(): Promise<ExecutionResult[]>;
  /** The non-Lambda steps seen so far. */
  steps(): WorkflowStep[];
  /** The task-token API (SendTaskSuccess / SendTaskFailure) the approval handler calls. */
  readonly sfn: ReturnType<typeof createLocalWorkflows>['sfn'];
  /** Stops every running execution (an interrupted demo): nothing waits on afterwards. */
  abort(): void;
}

async function startDemoWorkflows(options: DemoWorkflowsOptions): Promise<DemoWorkflows> {
  const steps: WorkflowStep[] = [];
  const entered = new Map<string, number>();
  const remediations = new Map<string, Promise<ExecutionResult>>();

  let remediationStarts = 0;
  const onStateEvent = (event: StateEvent): void => {
    const key = `${event.execution}|${event.state}`;
    if (event.type === 'entered') {
      entered.set(key, event.at);
      return;
    }
    if (!REPORTED_STATES.has(event.state)) return;
    if (event.type === 'retried') return;
    const started = entered.get(key) ?? event.at;
    const ok = event.type === 'exited';
    if (ok && event.state === 'Start Remediation') remediationStarts += 1;
    const restart = ok && event.state === 'Start Remediation' && remediationStarts > 1;
    const detail = restart
      ? 'same name and input as the running execution: Step Functions returns it, no second remediation'
      : event.state === 'Alert Queued'
        ? ALERT_QUEUED_DETAIL
        : ok
          ? STEP_DETAILS[event.state]
          : event.state === 'Start Remediation' &&
              event.error?.error === 'StepFunctions.ExecutionAlreadyExistsException'
            ? 'refused: an execution with this eventId exists → Duplicate Ignored'
            : `${event.error?.error ?? 'failed'}: ${event.error?.cause ?? ''}`;
    // A duplicate refused by Step Functions is the intended outcome, not a failure of the demo.
    const duplicate = !ok && event.error?.error === 'StepFunctions.ExecutionAlreadyExistsException';
    const step: WorkflowStep = {
      name: event.state,
      ok: ok || duplicate,
      ms: event.at - started,
      endedAt: event.at,
      ...(detail ? { detail } : {}),
    };
    steps.push(step);
    options.onStep?.(step);
  };

  const workflows = createLocalWorkflows({
    tasks: options.handlers,
    dynamo: options.sandbox.dynamo.client,
    eventsTable: options.sandbox.tables.events,
    retryIntervalMs: options.retryIntervalMs,
    onStateEvent,
    accountId: options.sandbox.account.accountId,
    region: options.sandbox.account.region,
  });

  return {
    sfn: workflows.sfn,
    abort: () => workflows.abortAll(),
    steps: () => [...steps],
    async deliver(event) {
      const { triage, remediation } = await workflows.runTriage(event);
      if (remediation) remediations.set(triage.executionArn, remediation);
      const last = triage.states.at(-1);
      return { status: triage.status, ...(last ? { endState: last.name } : {}) };
    },
    async settled() {
      const started = workflows
        .listExecutions()
        .filter((execution) => execution.machine === 'remediation')
        .map((execution) => execution.result);
      return Promise.all([...new Set([...started, ...remediations.values()])]);
    },
  };
}

export type { DemoWorkflows, DemoWorkflowsOptions };
export { startDemoWorkflows };
