import { randomBytes, randomUUID } from 'node:crypto';
import { WORKFLOW_TASK_STAGES, type WorkflowTaskStage } from '@aisaws/core/schemas';
import {
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { loadWorkflowDefinition, type PlaceholderValues, type WorkflowName } from './definitions.js';

/** A stage handler as the Lambda factories return it. */
type TaskHandler = (event: unknown) => Promise<unknown>;

/**
 * The Lambda behind each `${<Stage>FunctionArn}` placeholder (WORKFLOW_TASK_STAGES of @aisaws/core). The Findings
 * Lambda (Security Hub) runs with the simulated Security Hub of @aisaws/simulated-account locally.
 */
type WorkflowTasks = { readonly [S in WorkflowTaskStage]: TaskHandler } & {
  /**
   * The rollback function (the remediation package with the rollback authority). With it, the rollback workflow the
   * remediation workflow starts after VERIFIED runs for real; without it (the demo, the load rig, tests of other
   * paths) such a start is only recorded in `rollbackStarts` and the workflow is not run (see `startExecution`).
   */
  readonly rollback?: TaskHandler;
};
type Stage = WorkflowTaskStage | 'rollback';
const STAGES: readonly Stage[] = [...WORKFLOW_TASK_STAGES, 'rollback'];

/** A message the triage workflow sent to the quarantine queue. */
interface QuarantinedMessage {
  readonly queueUrl: string;
  /** The MessageBody, parsed when it is JSON. */
  readonly body: unknown;
  readonly at: string;
}

interface StateEvent {
  readonly machine: WorkflowName;
  readonly execution: string;
  readonly type: 'entered' | 'exited' | 'failed' | 'retried' | 'caught';
  readonly state: string;
  readonly stateType: string;
  /** Epoch ms. */
  readonly at: number;
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause: string };
}

/** One pass through a state: from StateEntered to its exit (or its caught/final failure). */
interface StateVisit {
  readonly name: string;
  readonly type: string;
  readonly startMs: number;
  endMs: number;
  /** Failed attempts (each retried or, for the last, caught or fatal). */
  readonly failures: { error: string; cause: string }[];
  status: 'running' | 'succeeded' | 'caught' | 'failed';
  output?: unknown;
}

type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface ExecutionResult {
  readonly machine: WorkflowName;
  readonly name: string;
  readonly executionArn: string;
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause: string };
  readonly startedAt: number;
  readonly stoppedAt: number;
  readonly states: readonly StateVisit[];
}

interface ExecutionSummary {
  readonly machine: WorkflowName;
  readonly name: string;
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  readonly input: unknown;
  readonly result: Promise<ExecutionResult>;
}

/** A `.waitForTaskToken` state that invoked its Lambda and now waits for SendTaskSuccess/SendTaskFailure. */
interface PendingTask {
  readonly taskToken: string;
  readonly state: string;
  readonly executionArn: string;
  /** What the Lambda returned when it was invoked with the token. */
  readonly invocationResult: unknown;
}

interface LocalWorkflowsOptions {
  readonly tasks: WorkflowTasks;
  /** DynamoDB client (dynalite) the `dynamodb:updateItem` states write through. */
  readonly dynamo: DynamoDBClient;
  readonly eventsTable: string;
  /** Receives what the quarantine state sends (they are also kept in `quarantined`). */
  readonly quarantine?: (message: QuarantinedMessage) => void | Promise<void>;
  /** Replaces every Retry interval (ms); default 0, so retries do not slow tests down. `null`: the ASL's intervals. */
  readonly retryIntervalMs?: number | null;
  readonly onStateEvent?: (event: StateEvent) => void;
  readonly region?: string;
  readonly accountId?: string;
  /** Where the .asl.json files are (default: infra/workflows of the repository). */
  readonly workflowsDirectory?: string;
  /**
   * Replaces the rollback window of rollback.asl.json (its `Rollback Window` Pass state), as the infra does with the
   * environment's setting; default: the file's own value.
   */
  readonly rollbackWindowSeconds?: number;
}

