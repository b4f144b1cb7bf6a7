import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import prand from 'pure-rand';
import * as z from 'zod';

/**
 * Two middlewares on a DynamoDB client (dynalite behind it), added by the load run only:
 *
 * 1. **The capacity probe** (step `initialize`, outside the SDK's retry loop): asks every call for
 *    `ReturnConsumedCapacity: TOTAL` and adds up the read and write capacity units dynalite computes from the item
 *    sizes (what on-demand bills). A write refused by its condition still consumes capacity in DynamoDB: it is counted
 *    as 1 write unit.
 * 2. **SIMULATED DynamoDB faults** (step `finalizeRequest`, priority low: inside the SDK's retry loop, so the SDK's
 *    own retries see them as it would see DynamoDB's): dynalite cannot throttle or fail, so this middleware makes a
 *    seeded share of attempts fail with `ProvisionedThroughputExceededException` (400, throttling), an
 *    `InternalServerError` (500) or a `TimeoutError` (no status) — half of the timeouts before the request is sent,
 *    half after DynamoDB applied it (the reply is lost, so a retried write meets its own first attempt). It is a
 *    simulation and says so in every message.
 */

const RateSchema = z.number().min(0, 'a rate is between 0 and 1').max(1, 'a rate is between 0 and 1');

const DynamoFaultSwitchesSchema = z.strictObject({
  throttleRate: RateSchema.default(0),
  serverErrorRate: RateSchema.default(0),
  timeoutRate: RateSchema.default(0),
  seed: z.number().int().default(1),
});
type DynamoFaultSwitchesInput = z.input<typeof DynamoFaultSwitchesSchema>;
type DynamoFaultSwitches = z.output<typeof DynamoFaultSwitchesSchema>;

interface DynamoCounters {
  /** Calls made by the code (one per `send`). */
  calls: number;
  /** HTTP attempts, retries by the SDK included. */
  attempts: number;
  reads: number;
  writes: number;
  readUnits: number;
  writeUnits: number;
  conditionalChecksFailed: number;
  injected: { throttled: number; serverErrors: number; timeoutsBeforeSend: number; repliesLost: number };
}

function emptyDynamoCounters(): DynamoCounters {
  return {
    calls: 0,
    attempts: 0,
    reads: 0,
    writes: 0,
    readUnits: 0,
    writeUnits: 0,
    conditionalChecksFailed: 0,
    injected: { throttled: 0, serverErrors: 0, timeoutsBeforeSend: 0, repliesLost: 0 },
  };
}

const WRITE = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;
const READ = /^(Get|Query|Scan|BatchGet|TransactGet)/;

function simulatedError(name: string, message: string, status?: number, throttling = false): Error {
  const error = new Error(`simulated DynamoDB fault: ${message}`);
  error.name = name;
  return Object.assign(error, {
    $metadata: status === undefined ? {} : { httpStatusCode: status },
    ...(status !== undefined && status >= 500 ? { $fault: 'server' } : { $fault: 'client' }),
    ...(throttling ? { $retryable: { throttling: true } } : {}),
  });
}

/** Capacity units in a ConsumedCapacity output (single or list). */
function unitsOf(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed];
  return list.reduce(
    (sum: number, entry) => sum + Number((entry as { CapacityUnits?: number }).CapacityUnits ?? 0),
    0,
  );
}

/**
 * Adds the capacity probe, and the simulated faults when `faults` has a rate above zero, to `client`. Counts go to
 * `counters` (shared by several clients if the caller wants one total).
 */
function attachDynamoProbe(
  client: DynamoDBClient,
  counters: DynamoCounters,
  faults?: DynamoFaultSwitchesInput,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as Record<string, unknown>;
      const isWrite = WRITE.test(command);
      if (input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
      counters.calls += 1;
      if (isWrite) counters.writes += 1;
      else if (READ.test(command)) counters.reads += 1;
      try {
        const result = await next(args);
        const units = unitsOf((result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
        if (isWrite) counters.writeUnits += units;
        else counters.readUnits += units;
        return result;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') {
          counters.conditionalChecksFailed += 1;
          counters.writeUnits += 1;
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'aisawsLoopCapacityProbe' },
  );

  const switches: DynamoFaultSwitches = DynamoFaultSwitchesSchema.parse(faults ?? {});
  const { throttleRate, serverErrorRate, timeoutRate } = switches;
  const rng = prand.xoroshiro128plus(switches.seed);
  const draw = () => prand.unsafeUniformIntDistribution(0, 0xffffffff, rng) / 0x100000000;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counters.attempts += 1;
      if (throttleRate + serverErrorRate + timeoutRate === 0) return next(args);
      const command = context.commandName ?? 'request';
      const roll = draw();
      if (roll < throttleRate) {
        counters.injected.throttled += 1;
        throw simulatedError(
          'ProvisionedThroughputExceededException',
          `${command}: the level of configured provisioned throughput for the table was exceeded`,
          400,
          true,
        );
      }
      if (roll < throttleRate + serverErrorRate) {
        counters.injected.serverErrors += 1;
        throw simulatedError('InternalServerError', `${command}: internal server error`, 500);
      }
      if (roll < throttleRate + serverErrorRate + timeoutRate) {
        const afterSend = draw() < 0.5;
        if (afterSend) {
          await next(args);
          counters.injected.repliesLost += 1;
        } else counters.injected.timeoutsBeforeSend += 1;
        throw simulatedError(
          'TimeoutError',
          `${command}: request timed out ${afterSend ? 'after DynamoDB applied it (reply lost)' : 'before it was sent'}`,
        );
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'aisawsSimulatedDynamoFaults' },
  );
}

export type { DynamoCounters, DynamoFaultSwitches, DynamoFaultSwitchesInput };
export { attachDynamoProbe, DynamoFaultSwitchesSchema, emptyDynamoCounters };
