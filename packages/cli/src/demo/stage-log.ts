import * as z from 'zod';

/**
 * Timing of the Lambda stages as the workflows run them: each handler built for the demo is wrapped so that every
 * invocation reports its stage name, outcome, latency and output as it happens (the demo prints them live, the
 * JSON result lists them, the duplicate count is read from them).
 */

type StageHandler = (event: unknown) => Promise<unknown>;

interface StageReport {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  /** When the invocation ended, epoch ms. */
  readonly endedAt: number;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: { name: string; message: string };
}

type StageListener = (report: StageReport) => void;

const ActionSchema = z.looseObject({ action: z.enum(['snapshot', 'apply', 'rollback']) });
const KindSchema = z.looseObject({
  kind: z.enum(['remediated', 'remediation-failed', 'approval-request', 'rejected', 'logged', 'alert']),
  remediation: z.unknown().optional(),
});

const REMEDIATION_STAGE = { snapshot: 'Snapshot', apply: 'Remediate', rollback: 'Rollback' } as const;
const ALERT_STAGE = {
  remediated: 'Alert',
  'remediation-failed': 'Alert Failure',
  'approval-request': 'Request Approval',
  rejected: 'Alert Rejected',
  logged: 'Alert Dry Run',
  alert: 'Alert Person',
} as const;

/** The state name a remediation or alert invocation stands for, from its input; the fixed name otherwise. */
function stageNameOf(stage: string, input: unknown): string {
  if (stage === 'Remediation') {
    const parsed = ActionSchema.safeParse(input);
    return parsed.success ? REMEDIATION_STAGE[parsed.data.action] : stage;
  }
  if (stage === 'Alert') {
    const parsed = KindSchema.safeParse(input);
    if (!parsed.success) return stage;
    return ALERT_STAGE[parsed.data.kind];
  }
  return stage;
}

function createStageLog() {
  const reports: StageReport[] = [];
  const listeners: StageListener[] = [];

  function record(report: StageReport): void {
    reports.push(report);
    for (const listener of listeners) listener(report);
  }

  /** Wraps a handler: same input/output, plus one report per invocation. */
  function timed<T>(stage: string, handler: (event: unknown) => Promise<T>): (event: unknown) => Promise<T> {
    return async (event) => {
      const started = performance.now();
      const name = stageNameOf(stage, event);
      try {
        const output = await handler(event);
        record({
          name,
          ok: true,
          ms: performance.now() - started,
          endedAt: Date.now(),
          input: event,
          output,
        });
        return output;
      } catch (error) {
        const failure =
          error instanceof Error
            ? { name: error.name, message: error.message }
            : { name: 'Error', message: String(error) };
        record({
          name,
          ok: false,
          ms: performance.now() - started,
          endedAt: Date.now(),
          input: event,
          error: failure,
        });
        throw error;
      }
    };
  }

  return {
    reports,
    timed,
    /** Adds a report for a step that is not a Lambda (a workflow's Record state, a duplicate refusal). */
    record,
    onStage(listener: StageListener): void {
      listeners.push(listener);
    },
    count: (name: string, ok = true): number =>
      reports.filter((report) => report.name === name && report.ok === ok).length,
  };
}

type StageLog = ReturnType<typeof createStageLog>;

export type { StageHandler, StageListener, StageLog, StageReport };
export { createStageLog, stageNameOf };