/** A start of the rollback workflow that was recorded but not run (no rollback function bound). */
interface UnrunStart {
  readonly executionArn: string;
  readonly name: string;
  readonly input: unknown;
}

/** The commands the simulated SFN client accepts (shape of the SDK's SendTaskSuccess/SendTaskFailure inputs). */
interface TaskTokenCommand {
  readonly input: { taskToken?: string; output?: string; error?: string; cause?: string };
}

/** An error with the `name` Step Functions / the SDK would give it. */
function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** JSON round trip: what crosses a Lambda or service boundary is serialised. */
function viaJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type LocalHandler = (input: unknown) => Promise<unknown>;

interface TaskState {
  readonly Type: 'Task';
  readonly Resource: string;
  readonly Parameters?: Record<string, unknown>;
}

interface Waiter {
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly executionArn: string;
}

/**
 * Runs the real infra/workflows/*.asl.json with aws-local-stepfunctions. Every Task state is bound by its Resource:
 * `lambda:invoke` to the stage handler its FunctionName names (with the Payload/StatusCode envelope of the service
 * integration), `lambda:invoke.waitForTaskToken` to the handler plus a wait on `sendTaskSuccess`/`sendTaskFailure`,
 * `dynamodb:updateItem` to a real UpdateItem, `sqs:sendMessage` to a recorded sink, `states:startExecution` to a
 * local start of the remediation workflow with Step Functions' execution-name uniqueness.
 */
