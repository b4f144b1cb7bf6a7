import type { PolicyStatement } from '../iam/policy-document.js';

/**
 * A state machine role's statements, derived from the (substituted) ASL itself: every Task's service integration
 * gives the action, and its static parameter (FunctionName, StateMachineArn, QueueUrl, TableName, TopicArn) gives
 * the exact resource. An integration this table does not know, or a target chosen at run time (`Key.$`), throws:
 * the role can never silently miss (or over-grant) a permission when a workflow changes.
 */

interface Integration {
  readonly action: string;
  /** Parameter naming the target, and how to turn its value into an ARN. */
  readonly parameter: string;
  readonly toArn: (value: string, context: ArnContext) => string;
}

interface ArnContext {
  readonly region: string;
  readonly account: string;
}

class UnsupportedIntegrationError extends Error {
  constructor(state: string, detail: string) {
    super(`state "${state}": ${detail}`);
    this.name = 'UnsupportedIntegrationError';
  }
}

const sameArn = (value: string) => value;
const tableArn = (name: string, { region, account }: ArnContext) =>
  `arn:aws:dynamodb:${region}:${account}:table/${name}`;
/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → `arn:aws:sqs:<region>:<account>:<name>`. */
function queueArn(url: string): string {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/(\d{12})\/([\w-]+(?:\.fifo)?)$/.exec(url);
  if (!match) throw new Error(`not an SQS queue URL: ${url}`);
  return `arn:aws:sqs:${match[1]}:${match[2]}:${match[3]}`;
}

const INTEGRATIONS: Readonly<Record<string, Integration>> = {
  'arn:aws:states:::lambda:invoke': {
    action: 'lambda:InvokeFunction',
    parameter: 'FunctionName',
    toArn: sameArn,
  },
  'arn:aws:states:::lambda:invoke.waitForTaskToken': {
    action: 'lambda:InvokeFunction',
    parameter: 'FunctionName',
    toArn: sameArn,
  },
  'arn:aws:states:::states:startExecution': {
    action: 'states:StartExecution',
    parameter: 'StateMachineArn',
    toArn: sameArn,
  },
  'arn:aws:states:::sqs:sendMessage': { action: 'sqs:SendMessage', parameter: 'QueueUrl', toArn: queueArn },
  'arn:aws:states:::dynamodb:updateItem': {
    action: 'dynamodb:UpdateItem',
    parameter: 'TableName',
    toArn: tableArn,
  },
  'arn:aws:states:::dynamodb:putItem': {
    action: 'dynamodb:PutItem',
    parameter: 'TableName',
    toArn: tableArn,
  },
  'arn:aws:states:::dynamodb:getItem': {
    action: 'dynamodb:GetItem',
    parameter: 'TableName',
    toArn: tableArn,
  },
  'arn:aws:states:::sns:publish': { action: 'sns:Publish', parameter: 'TopicArn', toArn: sameArn },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every state of the definition, nested Parallel branches and Map iterators included. */
function* allStates(machine: JsonObject): Generator<[string, JsonObject]> {
  const states = machine.States;
  if (!isObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    yield [name, state];
    const branches = state.Branches;
    if (Array.isArray(branches))
      for (const branch of branches) if (isObject(branch)) yield* allStates(branch);
    for (const key of ['ItemProcessor', 'Iterator'])
      if (isObject(state[key])) yield* allStates(state[key] as JsonObject);
  }
}

/** The `action → resources` the Task states of a definition use. */
function integrationsUsed(definition: string, context: ArnContext): Map<string, Set<string>> {
  const machine = JSON.parse(definition) as Json;
  if (!isObject(machine)) throw new Error('state machine definition is not a JSON object');
  const used = new Map<string, Set<string>>();
  const grant = (action: string, arn: string) => used.set(action, (used.get(action) ?? new Set()).add(arn));
  for (const [name, state] of allStates(machine)) {
    if (state.Type !== 'Task') continue;
    const resource = state.Resource;
    if (typeof resource !== 'string')
      throw new UnsupportedIntegrationError(name, 'Task without a static Resource');
    if (/^arn:aws:lambda:/.test(resource)) {
      grant('lambda:InvokeFunction', resource);
      continue;
    }
    const integration = INTEGRATIONS[resource];
    if (!integration)
      throw new UnsupportedIntegrationError(name, `integration ${resource} has no permission mapping`);
    const parameters = isObject(state.Parameters)
      ? state.Parameters
      : isObject(state.Arguments)
        ? state.Arguments
        : {};
    const target = parameters[integration.parameter];
    if (typeof target !== 'string')
      throw new UnsupportedIntegrationError(
        name,
        `${integration.parameter} must be a static string so the role can name it (got ${JSON.stringify(target ?? null)})`,
      );
    grant(integration.action, integration.toArn(target, context));
  }
  return used;
}

/** One statement per action, its resources the exact targets the workflow names. */
function statementsForDefinition(definition: string, context: ArnContext): PolicyStatement[] {
  return [...integrationsUsed(definition, context)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([action, resources]) => ({
      sid: `Workflow${action.replace(/[^A-Za-z0-9]/g, '')}`,
      actions: [action],
      resources: [...resources].sort(),
    }));
}

export type { ArnContext };
export { integrationsUsed, queueArn, statementsForDefinition, UnsupportedIntegrationError };
