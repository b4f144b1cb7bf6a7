import { beforeAll, describe, expect, it } from '@jest/globals';
import { testEnvironment } from '../support/environments.js';
import { resourcesOf, type SynthesizedStack, synthStacks } from '../support/synth.js';

describe('Custom scoring package selected by the environment', () => {
  let stack: SynthesizedStack;

  beforeAll(() => {
    // Prepare: an environment naming @aisaws/scoring-example; no AISAWS code changes.
    const environment = testEnvironment({
      name: 'custom',
      lambdas: {
        ingest: { version: '0.1.0' },
        scoring: { package: '@aisaws/scoring-example', version: '0.1.0' },
        decision: { version: '0.1.0' },
        remediation: { version: '0.1.0' },
        verification: { version: '0.1.0' },
        alert: { version: '0.1.0' },
        approval: { version: '0.1.0' },
        reconcile: { version: '0.1.0' },
        findings: { version: '0.1.0' },
      },
    });
    // Act
    stack = synthStacks([environment]).get('custom') as SynthesizedStack;
  });

  it('deploys the scoring Lambda from the custom package artifact', () => {
    const scoring = resourcesOf(stack, 'aws_lambda_function').find(
      (fn) => fn.function_name === 'aisaws-custom-scoring',
    );

    expect(scoring?.filename).toBe('../../../../packages/scoring-example/dist/scoring-example-0.1.0.zip');
    expect(scoring?.tags).toEqual(expect.objectContaining({ 'aisaws:package': '@aisaws/scoring-example' }));
  });

  it('keeps the same function name, so the triage workflow and its role are unchanged', () => {
    const triage = resourcesOf(stack, 'aws_sfn_state_machine').find(
      (sm) => sm.name === 'aisaws-custom-triage',
    );

    expect(JSON.parse(String(triage?.definition)).States.Score.Parameters.FunctionName).toBe(
      'arn:aws:lambda:eu-west-1:111111111111:function:aisaws-custom-scoring:live',
    );
  });

  it('takes a scorer that lives outside packages/ from packageDir, and each Lambda its own version', () => {
    const environment = testEnvironment({
      name: 'external',
      accounts: { security: '111111111111', members: [] },
      lambdas: {
        ingest: { version: '0.1.0' },
        scoring: { package: '@acme/risk-scorer', version: '2.3.1', packageDir: 'vendor/acme-risk-scorer' },
        decision: { version: '0.0.9' },
        remediation: { version: '0.1.0' },
        verification: { version: '0.1.0' },
        alert: { version: '0.1.0' },
        approval: { version: '0.1.0' },
        reconcile: { version: '0.1.0' },
        findings: { version: '0.1.0' },
      },
    });

    const external = synthStacks([environment]).get('external') as SynthesizedStack;

    const scoring = resourcesOf(external, 'aws_lambda_function').find(
      (fn) => fn.function_name === 'aisaws-external-scoring',
    );
    expect(scoring?.filename).toBe('../../../../vendor/acme-risk-scorer/dist/risk-scorer-2.3.1.zip');
    // Each Lambda takes its own pinned version: an older decision artifact, the others unchanged.
    const filenameOf = (stage: string) =>
      resourcesOf(external, 'aws_lambda_function').find(
        (fn) => fn.function_name === `aisaws-external-${stage}`,
      )?.filename;
    expect(filenameOf('decision')).toBe(
      '../../../../packages/lambda-decision/dist/lambda-decision-0.0.9.zip',
    );
    expect(filenameOf('ingest')).toBe('../../../../packages/lambda-ingest/dist/lambda-ingest-0.1.0.zip');
  });
});
