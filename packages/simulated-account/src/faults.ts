import prand from 'pure-rand';
import * as z from 'zod';
import { SimulatedServiceError } from './simulated-error.js';

/**
 * Fault injection for the SIMULATED account: makes the SDK-shaped clients and the simulated SNS topic fail the way
 * AWS fails under load, so tests and benchmarks can show what AISAWS does then (retries, FAILED with an alert,
 * nothing lost, nothing fixed twice). Which call fails is drawn from a seeded generator (pure-rand's
 * xoroshiro128+): the same seed and the same sequence of calls give the same faults, run after run.
 *
 * Faults touch only the calls AISAWS makes (the playbooks' clients, the Alert stage's SNS client); the API calls a
 * person makes in a scenario (`putBucketAcl` …) always go through.
 */

const RateSchema = z.number().min(0, 'a rate is between 0 and 1').max(1, 'a rate is between 0 and 1');

const FaultSwitchesSchema = z.strictObject({
  /** Share of calls refused with the service's throttling error (S3 `SlowDown` 503, EC2 `RequestLimitExceeded` …). */
  throttleRate: RateSchema.default(0),
  /** Share of calls failing with a 5xx (`InternalError` 500 for S3/EC2, `InternalFailure` 500 elsewhere). */
  serverErrorRate: RateSchema.default(0),
  /** Share of calls that time out: after `timeoutDelayMs` they reject with the SDK's `TimeoutError` (no status). */
  timeoutRate: RateSchema.default(0),
  /** Every SNS Publish fails with `InternalErrorException` 500: alerts cannot be delivered. */
  snsDown: z.boolean().default(false),
  /**
   * Every change made through the clients answers 200 but does not stick (the state is put back right after, as if
   * another actor re-applied it): reads keep showing the old state, so verification never converges.
   */
  neverConverge: z.boolean().default(false),
  /** Seed of the generator that picks the failing calls. */
  seed: z.number().int().default(1),
  /** Delay before a simulated timeout rejects, in ms. */
  timeoutDelayMs: z.number().int().min(0).default(10),
  /**
   * Limit the random faults (throttle, 5xx, timeout) and `neverConverge` to these calls: a service (`s3`, `ec2`,
   * `iam`, `cloudtrail`, `tagging`, `sns`) or `service:Operation` (`s3:PutPublicAccessBlock`). Every call when absent.
   */
  only: z.array(z.string().min(1)).optional(),
});

/** The switches as given (every field optional). */
type FaultSwitchesInput = z.input<typeof FaultSwitchesSchema>;
/** The switches with their defaults. */
type FaultSwitches = z.output<typeof FaultSwitchesSchema>;

type FaultKind = 'throttle' | 'serverError' | 'timeout';

/** What was injected so far (a benchmark prints these beside its figures). */
interface FaultStats {
  /** Calls that went through the fault switches (clients and SNS). */
  calls: number;
  throttled: number;
  serverErrors: number;
  timeouts: number;
  /** Publish calls refused because SNS was down. */
  snsRejected: number;
  /** Changes acknowledged but not kept (`neverConverge`). */
  changesNotKept: number;
}

const THROTTLE_ERRORS: Readonly<Record<string, { code: string; status: number }>> = {
  s3: { code: 'SlowDown', status: 503 },
  ec2: { code: 'RequestLimitExceeded', status: 503 },
  iam: { code: 'Throttling', status: 400 },
  cloudtrail: { code: 'ThrottlingException', status: 400 },
  tagging: { code: 'ThrottledException', status: 400 },
  sns: { code: 'Throttled', status: 400 },
};

const SERVER_ERRORS: Readonly<Record<string, string>> = {
  s3: 'InternalError',
  ec2: 'InternalError',
  sns: 'InternalErrorException',
};

/** An SDK request timeout, shaped as the SDK's HTTP handler reports it: name `TimeoutError`, no HTTP status. */
class SimulatedTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly simulatedFault = 'timeout';
  readonly $metadata: Record<string, never> = {};
  constructor(service: string, operation: string, afterMs: number) {
    super(`simulated fault: ${service} ${operation} timed out after ${afterMs} ms`);
  }
}

/** Operations that only read (everything else is a change). */
function isReadOnly(operation: string): boolean {
  return /^(Get|Describe|List|Head)/.test(operation);
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(faults)'}: ${issue.message}`).join('; ');
}