function createLocalWorkflows(options: LocalWorkflowsOptions) {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const functionArn = (stage: Stage) =>
    `arn:aws:lambda:${region}:${accountId}:function:aisaws-local-${stage}`;
  const stateMachineArn = (name: WorkflowName) =>
    `arn:aws:states:${region}:${accountId}:stateMachine:aisaws-local-${name}`;
  const queueUrl = `https://sqs.${region}.amazonaws.com/${accountId}/aisaws-local-quarantine`;
  const placeholders: PlaceholderValues = {
    IngestFunctionArn: functionArn('ingest'),
    ScoringFunctionArn: functionArn('scoring'),
    DecisionFunctionArn: functionArn('decision'),
    RemediationFunctionArn: functionArn('remediation'),
    VerificationFunctionArn: functionArn('verification'),
    AlertFunctionArn: functionArn('alert'),
    FindingsFunctionArn: functionArn('findings'),
    RollbackFunctionArn: functionArn('rollback'),
    RemediationStateMachineArn: stateMachineArn('remediation'),
    RollbackStateMachineArn: stateMachineArn('rollback'),
    EventsTableName: options.eventsTable,
    QuarantineQueueUrl: queueUrl,
    ApprovalTimeoutSeconds: '3600',
  };
  const stageByArn = new Map(STAGES.map((stage) => [functionArn(stage), stage]));
  const definitions = {
    triage: loadWorkflowDefinition('triage', placeholders, options.workflowsDirectory),
    remediation: loadWorkflowDefinition('remediation', placeholders, options.workflowsDirectory),
    rollback: withRollbackWindow(
      loadWorkflowDefinition('rollback', placeholders, options.workflowsDirectory),
      options.rollbackWindowSeconds,
    ),
  };
  const machines = {
    triage: new StateMachine(
      withRawInputTimeoutPaths(definitions.triage) as unknown as StateMachineDefinition,
    ),
    remediation: new StateMachine(
      withRawInputTimeoutPaths(definitions.remediation) as unknown as StateMachineDefinition,
    ),
    rollback: new StateMachine(
      withRawInputTimeoutPaths(definitions.rollback) as unknown as StateMachineDefinition,
    ),
  };
  const machineByArn = new Map(
    (Object.keys(machines) as WorkflowName[]).map((name) => [stateMachineArn(name), name]),
  );
  /** Starts of the rollback workflow recorded without running it (no rollback function bound). */
  const rollbackStarts: UnrunStart[] = [];

  const executions = new Map<string, ExecutionSummary & { status: ExecutionStatus }>();
  const quarantined: QuarantinedMessage[] = [];
  const waiters = new Map<string, Waiter>();
  /** Abort functions of the executions still running. */
  const aborts = new Map<string, () => void>();
  /** Tokens no longer awaited, with the error SendTask* answers for them. */
  const closedTokens = new Map<string, string>();
  const pendingListeners: ((task: PendingTask) => void)[] = [];
  const pendingTasks: PendingTask[] = [];
  const runs = new Map<string, RunContext>();

  function taskStatesOf(definition: Record<string, unknown>): [string, TaskState][] {
    const states = definition.States as Record<string, { Type: string }>;
    return Object.entries(states).filter((entry): entry is [string, TaskState] => entry[1].Type === 'Task');
  }

  function stageHandler(stateName: string, state: TaskState): TaskHandler {
    const functionName = state.Parameters?.FunctionName;
    const stage = typeof functionName === 'string' ? stageByArn.get(functionName) : undefined;
    if (!stage)
      throw new Error(
        `state ${JSON.stringify(stateName)}: FunctionName ${String(functionName)} is no AISAWS stage`,
      );
    const handler = options.tasks[stage];
    if (handler) return handler;
    return async () => {
      throw namedError('Lambda.ResourceNotFoundException', `no ${stage} function is bound in this local run`);
    };
  }

  function notifyPending(task: PendingTask): void {
    const listener = pendingListeners.shift();
    if (listener) listener(task);
    else pendingTasks.push(task);
  }

  /** Binds each Task state of a definition for one execution. */
  function handlersFor(machine: WorkflowName, executionArn: string, run: RunContext): LocalHandlers {
    const handlers: Record<string, LocalHandler> = {};
    for (const [stateName, state] of taskStatesOf(definitions[machine])) {
      switch (state.Resource) {
        case 'arn:aws:states:::lambda:invoke': {
          const handler = stageHandler(stateName, state);
          handlers[stateName] = async (input) => {
            const { Payload } = input as { Payload: unknown };
            const result = await handler(viaJson(Payload));
            return { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: viaJson(result) };
          };
          break;
        }
        case 'arn:aws:states:::lambda:invoke.waitForTaskToken': {
          const handler = stageHandler(stateName, state);
          handlers[stateName] = async (input) => {
            const { Payload } = withoutTimeoutField(input) as { Payload: unknown };
            const taskToken = findIssuedToken(Payload, run.issuedTokens);
            if (!taskToken) throw new Error(`state ${stateName}: its Payload does not carry $$.Task.Token`);
            const waited = new Promise<unknown>((resolve, reject) =>
              waiters.set(taskToken, { resolve, reject, executionArn }),
            );
            run.openTokens.add(taskToken);
            const invocationResult = viaJson(await handler(viaJson(Payload)));
            notifyPending({ taskToken, state: stateName, executionArn, invocationResult });
            return waited;
          };
          break;
        }
        case 'arn:aws:states:::dynamodb:updateItem':
          handlers[stateName] = async (input) => {
            try {
              const output = await options.dynamo.send(
                new UpdateItemCommand(input as UpdateItemCommandInput),
              );
              return viaJson({ Attributes: output.Attributes });
            } catch (error) {
              throw namedError(`DynamoDB.${(error as Error).name}`, (error as Error).message);
            }
          };
          break;
        case 'arn:aws:states:::dynamodb:getItem':
          handlers[stateName] = async (input) => {
            try {
              const output = await options.dynamo.send(new GetItemCommand(input as GetItemCommandInput));
              return viaJson(output.Item ? { Item: output.Item } : {});
            } catch (error) {
              throw namedError(`DynamoDB.${(error as Error).name}`, (error as Error).message);
            }
          };
          break;
        case 'arn:aws:states:::sqs:sendMessage':
          handlers[stateName] = async (input) => {
            const { QueueUrl, MessageBody } = input as { QueueUrl: string; MessageBody: unknown };
            let body = MessageBody;
            if (typeof body === 'string') {
              try {
                body = JSON.parse(body);
              } catch {
                // a plain-text body is kept as it is
              }
            }
            const message: QuarantinedMessage = {
              queueUrl: QueueUrl,
              body: viaJson(body),
              at: new Date().toISOString(),
            };
            quarantined.push(message);
            await options.quarantine?.(message);
            return { MessageId: randomUUID() };
          };
          break;
        case 'arn:aws:states:::states:startExecution':
          handlers[stateName] = async (input) => {
            const { StateMachineArn, Name, Input } = input as {
              StateMachineArn: string;
              Name: string;
              Input: unknown;
            };
            const target = machineByArn.get(StateMachineArn);
            if (target !== 'remediation' && target !== 'rollback')
              throw namedError(
                'StepFunctions.StateMachineDoesNotExistException',
                `no local state machine ${StateMachineArn}`,
              );
            if (target === 'rollback' && !options.tasks.rollback)
              return recordUnrunStart(stateMachineArn('rollback'), Name, viaJson(Input));
            const started = startExecution(target, Name, viaJson(Input));
            run.started.push(started);
            return { ExecutionArn: started.executionArn, StartDate: new Date().toISOString() };
          };
          break;
        default:
          throw new Error(
            `state ${JSON.stringify(stateName)} of ${machine}: no local binding for Resource ${state.Resource}`,
          );
      }
    }
    return handlers as unknown as LocalHandlers;
  }

  interface RunContext {
    /** Every token `$$.Task.Token` handed out in this execution. */
    readonly issuedTokens: Set<string>;
    readonly openTokens: Set<string>;
    readonly started: ExecutionSummary[];
  }

  /** Folds the library's event log into state visits and forwards each event to onStateEvent. */
  async function collectVisits(
    machine: WorkflowName,
    executionArn: string,
    log: AsyncGenerator<unknown>,
    run: RunContext,
    visits: StateVisit[],
  ) {
    const open = new Map<string, StateVisit>();
    for await (const raw of log) {
      const event = raw as {
        type: string;
        timestamp: number;
        state?: { name: string; type: string };
        Error?: string;
        Cause?: unknown;
      };
      if (!event.state) continue;
      const { name, type } = event.state;
      const error =
        event.Error !== undefined ? { error: event.Error, cause: causeText(event.Cause) } : undefined;
      const output = (raw as { state: { output?: unknown } }).state.output;
      let kind: StateEvent['type'] | undefined;
      if (event.type === 'StateEntered') {
        kind = 'entered';
        const visit: StateVisit = {
          name,
          type,
          startMs: event.timestamp,
          endMs: event.timestamp,
          failures: [],
          status: 'running',
        };
        open.set(name, visit);
        visits.push(visit);
      } else if (event.type === 'StateExited') {
        kind = 'exited';
        closeVisit(open, name, event.timestamp, 'succeeded', output);
      } else if (event.type === 'StateFailed') {
        kind = 'failed';
        const visit = open.get(name);
        if (visit && error) {
          visit.failures.push(error);
          visit.endMs = event.timestamp;
          visit.status = 'failed';
        }
        // A waitForTaskToken state that failed (timeout included) no longer waits for its token.
        for (const token of run.openTokens)
          closeToken(token, error?.error === 'States.Timeout' ? 'TaskTimedOut' : 'TaskDoesNotExist');
        run.openTokens.clear();
      } else if (event.type === 'StateRetried') {
        kind = 'retried';
        const visit = open.get(name);
        if (visit) visit.status = 'running';
      } else if (event.type === 'StateCaught') {
        kind = 'caught';
        closeVisit(open, name, event.timestamp, 'caught');
      }
      if (kind)
        options.onStateEvent?.({
          machine,
          execution: executionArn,
          type: kind,
          state: name,
          stateType: type,
          at: event.timestamp,
          output,
          error,
        });
    }
  }

  function closeVisit(
    open: Map<string, StateVisit>,
    name: string,
    at: number,
    status: StateVisit['status'],
    output?: unknown,
  ) {
    const visit = open.get(name);
    if (!visit) return;
    visit.endMs = at;
    visit.status = status;
    if (output !== undefined) visit.output = output;
    open.delete(name);
  }

  function closeToken(token: string, answer: string): void {
    waiters.delete(token);
    closedTokens.set(token, answer);
  }

  function startExecution(machine: WorkflowName, name: string, input: unknown): ExecutionSummary {
    const executionArn = `arn:aws:states:${region}:${accountId}:execution:aisaws-local-${machine}:${name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      // Step Functions: a STANDARD StartExecution with the name and input of a running execution returns it.
      if (existing.status === 'RUNNING' && JSON.stringify(existing.input) === JSON.stringify(input))
        return existing;
      throw namedError(
        'StepFunctions.ExecutionAlreadyExistsException',
        `Execution Already Exists: '${executionArn}'`,
      );
    }
    const run: RunContext = { issuedTokens: new Set(), openTokens: new Set(), started: [] };
    runs.set(executionArn, run);
    const visits: StateVisit[] = [];
    const startedAt = Date.now();
    const context = {
      Execution: { Id: executionArn, Name: name },
      StateMachine: { Id: stateMachineArn(machine), Name: `aisaws-local-${machine}` },
      State: {
        get EnteredTime() {
          return new Date().toISOString();
        },
      },
      Task: {
        // A fresh token at each read, like Step Functions at each attempt of the state.
        get Token() {
          const token = randomBytes(48).toString('base64');
          run.issuedTokens.add(token);
          return token;
        },
      },
    };
    const retryIntervalMs = options.retryIntervalMs === undefined ? 0 : options.retryIntervalMs;
    const retryIntervalOverrides =
      retryIntervalMs === null
        ? undefined
        : Object.fromEntries(
            Object.keys(definitions[machine].States as object).map((state) => [state, retryIntervalMs]),
          );
    const execution = machines[machine].run(viaJson(input) as never, {
      overrides: {
        taskResourceLocalHandlers: handlersFor(machine, executionArn, run),
        retryIntervalOverrides,
      },
      context,
    });
    aborts.set(executionArn, () => execution.abort());
    const visitsDone = collectVisits(
      machine,
      executionArn,
      execution.eventLogs as AsyncGenerator<unknown>,
      run,
      visits,
    );
    const summary = {
      machine,
      name,
      executionArn,
      status: 'RUNNING' as ExecutionStatus,
      input,
    } as ExecutionSummary & {
      status: ExecutionStatus;
    };
    const result = (async (): Promise<ExecutionResult> => {
      let outcome: Pick<ExecutionResult, 'status' | 'output' | 'error'>;
      try {
        outcome = { status: 'SUCCEEDED', output: await execution.result };
      } catch (error) {
        outcome = failureOf(error);
      }
      await visitsDone;
      aborts.delete(executionArn);
      for (const token of run.openTokens) closeToken(token, 'TaskDoesNotExist');
      summary.status = outcome.status;
      return {
        machine,
        name,
        executionArn,
        input,
        ...outcome,
        startedAt,
        stoppedAt: Date.now(),
        states: visits,
      };
    })();
    Object.assign(summary, { result });
    executions.set(executionArn, summary);
    return summary;
  }

  /**
   * Simulation of a started rollback execution that nobody runs: without a rollback function bound, the local run
   * records the start (Step Functions' name uniqueness included) so the remediation workflow goes on as in AWS, and
   * the caller can see what was started. Named so in `rollbackStarts`.
   */
  function recordUnrunStart(arn: string, name: string, input: unknown) {
    const executionArn = `${arn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (rollbackStarts.some((start) => start.executionArn === executionArn))
      throw namedError(
        'StepFunctions.ExecutionAlreadyExistsException',
        `Execution Already Exists: '${executionArn}'`,
      );
    rollbackStarts.push({ executionArn, name, input });
    return { ExecutionArn: executionArn, StartDate: new Date().toISOString() };
  }

  function sendTaskSuccess(taskToken: string, output: unknown): void {
    const waiter = takeWaiter(taskToken);
    waiter.resolve(typeof output === 'string' ? JSON.parse(output) : viaJson(output));
  }

  function sendTaskFailure(taskToken: string, error = 'States.TaskFailed', cause = ''): void {
    takeWaiter(taskToken).reject(namedError(error, cause));
  }

  function takeWaiter(taskToken: string): Waiter {
    const waiter = waiters.get(taskToken);
    if (!waiter) {
      const answer = closedTokens.get(taskToken);
      if (answer) throw namedError(answer, `task token is no longer awaited (${answer})`);
      throw namedError('InvalidToken', 'Invalid Token: unknown task token');
    }
    closeToken(taskToken, 'TaskDoesNotExist');
    return waiter;
  }

  /** A simulation of the SFN client, for SendTaskSuccess / SendTaskFailure commands only (the Approval Lambda's). */
  const sfnSimulation = {
    async send(command: TaskTokenCommand): Promise<Record<string, never>> {
      const { taskToken, output, error, cause } = command.input;
      if (!taskToken) throw namedError('InvalidToken', 'taskToken is required');
      if (output !== undefined) sendTaskSuccess(taskToken, output);
      else sendTaskFailure(taskToken, error, cause);
      return {};
    },
  };

  return {
    definitions,
    placeholders,
    quarantined,
    /** Starts of the rollback workflow recorded but not run (simulation: no rollback function bound). */
    rollbackStarts,
    sfn: sfnSimulation,
    sendTaskSuccess,
    sendTaskFailure,
    /** Runs triage on an EventBridge event; `remediation` is the remediation execution it started, if any. */
    async runTriage(
      event: unknown,
    ): Promise<{ triage: ExecutionResult; remediation?: Promise<ExecutionResult> }> {
      const summary = startExecution('triage', randomUUID(), event);
      const triage = await summary.result;
      const started = startedBy(summary.executionArn);
      return started ? { triage, remediation: started.result } : { triage };
    },
    /** Starts the remediation workflow directly on a DecidedEvent (the name defaults to a random one). */
    startRemediation(decidedEvent: unknown, name: string = randomUUID()): ExecutionSummary {
      return startExecution('remediation', name, decidedEvent);
    },
    /** Starts the rollback workflow directly (as the remediation workflow does: name = SHA-256 of the eventId). */
    startRollback(input: unknown, name: string = randomUUID()): ExecutionSummary {
      return startExecution('rollback', name, input);
    },
    /** Resolves with the next `.waitForTaskToken` state that invoked its Lambda and waits. */
    nextPendingTask(): Promise<PendingTask> {
      const queued = pendingTasks.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve) => pendingListeners.push(resolve));
    },
    listExecutions(): ExecutionSummary[] {
      return [...executions.values()];
    },
    /**
     * Stops every running execution (Step Functions' StopExecution): a state waiting for a task token stops waiting,
     * so no timer (TimeoutSeconds of the state or of the machine) outlives the caller. Their results end ABORTED.
     */
    abortAll(): void {
      for (const abort of aborts.values()) abort();
      for (const [token, waiter] of [...waiters]) {
        closeToken(token, 'TaskDoesNotExist');
        waiter.reject(namedError('States.Aborted', 'the execution was stopped'));
      }
    },
  };

  function startedBy(triageArn: string): ExecutionSummary | undefined {
    // The startExecution handler of that run pushed what it started onto its run context.
    return runs.get(triageArn)?.started[0];
  }
}

