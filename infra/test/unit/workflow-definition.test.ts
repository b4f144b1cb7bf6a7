import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { WORKFLOWS_DIR } from '../../src/app.js';
import { namesFor } from '../../src/config/naming.js';
import {
  loadWorkflowDefinition,
  placeholdersIn,
  substitutePlaceholders,
  WorkflowDefinitionError,
} from '../../src/workflows/definition.js';
import {
  queueArn,
  statementsForDefinition,
  UnsupportedIntegrationError,
} from '../../src/workflows/permissions.js';
import { applyRollbackWindow } from '../../src/workflows/rollback-settings.js';
import { interpolation } from '../support/interpolation.js';

type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const validateAsl = createRequire(import.meta.url)('asl-validator') as AslValidator;

const names = namesFor({
  name: 'unit',
  region: 'eu-west-1',
  accounts: { security: '111111111111', members: [] },
});
const VALUES = {
  IngestFunctionArn: names.aliasArn('ingest'),
  ScoringFunctionArn: names.aliasArn('scoring'),
  DecisionFunctionArn: names.aliasArn('decision'),
  RemediationFunctionArn: names.aliasArn('remediation'),
  VerificationFunctionArn: names.aliasArn('verification'),
  AlertFunctionArn: names.aliasArn('alert'),
  FindingsFunctionArn: names.aliasArn('findings'),
  RollbackFunctionArn: names.aliasArn('rollback'),
  RemediationStateMachineArn: names.stateMachineArn('remediation'),
  RollbackStateMachineArn: names.stateMachineArn('rollback'),
  EventsTableName: names.tableName('events'),
  QuarantineQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/aisaws-unit-quarantine',
  ApprovalTimeoutSeconds: 3600,
};

describe('Workflow definitions of infra/workflows after substitution', () => {
  it.each(['triage', 'remediation', 'rollback'])(
    '%s.asl.json is valid ASL with no placeholder left',
    (name) => {
      const definition = loadWorkflowDefinition(`${WORKFLOWS_DIR}/${name}.asl.json`, VALUES);

      const result = validateAsl(JSON.parse(definition));

      expect(result.errorsText()).toBe('');
      expect(result.isValid).toBe(true);
      expect(definition).not.toContain('${');
    },
  );

  it.each(['triage', 'remediation', 'rollback'])(
    '%s.asl.json uses only placeholders of the runtime contract',
    (name) => {
      const used = placeholdersIn(readFileSync(`${WORKFLOWS_DIR}/${name}.asl.json`, 'utf8'));

      expect(used.length).toBeGreaterThan(0);
      for (const placeholder of used) expect(Object.keys(VALUES)).toContain(placeholder);
    },
  );
});

describe('applyRollbackWindow', () => {
  const rollback = () => loadWorkflowDefinition(`${WORKFLOWS_DIR}/rollback.asl.json`, VALUES);

  it("puts the environment's window (hours) into the Rollback Window state the offer's timeout and links read", () => {
    const definition = JSON.parse(applyRollbackWindow(rollback(), 48));

    expect(definition.States['Rollback Window'].Result).toEqual({ seconds: 172_800 });
    expect(definition.States['Offer Rollback'].TimeoutSecondsPath).toBe('$.window.seconds');
    expect(definition.States['Offer Rollback'].Parameters.Payload['windowSeconds.$']).toBe(
      '$.window.seconds',
    );
    expect(validateAsl(definition).isValid).toBe(true);
  });

  it('refuses a definition without the Rollback Window state', () => {
    const definition = JSON.parse(rollback());
    delete definition.States['Rollback Window'];

    expect(() => applyRollbackWindow(JSON.stringify(definition), 48)).toThrow(WorkflowDefinitionError);
  });
});

