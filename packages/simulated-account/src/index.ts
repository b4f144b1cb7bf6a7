/**
 * @aisaws/simulated-account — a SIMULATED AWS account for the demo, the tests and the benchmarks: the control plane
 * no local emulator offers, SDK-shaped clients over it for the playbooks, a simulated SNS topic that writes e-mail
 * files, and seeded fault injection. See README.md.
 */
export type {
  AccountState,
  AclGrant,
  BucketState,
  CreateVolumePermission,
  EbsSnapshotState,
  ObjectOwnership,
  PublicAccessBlock,
  SecurityGroupRule,
  SecurityGroupState,
  SimulatedCall,
  TrailState,
} from './account-state.js';
export { AccountStateSchema, ALL_USERS_URI, AUTHENTICATED_USERS_URI } from './account-state.js';
export type { CloudTrailRecordJson, DemoPrincipal, EventBridgeEnvelopeJson } from './cloudtrail-record.js';
export { toEventBridgeEvent } from './cloudtrail-record.js';
export type { FaultStats, FaultSwitches, FaultSwitchesInput } from './faults.js';
export { FaultInjector, FaultSwitchesSchema, SimulatedTimeoutError } from './faults.js';
export type { Outbox, OutboxMessage, OutboxOptions } from './outbox.js';
export { createOutbox, formatEmail, rfc5322Date } from './outbox.js';
export type { ChangeScenario, ChangeScenarioId, ScenarioNames, ScenarioResource } from './scenarios.js';
export { ADMINISTRATOR_ACCESS, CHANGE_SCENARIOS } from './scenarios.js';
export { SimulatedSecurityHub } from './security-hub.js';
export type {
  ApiCallOutcome,
  CannedAcl,
  IngressRuleInput,
  SimulatedAccountOptions,
} from './simulated-account.js';
export { DEMO_ACCOUNT_ID, DEMO_REGION, demoDeveloper, SimulatedAccount } from './simulated-account.js';
export { createSimulatedClientFactory, SIMULATED_SERVICES, simulatedClient } from './simulated-clients.js';
export { SimulatedOperationNotSupportedError, SimulatedServiceError } from './simulated-error.js';
