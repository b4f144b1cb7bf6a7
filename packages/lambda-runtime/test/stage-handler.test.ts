import {
  createTables,
  fakeLambdaContext,
  type RunningDynalite,
  startDynalite,
} from '@aisaws/testing/harness';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as z from 'zod';
import { dynamoDbIdempotencyFromEnv } from '../src/idempotency/index.js';
import {
  createPowertoolsObservability,
  createQuietPowertoolsObservability,
  createStageHandler,
} from '../src/powertools/index.js';

// The shared entry point with real Powertools Logger, Metrics, Parser and Idempotency (on dynalite). Logger and
// Metrics write JSON lines to stdout: they are captured and read back.
const OrderSchema = z.object({ eventId: z.string(), quantity: z.number() });
type Order = z.infer<typeof OrderSchema>;

const context = fakeLambdaContext('aisaws-test-runtime');
let dynamo: RunningDynalite;
let stdout: string[] = [];

/** The JSON lines written to stdout since the last reset. */
const jsonLines = (): Record<string, unknown>[] =>
  stdout
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const emfLines = () => jsonLines().filter((line) => '_aws' in line);
const logLines = () => jsonLines().filter((line) => !('_aws' in line));

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTables(dynamo.client, { idempotency: 'runtime-idempotency' });
});

afterAll(async () => {
  await dynamo?.stop();
});

afterEach(() => {
  delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  jest.restoreAllMocks();
  stdout = [];
});

function captureStdout(): void {
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
}

describe('createStageHandler', () => {
  it('logs with the service, the Lambda context and the eventId of each invocation', async () => {
    // Prepare
    const { logger, metrics } = createPowertoolsObservability('aisaws-test-runtime');
    const handler = createStageHandler({
      logger,
      metrics,
      schema: OrderSchema,
      eventIdOf: (order: Order) => order.eventId,
      handle: async (order: Order) => {
        logger.info('order handled', { quantity: order.quantity });
        return order.quantity * 2;
      },
    });
    captureStdout();
    // Act
    const results = [
      await handler({ eventId: 'event-a', quantity: 1 }, context),
      await handler({ eventId: 'event-b', quantity: 2 }, context),
    ];
    // Assess
    expect(results).toEqual([2, 4]);
    const lines = logLines().filter((line) => line.message === 'order handled');
    expect(lines.map((line) => [line.eventId, line.quantity])).toEqual([
      ['event-a', 1],
      ['event-b', 2],
    ]);
    expect(lines[0]).toMatchObject({ service: 'aisaws-test-runtime', function_name: 'aisaws-test-runtime' });
  });

  it('flushes the EMF metrics of each invocation under namespace AISAWS, with a ColdStart metric', async () => {
    // Prepare: Powertools counts cold starts only where Lambda says the container started on demand.
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const { logger, metrics } = createPowertoolsObservability('aisaws-test-metrics');
    const handler = createStageHandler({
      logger,
      metrics,
      handle: async () => {
        metrics.addMetric('OrdersHandled', 'Count', 1);
        return 'ok';
      },
    });
    captureStdout();
    // Act
    await handler({}, context);
    // Assess
    const emf = emfLines();
    const namespaces = emf.map(
      (line) => (line._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]?.Namespace,
    );
    expect(new Set(namespaces)).toEqual(new Set(['AISAWS']));
    expect(emf.some((line) => line.OrdersHandled === 1 && line.service === 'aisaws-test-metrics')).toBe(true);
    expect(emf.some((line) => line.ColdStart === 1)).toBe(true);
  });

  it('rejects input that fails the schema before the use case runs', async () => {
    // Prepare
    const { logger, metrics } = createPowertoolsObservability('aisaws-test-runtime');
    const handle = jest.fn(async (order: Order) => order.quantity);
    const handler = createStageHandler({
      logger,
      metrics,
      schema: OrderSchema,
      eventIdOf: (o: Order) => o.eventId,
      handle,
    });
    captureStdout();
    // Act
    const error = await handler({ eventId: 'event-c', quantity: 'three' } as unknown as Order, context).catch(
      (e: unknown) => e,
    );
    // Assess
    expect((error as Error).name).toBe('ParseError');
    expect(handle).not.toHaveBeenCalled();
  });

  it('runs the use case once per idempotency key and answers a redelivery with the stored result', async () => {
    // Prepare
    const { logger, metrics } = createPowertoolsObservability('aisaws-test-runtime');
    let runs = 0;
    const handler = createStageHandler({
      logger,
      metrics,
      schema: OrderSchema,
      eventIdOf: (order: Order) => order.eventId,
      idempotency: dynamoDbIdempotencyFromEnv(
        { IDEMPOTENCY_TABLE: 'runtime-idempotency', IDEMPOTENCY_TTL_SECONDS: 60 },
        'eventId',
        dynamo.client,
      ),
      handle: async (order: Order) => {
        runs += 1;
        return { eventId: order.eventId, run: runs };
      },
    });
    captureStdout();
    // Act
    const startedAt = Math.floor(Date.now() / 1000);
    const first = await handler({ eventId: 'event-d', quantity: 1 }, context);
    const redelivery = await handler({ eventId: 'event-d', quantity: 1 }, context);
    const other = await handler({ eventId: 'event-e', quantity: 1 }, context);
    // Assess
    expect(first).toEqual({ eventId: 'event-d', run: 1 });
    expect(redelivery).toEqual(first);
    expect(other).toEqual({ eventId: 'event-e', run: 2 });
    const records = await dynamo.client.send(new ScanCommand({ TableName: 'runtime-idempotency' }));
    expect(records.Items?.map((item) => item.status?.S)).toEqual(['COMPLETED', 'COMPLETED']);
    // IDEMPOTENCY_TTL_SECONDS sets how long a result is remembered (Powertools' `expiration`, epoch seconds).
    for (const item of records.Items ?? []) {
      const expiration = Number(item.expiration?.N);
      expect(expiration).toBeGreaterThanOrEqual(startedAt + 60);
      expect(expiration).toBeLessThanOrEqual(startedAt + 65);
    }
  });

  it('with the quiet Logger and Metrics writes no log or EMF line, and leaves POWERTOOLS_METRICS_DISABLED as it was', async () => {
    // Prepare: the same handler with the Lambda's observability writes both (the test above and the first one).
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const { logger, metrics } = createQuietPowertoolsObservability('aisaws-test-quiet');
    const handler = createStageHandler({
      logger,
      metrics,
      schema: OrderSchema,
      eventIdOf: (order: Order) => order.eventId,
      handle: async (order: Order) => {
        logger.warn('order handled', { quantity: order.quantity });
        metrics.addMetric('OrdersHandled', 'Count', 1);
        return order.quantity;
      },
    });
    captureStdout();
    // Act
    const result = await handler({ eventId: 'event-q', quantity: 3 }, context);
    // Assess
    expect(result).toBe(3);
    expect(jsonLines()).toEqual([]);
    expect(process.env.POWERTOOLS_METRICS_DISABLED).toBeUndefined();
  });
});
