import { describe, expect, it } from '@jest/globals';
import { CHANGE_SCENARIOS, SimulatedAccount } from '../src/index.js';

// The change stories the demo and the load run share: each sets up its own resource and makes one risky call.
describe('CHANGE_SCENARIOS', () => {
  const scenarios = Object.values(CHANGE_SCENARIOS);

  it.each(scenarios.map((scenario) => [scenario.id, scenario] as const))(
    '%s: the risky call gives the record and its EventBridge event; a resource with a fix reads back exposed',
    (_id, scenario) => {
      // Prepare
      const account = SimulatedAccount.create();
      const resource = scenario.setup(account, { prefix: 'aisaws-test', tag: 'a1' });
      // Act
      const { record, event } = scenario.trigger(account, resource);
      // Assess
      expect(typeof record.eventID).toBe('string');
      expect(event).toMatchObject({ account: account.accountId, 'detail-type': expect.any(String) });
      if (scenario.readsBackFixed) expect(scenario.readsBackFixed(account, resource)).toBe(false);
    },
  );

  it('names every resource from the tag, so two set-ups in one account do not collide', () => {
    // Prepare
    const account = SimulatedAccount.create();
    // Act
    const ids = scenarios.flatMap((scenario) =>
      ['a1', 'b2'].map(
        (tag) => `${scenario.id}:${scenario.setup(account, { prefix: 'aisaws-test', tag }).id}`,
      ),
    );
    // Assess: every scenario but root sign-in (the account itself) makes two resources.
    const perScenario = scenarios.map(
      (scenario) => new Set(ids.filter((id) => id.startsWith(`${scenario.id}:`))).size,
    );
    expect(perScenario).toEqual(scenarios.map((scenario) => (scenario.id === 'root-login-no-mfa' ? 1 : 2)));
  });
});
