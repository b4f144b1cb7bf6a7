/**
 * The DynamoDB tables of the runtime contract, as plain data: the infra builds them, the local harness creates them
 * in dynalite, and the Lambdas name their keys from here. No SDK types: core stays pure.
 */

type KeyAttributeType = 'S' | 'N';

interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

interface TableDefinition {
  /** Logical name, used to look the definition up and in the physical name `aisaws-<env>-<logical>`. */
  readonly logicalName: 'events' | 'baseline' | 'state' | 'idempotency';
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Attribute holding the expiry as epoch seconds (DynamoDB TTL). */
  readonly ttlAttribute: string;
  readonly pointInTimeRecovery: boolean;
  readonly description: string;
}

const EVENTS_TABLE: TableDefinition = Object.freeze({
  logicalName: 'events',
  partitionKey: Object.freeze({ name: 'eventId', type: 'S' }),
  ttlAttribute: 'expiresAt',
  pointInTimeRecovery: true,
  description:
    'One item per CloudTrail eventID: status, summary, detections, risk, decision, snapshot, timeline.',
});

const BASELINE_TABLE: TableDefinition = Object.freeze({
  logicalName: 'baseline',
  partitionKey: Object.freeze({ name: 'pk', type: 'S' }),
  sortKey: Object.freeze({ name: 'sk', type: 'S' }),
  ttlAttribute: 'expiresAt',
  pointInTimeRecovery: false,
  description:
    'Behaviour per principal: pk principal#<key>; sk api#…, ip#…, region#…, event#<eventId>, window#….',
});

const STATE_TABLE: TableDefinition = Object.freeze({
  logicalName: 'state',
  partitionKey: Object.freeze({ name: 'pk', type: 'S' }),
  ttlAttribute: 'expiresAt',
  pointInTimeRecovery: false,
  description:
    'Counters and once-only markers: ratelimit#<window start>, approval#<sha256(taskToken)>, fix#<playbook>#<resource> (one fix per resource + playbook in the dedupe window), replay#<eventId> and alert-sent#<alertKey> (the reconcile job).',
});

const IDEMPOTENCY_TABLE: TableDefinition = Object.freeze({
  logicalName: 'idempotency',
  partitionKey: Object.freeze({ name: 'id', type: 'S' }),
  ttlAttribute: 'expiration',
  pointInTimeRecovery: false,
  description: 'Powertools Idempotency persistence layer (its default attribute names).',
});

const TABLES = Object.freeze({
  events: EVENTS_TABLE,
  baseline: BASELINE_TABLE,
  state: STATE_TABLE,
  idempotency: IDEMPOTENCY_TABLE,
});

type TableLogicalName = keyof typeof TABLES;

/** Key prefixes of the baseline and state tables (one place, so writers and readers agree). */
const KEY_PREFIX = Object.freeze({
  principal: 'principal#',
  api: 'api#',
  ip: 'ip#',
  region: 'region#',
  event: 'event#',
  window: 'window#',
  rateLimit: 'ratelimit#',
  resourceFixes: 'fixes#',
  approval: 'approval#',
  /** One fix per resource + playbook in the dedupe window: `fix#<playbook>#<account>#<type>#<id>`. */
  fixClaim: 'fix#',
  /** Replays of one event by the reconcile job (a counter, bounded): `replay#<eventId>`. */
  replay: 'replay#',
  /** An outbox alert the reconcile job published (once per alert key): `alert-sent#<alertKey>`. */
  alertSent: 'alert-sent#',
});

/** Epoch seconds `days` after `now`: the value of a TTL attribute. */
function expiresAtSeconds(now: Date, days: number): number {
  return Math.floor(now.getTime() / 1000) + Math.round(days * 86_400);
}

export type { KeyAttribute, KeyAttributeType, TableDefinition, TableLogicalName };
export { BASELINE_TABLE, EVENTS_TABLE, expiresAtSeconds, IDEMPOTENCY_TABLE, KEY_PREFIX, STATE_TABLE, TABLES };
