import { CHANGE_SCENARIOS, type ChangeScenario, type ScenarioResource } from '@aisaws/simulated-account';

/**
 * The change events of the load run: the demo's stories (`CHANGE_SCENARIOS` of @aisaws/simulated-account, the same
 * set-up and risky call) plus two that end LOG_ONLY, each on a resource of its own so that every fix is independent
 * and can be counted per resource: `setup` is called with the input's index as the name tag. `readsBackFixed` reads
 * the resource straight from the simulated state (never through the playbooks) after the run.
 */

/** What the default policy decides for the scenario (documentation and the mix's weights; outcomes are measured). */
type ExpectedAction = ChangeScenario['expectedDecision'];

type LoopTarget = ScenarioResource;

interface LoopScenario extends ChangeScenario {
  /** Share of the valid events in the mix (weights are relative). */
  readonly weight: number;
}

/** What `setup` names the run's resources: `aisaws-load-…` buckets, the input's index as the tag. */
const LOAD_NAME_PREFIX = 'aisaws-load';

const LOOP_SCENARIOS: readonly LoopScenario[] = Object.freeze([
  { ...CHANGE_SCENARIOS['s3-public-bucket'], weight: 20 },
  { ...CHANGE_SCENARIOS['sg-open-world'], weight: 15 },
  { ...CHANGE_SCENARIOS['cloudtrail-stopped'], weight: 10 },
  { ...CHANGE_SCENARIOS['ebs-snapshot-public'], weight: 10 },
  { ...CHANGE_SCENARIOS['iam-admin-attached'], weight: 10 },
  { ...CHANGE_SCENARIOS['root-login-no-mfa'], weight: 10 },
  { ...CHANGE_SCENARIOS['sg-internal-https'], weight: 15 },
  { ...CHANGE_SCENARIOS['s3-private-acl'], weight: 10 },
]);

export type { ExpectedAction, LoopScenario, LoopTarget };
export { LOAD_NAME_PREFIX, LOOP_SCENARIOS };