/** The Pass state of rollback.asl.json holding the rollback window (the infra replaces it the same way). */
const ROLLBACK_WINDOW_STATE = 'Rollback Window';

function withRollbackWindow(
  definition: Record<string, unknown>,
  seconds: number | undefined,
): Record<string, unknown> {
  if (seconds === undefined) return definition;
  const state = (definition.States as Record<string, { Type?: string; Result?: unknown }>)[
    ROLLBACK_WINDOW_STATE
  ];
  if (state?.Type !== 'Pass') throw new Error(`rollback.asl.json: no Pass state "${ROLLBACK_WINDOW_STATE}"`);
  state.Result = { seconds };
  return definition;
}

/** Hidden parameter carrying a TimeoutSecondsPath value resolved on the raw state input (see below). */
const RAW_TIMEOUT_FIELD = 'AisawsLocalTimeoutSeconds';

/**
 * Step Functions resolves a Task's TimeoutSecondsPath against the state input; aws-local-stepfunctions resolves it
 * against the input after Parameters. To run the real file with AWS's meaning, a Task with both gets a hidden
 * parameter that Parameters resolves from the state input, and its TimeoutSecondsPath points there (the local
 * handler removes the field before the Lambda sees the Payload). The definition on disk is not changed.
 */
function withRawInputTimeoutPaths(definition: Record<string, unknown>): Record<string, unknown> {
  // A JSON copy, not structuredClone: under jest's VM realm a structured clone's objects fail the library's
  // plain-object check and their Parameters would silently not be evaluated.
  const copy = viaJson(definition) as { States: Record<string, Record<string, unknown>> };
  for (const state of Object.values(copy.States)) {
    const path = state.TimeoutSecondsPath;
    if (state.Type !== 'Task' || typeof path !== 'string' || typeof state.Parameters !== 'object') continue;
    state.Parameters = { ...(state.Parameters as object), [`${RAW_TIMEOUT_FIELD}.$`]: path };
    state.TimeoutSecondsPath = `$.${RAW_TIMEOUT_FIELD}`;
  }
  return copy;
}

