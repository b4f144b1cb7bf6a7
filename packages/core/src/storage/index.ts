export type { KeyAttribute, KeyAttributeType, TableDefinition, TableLogicalName } from './tables.js';
export {
  BASELINE_TABLE,
  EVENTS_TABLE,
  expiresAtSeconds,
  IDEMPOTENCY_TABLE,
  KEY_PREFIX,
  STATE_TABLE,
  TABLES,
} from './tables.js';
