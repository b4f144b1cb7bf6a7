import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/**
 * SIMULATION of a Step Functions Distributed Map whose items come from S3. aws-local-stepfunctions 3.0 runs a Map
 * state's ItemProcessor but ignores ItemReader, ItemBatcher, ToleratedFailurePercentage and ResultWriter (it only
 * maps over an array in the input), so those parts are done here, by reading them from the real ASL:
 *
 * - ItemReader `s3:listObjectsV2`: a real ListObjectsV2 (every page) against the given client (s3rver in tests),
 *   each object as the item Step Functions gives: `{ Etag, Key, LastModified, Size, StorageClass }`;
 * - ItemBatcher: `MaxItemsPerBatch` and `MaxInputBytesPerBatch` (bytes of the batch's JSON), `BatchInput`;
 * - MaxConcurrency: at most that many child executions at once;
 * - each batch runs as a child execution of the REAL ItemProcessor states by aws-local-stepfunctions (Retry
 *   included), its `lambda:invoke` Tasks bound to local handlers with the service integration's envelope;
 * - ToleratedFailurePercentage: the run fails with `States.ExceedToleratedFailureThreshold` above it;
 * - ResultWriter `s3:putObject`: `manifest.json`, `SUCCEEDED_0.json` and `FAILED_0.json` under
 *   `<Prefix>/<map run id>/`, in the shape Step Functions documents, and the state's output
 *   `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`.
 *
 * Not covered: IAM (the roles are checked by the infra tests instead), the `ItemSelector`, `ReaderConfig`
 * (MaxItems, CSV/JSON manifests), `ToleratedFailureCount`, redrive, Express child executions, results files split at
 * 5 GB, states around the Map (the Map must be the machine's only state), and S3's own ItemReader/ResultWriter errors.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A `lambda:invoke` target: gets the Payload, returns the function's result (throws its error). */
type LocalFunction = (payload: unknown) => Promise<unknown>;

interface DistributedMapSimulationOptions {
  /** The state machine definition, placeholders substituted. */
  readonly definition: Readonly<Record<string, unknown>>;
  readonly input: Readonly<Record<string, unknown>>;
  /** Client of the S3 the ItemReader lists and the ResultWriter writes to (s3rver). */
  readonly s3: S3Client;
  /** Functions by the ARN in their Task's `FunctionName`. */
  readonly functions: Readonly<Record<string, LocalFunction>>;
  /** Execution name (`$$.Execution.Name`); default a random UUID. */
  readonly executionName?: string;
  /** Replaces every Retry interval of the ItemProcessor (ms); default 0. */
  readonly retryIntervalMs?: number;
  readonly region?: string;
  readonly accountId?: string;
}

interface ChildExecution {
  readonly name: string;
  readonly input: unknown;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause: string };
}

interface DistributedMapRun {
  /** Always true: says in every result that this was not Step Functions. */
  readonly simulated: true;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause: string };
  readonly itemCount: number;
  readonly children: readonly ChildExecution[];
  /** Largest number of child executions that ran at once. */
  readonly peakConcurrency: number;
}

class DistributedMapSimulationError extends Error {
  override readonly name = 'DistributedMapSimulationError';
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `$.a.b` against the input, `$$.Execution.Name` against the context: the paths the simulation supports. */
function readPath(path: string, input: JsonObject, context: JsonObject): Json {
  const [root, rest] = path.startsWith('$$.') ? [context, path.slice(3)] : [input, path.slice(2)];
  if (!path.startsWith('$')) throw new DistributedMapSimulationError(`unsupported path ${path}`);
  let value: Json = root;
  for (const part of rest === '' ? [] : rest.split('.')) {
    if (!isObject(value) || !(part in value))
      throw new DistributedMapSimulationError(`path ${path} has no value in the input`);
    value = value[part] as Json;
  }
  return value;
}

/** A payload template: `"key.$": "<path>"` fields are read, others copied. */
function resolveTemplate(template: JsonObject, input: JsonObject, context: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = readPath(String(value), input, context);
    else out[key] = isObject(value) ? resolveTemplate(value, input, context) : value;
  }
  return out;
}

async function listItems(s3: S3Client, parameters: JsonObject): Promise<JsonObject[]> {
  const items: JsonObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: String(parameters.Bucket),
        Prefix: typeof parameters.Prefix === 'string' ? parameters.Prefix : undefined,
        ContinuationToken: token,
      }),
    );
    for (const object of page.Contents ?? [])
      items.push({
        Etag: object.ETag ?? '',
        Key: object.Key ?? '',
        LastModified: object.LastModified?.toISOString() ?? '',
        Size: object.Size ?? 0,
        StorageClass: object.StorageClass ?? 'STANDARD',
      });
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return items;
}