function withoutTimeoutField(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || !(RAW_TIMEOUT_FIELD in input)) return input;
  const { [RAW_TIMEOUT_FIELD]: _timeout, ...rest } = input as Record<string, unknown>;
  return rest;
}

/** The first string inside a value that is one of the issued task tokens. */
function findIssuedToken(value: unknown, issued: ReadonlySet<string>): string | undefined {
  if (typeof value === 'string') return issued.has(value) ? value : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const nested of Object.values(value)) {
    const found = findIssuedToken(nested, issued);
    if (found) return found;
  }
  return undefined;
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return cause === undefined ? '' : JSON.stringify(cause);
}

function failureOf(error: unknown): Pick<ExecutionResult, 'status' | 'error'> {
  if (error instanceof ExecutionAbortedError)
    return { status: 'ABORTED', error: { error: 'States.Aborted', cause: 'the execution was stopped' } };
  if (error instanceof ExecutionTimeoutError)
    return {
      status: 'TIMED_OUT',
      error: { error: 'States.Timeout', cause: 'the execution exceeded its TimeoutSeconds' },
    };
  if (error instanceof ExecutionError && error.cause instanceof Error)
    return { status: 'FAILED', error: { error: error.cause.name, cause: error.cause.message } };
  return {
    status: 'FAILED',
    error: { error: (error as Error).name ?? 'Error', cause: (error as Error).message ?? String(error) },
  };
}

type LocalWorkflows = ReturnType<typeof createLocalWorkflows>;

export type {
  ExecutionResult,
  ExecutionStatus,
  ExecutionSummary,
  LocalWorkflows,
  LocalWorkflowsOptions,
  PendingTask,
  QuarantinedMessage,
  StateEvent,
  StateVisit,
  TaskHandler,
  UnrunStart,
  WorkflowTasks,
};
export { createLocalWorkflows };