class FaultInjector {
  private current: FaultSwitches;
  private rng: prand.RandomGenerator;
  private readonly counters: FaultStats = {
    calls: 0,
    throttled: 0,
    serverErrors: 0,
    timeouts: 0,
    snsRejected: 0,
    changesNotKept: 0,
  };

  constructor(switches: FaultSwitchesInput = {}) {
    this.current = FaultInjector.parse(switches);
    this.rng = prand.xoroshiro128plus(this.current.seed);
  }

  /** Validates switches, throwing one message naming every bad field. */
  static parse(switches: FaultSwitchesInput): FaultSwitches {
    const parsed = FaultSwitchesSchema.safeParse(switches);
    if (!parsed.success) throw new Error(`simulated account faults: ${formatIssues(parsed.error)}`);
    return parsed.data;
  }

  /** Replaces the switches (unset ones go back to their defaults) and re-seeds the generator. */
  set(switches: FaultSwitchesInput): void {
    this.current = FaultInjector.parse(switches);
    this.rng = prand.xoroshiro128plus(this.current.seed);
  }

  /** Turns every fault off (the counters stay). */
  clear(): void {
    this.set({});
  }

  get switches(): Readonly<FaultSwitches> {
    return this.current;
  }

  get stats(): Readonly<FaultStats> {
    return { ...this.counters };
  }

  /** True when any switch is on. */
  get active(): boolean {
    const { throttleRate, serverErrorRate, timeoutRate, snsDown, neverConverge } = this.current;
    return throttleRate > 0 || serverErrorRate > 0 || timeoutRate > 0 || snsDown || neverConverge;
  }

  private applies(service: string, operation: string): boolean {
    const { only } = this.current;
    return only === undefined || only.includes(service) || only.includes(`${service}:${operation}`);
  }

  /** A uniform draw in [0, 1) from the seeded generator. */
  private draw(): number {
    return prand.unsafeUniformIntDistribution(0, 0xffffffff, this.rng) / 0x100000000;
  }

  /**
   * Called before each call: throws (or, for a timeout, rejects after the delay) when the call is to fail. One draw
   * per call decides among throttle, 5xx and timeout, so the rates add up (capped at 1).
   */
  async beforeCall(service: string, operation: string): Promise<void> {
    this.counters.calls += 1;
    if (service === 'sns' && this.current.snsDown) {
      this.counters.snsRejected += 1;
      throw new SimulatedServiceError(
        'InternalErrorException',
        `simulated fault: SNS is down (${operation} refused)`,
        500,
        'snsDown',
      );
    }
    const { throttleRate, serverErrorRate, timeoutRate } = this.current;
    if (throttleRate + serverErrorRate + timeoutRate === 0 || !this.applies(service, operation)) return;
    const draw = this.draw();
    const kind: FaultKind | undefined =
      draw < throttleRate
        ? 'throttle'
        : draw < throttleRate + serverErrorRate
          ? 'serverError'
          : draw < throttleRate + serverErrorRate + timeoutRate
            ? 'timeout'
            : undefined;
    if (kind === 'throttle') {
      this.counters.throttled += 1;
      const { code, status } = THROTTLE_ERRORS[service] ?? { code: 'ThrottlingException', status: 400 };
      throw Object.assign(
        new SimulatedServiceError(
          code,
          `simulated fault: ${service} ${operation}: Rate exceeded`,
          status,
          'throttle',
        ),
        { $retryable: { throttling: true } },
      );
    }
    if (kind === 'serverError') {
      this.counters.serverErrors += 1;
      throw new SimulatedServiceError(
        SERVER_ERRORS[service] ?? 'InternalFailure',
        `simulated fault: ${service} ${operation}: We encountered an internal error. Please try again.`,
        500,
        'serverError',
      );
    }
    if (kind === 'timeout') {
      this.counters.timeouts += 1;
      const { timeoutDelayMs } = this.current;
      await new Promise((resolve) => setTimeout(resolve, timeoutDelayMs));
      throw new SimulatedTimeoutError(service, operation, timeoutDelayMs);
    }
  }

  /** Whether a change made by this call must not stick (`neverConverge`). */
  dropsChange(service: string, operation: string): boolean {
    const drop = this.current.neverConverge && !isReadOnly(operation) && this.applies(service, operation);
    if (drop) this.counters.changesNotKept += 1;
    return drop;
  }
}

export type { FaultStats, FaultSwitches, FaultSwitchesInput };
export { FaultInjector, FaultSwitchesSchema, isReadOnly, SimulatedTimeoutError };
