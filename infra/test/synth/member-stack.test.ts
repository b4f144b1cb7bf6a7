import { beforeAll, describe, expect, it } from '@jest/globals';
import { memberStateKey } from '../../src/stacks/member-stack.js';
import { testEnvironment } from '../support/environments.js';
import { resourcesOf, type SynthesizedStack, synthStacks } from '../support/synth.js';

describe('Member stack', () => {
  let security: SynthesizedStack;
  let member: SynthesizedStack;

  beforeAll(() => {
    const stacks = synthStacks([
      testEnvironment({
        name: 'org',
        accounts: {
          security: '111111111111',
          members: ['222222222222'],
          memberDeployRoleName: 'aisaws-deploy',
        },
      }),
    ]);
    security = stacks.get('org') as SynthesizedStack;
    member = stacks.get('org-member-222222222222') as SynthesizedStack;
  });

  it('keeps its state beside the security stack state, under its own key', () => {
    expect(member.json.terraform.backend).toEqual(
      expect.objectContaining({
        s3: expect.objectContaining({ key: 'aisaws/test/member-222222222222.tfstate' }),
      }),
    );
    expect(memberStateKey('state.tfstate', '222222222222')).toBe('member-222222222222.tfstate');
  });

  it('applies in the member account only, through the deploy role', () => {
    const [provider] = (member.json.provider.aws as Record<string, unknown>[]) ?? [];

    expect(provider).toEqual(
      expect.objectContaining({
        allowed_account_ids: ['222222222222'],
        assume_role: [{ role_arn: 'arn:aws:iam::222222222222:role/aisaws-deploy' }],
      }),
    );
  });

  it('forwards exactly the security stack patterns to the security account bus', () => {
    const patterns = (stack: SynthesizedStack) =>
      resourcesOf(stack, 'aws_cloudwatch_event_rule')
        .map((rule) => `${rule.state} ${rule.event_pattern}`)
        .sort();

    expect(patterns(member)).toEqual(patterns(security));
    for (const target of resourcesOf(member, 'aws_cloudwatch_event_target'))
      expect(target.arn).toBe('arn:aws:events:eu-west-1:111111111111:event-bus/default');
  });

  it('lets the security account bus accept the member events', () => {
    const [busPolicy] = resourcesOf(security, 'aws_cloudwatch_event_bus_policy');
    const [statement] = JSON.parse(String(busPolicy?.policy)).Statement;

    expect(statement).toEqual(
      expect.objectContaining({
        Principal: { AWS: ['arn:aws:iam::222222222222:root'] },
        Action: ['events:PutEvents'],
        Resource: ['arn:aws:events:eu-west-1:111111111111:event-bus/default'],
      }),
    );
  });
});
