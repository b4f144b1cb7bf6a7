import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadWorkflowDefinition, PLACEHOLDERS, workflowsDirectory } from '@aisaws/testing/workflow';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../../src/app.js';

// asl-validator is CommonJS: `module.exports = function validator(definition, options)`.
const require = createRequire(import.meta.url);
const validateAsl = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

const VALUES = {
  IngestFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:aisaws-test-ingest',
  ScoringFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:aisaws-test-scoring',
  DecisionFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:aisaws-test-decision',
  RemediationFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:aisaws-test-remediation',
  VerificationFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:aisaws-test-verification',
  AlertFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:aisaws-test-alert',
  FindingsFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:aisaws-test-findings',
  RollbackFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:aisaws-test-rollback',
  RemediationStateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:aisaws-test-remediation',
  RollbackStateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:aisaws-test-rollback',
  EventsTableName: 'aisaws-test-events',
  QuarantineQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/aisaws-test-quarantine',
  ApprovalTimeoutSeconds: '3600',
};

type State = {
  Type: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number; BackoffRate?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
};

const statesOf = (definition: Record<string, unknown>) =>
  Object.entries(definition.States as Record<string, State>);

/** The source of each function a workflow invokes: where its handler is composed. */
const HANDLER_SOURCES: Record<string, string> = {
  [VALUES.IngestFunctionArn]: 'packages/lambda-ingest/src/handler.ts',
  [VALUES.ScoringFunctionArn]: 'packages/lambda-scoring/src/handler.ts',
  [VALUES.DecisionFunctionArn]: 'packages/lambda-decision/src/handler.ts',
  [VALUES.RemediationFunctionArn]: 'packages/lambda-remediation/src/handler.ts',
  [VALUES.VerificationFunctionArn]: 'packages/lambda-verification/src/handler.ts',
  [VALUES.AlertFunctionArn]: 'packages/lambda-alert/src/stage-handler.ts',
  [VALUES.FindingsFunctionArn]: 'packages/lambda-findings/src/handler.ts',
  [VALUES.RollbackFunctionArn]: 'packages/lambda-remediation/src/rollback-handler.ts',
};

/** Whether the function's handler has the Powertools idempotency layer (read from its source, not listed by hand). */
const hasIdempotencyLayer = (functionArn: string): boolean => {
  const source = HANDLER_SOURCES[functionArn];
  if (source === undefined) throw new Error(`no handler source known for ${functionArn}`);
  return readFileSync(join(REPO_ROOT, source), 'utf8').includes('dynamoDbIdempotency');
};