function batchItems(
  items: JsonObject[],
  batcher: JsonObject,
  batchInput: JsonObject | undefined,
): JsonObject[] {
  const maxItems = typeof batcher.MaxItemsPerBatch === 'number' ? batcher.MaxItemsPerBatch : Infinity;
  const maxBytes =
    typeof batcher.MaxInputBytesPerBatch === 'number' ? batcher.MaxInputBytesPerBatch : 262_144;
  const wrap = (batch: JsonObject[]): JsonObject => ({
    ...(batchInput ? { BatchInput: batchInput } : {}),
    Items: batch,
  });
  const batches: JsonObject[] = [];
  let current: JsonObject[] = [];
  for (const item of items) {
    const candidate = [...current, item];
    if (
      current.length > 0 &&
      (candidate.length > maxItems || Buffer.byteLength(JSON.stringify(wrap(candidate))) > maxBytes)
    ) {
      batches.push(wrap(current));
      current = [item];
    } else current = candidate;
  }
  if (current.length > 0) batches.push(wrap(current));
  return batches;
}

/** Runs the definition's only state, a Distributed Map over S3, as described above. */
async function simulateDistributedMap(options: DistributedMapSimulationOptions): Promise<DistributedMapRun> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const executionName = options.executionName ?? randomUUID();
  const definition = options.definition as JsonObject;
  const input = options.input as JsonObject;
  const states = definition.States;
  const mapName = definition.StartAt;
  if (!isObject(states) || typeof mapName !== 'string' || Object.keys(states).length !== 1)
    throw new DistributedMapSimulationError('the simulation runs a definition whose only state is the Map');
  const map = states[mapName];
  if (!isObject(map) || map.Type !== 'Map')
    throw new DistributedMapSimulationError(`${mapName} is not a Map state`);
  const reader = map.ItemReader;
  const processor = map.ItemProcessor;
  if (
    !isObject(reader) ||
    reader.Resource !== 'arn:aws:states:::s3:listObjectsV2' ||
    !isObject(reader.Parameters)
  )
    throw new DistributedMapSimulationError(`${mapName}: only an s3:listObjectsV2 ItemReader is simulated`);
  if (
    !isObject(processor) ||
    !isObject(processor.ProcessorConfig) ||
    processor.ProcessorConfig.Mode !== 'DISTRIBUTED'
  )
    throw new DistributedMapSimulationError(
      `${mapName}: ItemProcessor.ProcessorConfig.Mode must be DISTRIBUTED`,
    );

  const stateMachineArn = `arn:aws:states:${region}:${accountId}:stateMachine:simulated`;
  const context: JsonObject = {
    Execution: {
      Name: executionName,
      Id: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`,
    },
  };
  const items = await listItems(options.s3, resolveTemplate(reader.Parameters, input, context));
  const batcher = isObject(map.ItemBatcher) ? map.ItemBatcher : undefined;
  const batchInput =
    batcher && isObject(batcher.BatchInput) ? resolveTemplate(batcher.BatchInput, input, context) : undefined;
  const childInputs: Json[] = batcher ? batchItems(items, batcher, batchInput) : items;

  // The real ItemProcessor states, run by aws-local-stepfunctions; its lambda:invoke Tasks call local functions.
  const { ProcessorConfig: _config, ...childDefinition } = processor;
  const childStates = childDefinition.States as JsonObject;
  const handlers: Record<string, (input: unknown) => Promise<JsonObject>> = {};
  for (const [name, state] of Object.entries(childStates)) {
    if (!isObject(state) || state.Type !== 'Task') continue;
    if (state.Resource !== 'arn:aws:states:::lambda:invoke' || !isObject(state.Parameters))
      throw new DistributedMapSimulationError(
        `${name}: only lambda:invoke Tasks are simulated in the ItemProcessor`,
      );
    const fn = options.functions[String(state.Parameters.FunctionName)];
    if (!fn)
      throw new DistributedMapSimulationError(
        `${name}: no local function for ${String(state.Parameters.FunctionName)}`,
      );
    handlers[name] = async (taskInput) => {
      const payload = JSON.parse(
        JSON.stringify((taskInput as { Payload?: unknown }).Payload ?? null),
      ) as unknown;
      const result = await fn(payload);
      return {
        StatusCode: 200,
        ExecutedVersion: '$LATEST',
        Payload: JSON.parse(JSON.stringify(result ?? null)) as Json,
      };
    };
  }
  const child = new StateMachine(childDefinition as unknown as StateMachineDefinition);
  const retryIntervalOverrides = Object.fromEntries(
    Object.keys(childStates).map((name) => [name, options.retryIntervalMs ?? 0]),
  );

  const maxConcurrency =
    typeof map.MaxConcurrency === 'number' && map.MaxConcurrency > 0 ? map.MaxConcurrency : Infinity;
  const children: ChildExecution[] = new Array(childInputs.length);
  let next = 0;
  let running = 0;
  let peakConcurrency = 0;
  const worker = async () => {
    while (next < childInputs.length) {
      const index = next++;
      const input = childInputs[index] as Json;
      const name = `${executionName}-${index}`;
      running++;
      peakConcurrency = Math.max(peakConcurrency, running);
      try {
        const output = await child.run(input as never, {
          overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
        }).result;
        children[index] = { name, input, status: 'SUCCEEDED', output };
      } catch (error) {
        const cause = (error as { cause?: { name?: string; message?: string } }).cause;
        children[index] = {
          name,
          input,
          status: 'FAILED',
          error: {
            error: cause?.name ?? (error as Error).name,
            cause: cause?.message ?? (error as Error).message,
          },
        };
      } finally {
        running--;
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(maxConcurrency, Math.max(childInputs.length, 1)) }, worker),
  );

  const failed = children.filter((c) => c.status === 'FAILED');
  const tolerated = typeof map.ToleratedFailurePercentage === 'number' ? map.ToleratedFailurePercentage : 0;
  const exceeded = children.length > 0 && (failed.length / children.length) * 100 > tolerated;

  let output: unknown;
  const mapRunId = randomUUID();
  const mapRunArn = `arn:aws:states:${region}:${accountId}:mapRun:simulated/${mapName}:${mapRunId}`;
  const writer = map.ResultWriter;
  if (isObject(writer)) {
    if (writer.Resource !== 'arn:aws:states:::s3:putObject' || !isObject(writer.Parameters))
      throw new DistributedMapSimulationError(`${mapName}: only an s3:putObject ResultWriter is simulated`);
    const { Bucket: bucket, Prefix: prefix } = resolveTemplate(writer.Parameters, input, context);
    const base = `${typeof prefix === 'string' && prefix !== '' ? `${prefix.replace(/\/$/, '')}/` : ''}${mapRunId}`;
    const entry = (c: ChildExecution) => ({
      ExecutionArn: `arn:aws:states:${region}:${accountId}:execution:simulated/${mapName}:${c.name}`,
      Input: JSON.stringify(c.input),
      InputDetails: { Included: true },
      Name: c.name,
      ...(c.status === 'SUCCEEDED'
        ? { Output: JSON.stringify(c.output), OutputDetails: { Included: true } }
        : { Error: c.error?.error, Cause: c.error?.cause }),
      StateMachineArn: stateMachineArn,
      Status: c.status,
    });
    const put = async (key: string, body: unknown) => {
      const text = JSON.stringify(body);
      await options.s3.send(new PutObjectCommand({ Bucket: String(bucket), Key: key, Body: text }));
      return { Key: key, Size: Buffer.byteLength(text) };
    };
    const succeededFile = await put(
      `${base}/SUCCEEDED_0.json`,
      children.filter((c) => c.status === 'SUCCEEDED').map(entry),
    );
    const failedFile = failed.length > 0 ? await put(`${base}/FAILED_0.json`, failed.map(entry)) : undefined;
    const manifest = await put(`${base}/manifest.json`, {
      DestinationBucket: bucket,
      MapRunArn: mapRunArn,
      ResultFiles: { FAILED: failedFile ? [failedFile] : [], PENDING: [], SUCCEEDED: [succeededFile] },
    });
    output = { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifest.Key } };
  } else output = children.map((c) => c.output ?? null);

  const base = { simulated: true as const, itemCount: items.length, children, peakConcurrency };
  if (exceeded)
    return {
      ...base,
      status: 'FAILED',
      error: {
        error: 'States.ExceedToleratedFailureThreshold',
        cause: `${failed.length} of ${children.length} child executions failed; ToleratedFailurePercentage is ${tolerated}`,
      },
    };
  return { ...base, status: 'SUCCEEDED', output };
}

export type { ChildExecution, DistributedMapRun, DistributedMapSimulationOptions, LocalFunction };
export { DistributedMapSimulationError, simulateDistributedMap };