describe('substitutePlaceholders', () => {
  it('puts strings inside JSON strings and numbers as numbers', () => {
    const text = `{"Arn": "${interpolation('IngestFunctionArn')}", "Timeout": ${interpolation('ApprovalTimeoutSeconds')}}`;

    expect(JSON.parse(substitutePlaceholders(text, VALUES, 'inline'))).toEqual({
      Arn: 'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-unit-ingest:live',
      Timeout: 3600,
    });
  });

  it('names the placeholder that has no value', () => {
    expect(() =>
      substitutePlaceholders(`{"A": "${interpolation('UnknownThing')}"}`, VALUES, 'x.asl.json'),
    ).toThrow(`x.asl.json: no value for placeholder(s) ${interpolation('UnknownThing')}`);
  });

  it('refuses a result that is not JSON', () => {
    expect(() =>
      substitutePlaceholders(`{"A": ${interpolation('IngestFunctionArn')}}`, VALUES, 'x.asl.json'),
    ).toThrow(WorkflowDefinitionError);
  });

  it('escapes a value so the JSON stays valid', () => {
    const text = substitutePlaceholders(
      `{"A": "${interpolation('EventsTableName')}"}`,
      { EventsTableName: 'a"b\\c' },
      'inline',
    );

    expect(JSON.parse(text)).toEqual({ A: 'a"b\\c' });
  });
});

describe('statementsForDefinition', () => {
  const context = { region: 'eu-west-1', account: '111111111111' };
  const machine = (states: Record<string, unknown>) =>
    JSON.stringify({ StartAt: Object.keys(states)[0], States: states });

  it('turns each integration into its action on the exact target', () => {
    const definition = machine({
      Invoke: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'arn:aws:lambda:eu-west-1:111111111111:function:f:live' },
        Next: 'Send',
      },
      Send: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage',
        Parameters: { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/q', MessageBody: {} },
        Next: 'Record',
      },
      Record: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:updateItem',
        Parameters: { TableName: 't', Key: {} },
        End: true,
      },
    });

    expect(statementsForDefinition(definition, context).map((s) => [s.actions, s.resources])).toEqual([
      [['dynamodb:UpdateItem'], ['arn:aws:dynamodb:eu-west-1:111111111111:table/t']],
      [['lambda:InvokeFunction'], ['arn:aws:lambda:eu-west-1:111111111111:function:f:live']],
      [['sqs:SendMessage'], ['arn:aws:sqs:eu-west-1:111111111111:q']],
    ]);
  });

  it('finds tasks inside Parallel branches', () => {
    const definition = machine({
      Both: {
        Type: 'Parallel',
        End: true,
        Branches: [
          {
            StartAt: 'P',
            States: {
              P: {
                Type: 'Task',
                Resource: 'arn:aws:states:::sns:publish',
                Parameters: { TopicArn: 'arn:aws:sns:eu-west-1:111111111111:t' },
                End: true,
              },
            },
          },
        ],
      },
    });

    expect(statementsForDefinition(definition, context)).toEqual([
      {
        sid: 'WorkflowsnsPublish',
        actions: ['sns:Publish'],
        resources: ['arn:aws:sns:eu-west-1:111111111111:t'],
      },
    ]);
  });

  it('refuses an integration it cannot scope rather than granting too much or too little', () => {
    const unknown = machine({
      X: { Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask', Parameters: {}, End: true },
    });
    const dynamic = machine({
      X: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { 'FunctionName.$': '$.fn' },
        End: true,
      },
    });

    expect(() => statementsForDefinition(unknown, context)).toThrow(UnsupportedIntegrationError);
    expect(() => statementsForDefinition(dynamic, context)).toThrow('FunctionName must be a static string');
  });

  it('reads a queue ARN from its URL', () => {
    expect(queueArn('https://sqs.us-east-1.amazonaws.com/123456789012/my-queue')).toBe(
      'arn:aws:sqs:us-east-1:123456789012:my-queue',
    );
    expect(() => queueArn('https://example.com/q')).toThrow('not an SQS queue URL');
  });
});