describe.each(['triage', 'remediation', 'rollback'] as const)('infra/workflows/%s.asl.json', (name) => {
  const definition = loadWorkflowDefinition(name, VALUES);

  it('is valid Amazon States Language once its placeholders are substituted (asl-validator)', () => {
    const result = validateAsl(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('uses only the placeholders of the runtime contract', () => {
    expect(() => loadWorkflowDefinition(name, {})).toThrow(/placeholder/);
    expect(JSON.stringify(definition)).not.toContain('${');
    expect(PLACEHOLDERS).toHaveLength(Object.keys(VALUES).length);
  });

  it('names every state in Title Case', () => {
    for (const [stateName] of statesOf(definition)) expect(stateName).toMatch(/^[A-Z][a-z]*( [A-Z][a-z]*)*$/);
  });

  it('catches every Task and retries Lambda service errors with backoff on every Lambda Task', () => {
    for (const [stateName, state] of statesOf(definition).filter(([, s]) => s.Type === 'Task')) {
      expect({ stateName, catches: state.Catch?.some((c) => c.ErrorEquals.includes('States.ALL')) }).toEqual({
        stateName,
        catches: true,
      });
      if (!state.Resource?.startsWith('arn:aws:states:::lambda:invoke')) continue;
      const lambdaRetry = state.Retry?.find((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException'));
      expect(lambdaRetry?.ErrorEquals).toEqual(
        expect.arrayContaining([
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
        ]),
      );
      expect(lambdaRetry?.BackoffRate).toBeGreaterThan(1);
    }
  });

  // A redelivery that reaches an idempotent function while the first delivery is still running gets
  // IdempotencyAlreadyInProgressError; retried, it gets the first one's stored result. Without the retry it failed
  // the state (triage quarantined a valid event in the load rig).
  it('retries IdempotencyAlreadyInProgressError with backoff on every Task of a function with the idempotency layer', () => {
    const lambdaTasks = statesOf(definition).filter(([, s]) =>
      s.Resource?.startsWith('arn:aws:states:::lambda:invoke'),
    );
    const idempotentTasks = lambdaTasks.filter(([, s]) => {
      const functionArn = (s as State & { Parameters?: { FunctionName?: string } }).Parameters?.FunctionName;
      return functionArn !== undefined && hasIdempotencyLayer(functionArn);
    });
    expect(idempotentTasks.length).toBeGreaterThan(0);
    for (const [stateName, state] of idempotentTasks) {
      const retry = state.Retry?.find((r) => r.ErrorEquals.includes('IdempotencyAlreadyInProgressError'));
      expect({ stateName, retried: retry !== undefined && (retry.BackoffRate ?? 0) > 1 }).toEqual({
        stateName,
        retried: true,
      });
    }
  });
});

describe('workflow specifics', () => {
  it('retries NotConvergedError on Verify with backoff, a bounded number of times', () => {
    const remediation = loadWorkflowDefinition('remediation', VALUES);
    const verify = (remediation.States as Record<string, State>).Verify;
    const retry = verify?.Retry?.find((r) => r.ErrorEquals.includes('NotConvergedError'));
    expect(retry?.BackoffRate).toBeGreaterThan(1);
    expect(retry?.MaxAttempts).toBeGreaterThan(0);
    expect(retry?.MaxAttempts).toBeLessThanOrEqual(10);
  });

  it('lets the remediation execution outlive the longest approval the policy allows (7 days)', () => {
    const remediation = loadWorkflowDefinition('remediation', VALUES);
    expect(remediation.TimeoutSeconds).toBeGreaterThan(7 * 24 * 3600);
  });

  it('publishes findings without changing any outcome: each Publish state retries, then keeps the request and goes on', () => {
    for (const [name, count] of [
      ['triage', 1],
      ['remediation', 4],
    ] as const) {
      const states = loadWorkflowDefinition(name, VALUES).States as Record<
        string,
        State & { Next?: string; Parameters?: Record<string, unknown> }
      >;
      const publishes = Object.entries(states).filter(([stateName]) => stateName.startsWith('Publish '));
      expect(publishes).toHaveLength(count);
      for (const [stateName, state] of publishes) {
        expect(state.Parameters?.FunctionName).toBe(VALUES.FindingsFunctionArn);
        expect(state.Retry?.some((retry) => retry.ErrorEquals.includes('FindingNotImportedError'))).toBe(
          true,
        );
        const keepName = state.Catch?.[0]?.Next ?? '';
        const keep = states[keepName];
        expect({ stateName, keepName, resource: keep?.Resource, next: keep?.Next }).toEqual({
          stateName,
          keepName: stateName.replace('Publish ', 'Keep Unpublished '),
          resource: 'arn:aws:states:::sqs:sendMessage',
          next: state.Next,
        });
        expect(keep?.Catch?.every((c) => c.Next === state.Next)).toBe(true);
      }
    }
  });

  it('rollback: the input is the eventId only; the approval the rollback function gets is the Offer Rollback output', () => {
    const states = loadWorkflowDefinition('rollback', VALUES).States as Record<
      string,
      State & {
        Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> };
        TimeoutSecondsPath?: string;
      }
    >;
    const invokers = Object.entries(states).filter(
      ([, state]) => state.Parameters?.FunctionName === VALUES.RollbackFunctionArn,
    );
    expect(invokers.map(([name]) => name)).toEqual(['Roll Back']);
    expect(invokers[0]?.[1].Parameters?.Payload).toEqual({
      schemaVersion: 1,
      action: 'rollback',
      'eventId.$': '$.eventId',
      'approval.$': '$.approval.rollbackApproval',
    });
    expect(states['Offer Rollback']?.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(states['Offer Rollback']?.TimeoutSecondsPath).toBe('$.window.seconds');
    expect(states['Offer Rollback']?.Catch?.[0]).toEqual(
      expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: 'Offer Expired' }),
    );
  });

  it('remediation starts the rollback workflow after VERIFIED, named by the eventId, a duplicate ignored', () => {
    const states = loadWorkflowDefinition('remediation', VALUES).States as Record<
      string,
      State & { Parameters?: Record<string, unknown>; Next?: string }
    >;
    const start = states['Start Rollback Offer'];
    expect(start?.Parameters).toEqual({
      StateMachineArn: VALUES.RollbackStateMachineArn,
      'Name.$': "States.Hash($.event.eventId, 'SHA-256')",
      Input: { 'eventId.$': '$.event.eventId' },
    });
    expect(start?.Catch?.[0]).toEqual(
      expect.objectContaining({
        ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'],
        Next: 'Check Remediated Alert Delivery',
      }),
    );
    expect(states['Publish Resolved Finding']?.Next).toBe('Start Rollback Offer');
  });

  it('is found in the repository from the test kit', () => {
    expect(workflowsDirectory().endsWith('infra/workflows')).toBe(true);
  });
});
