import { WorkflowDefinitionError } from './definition.js';

/** The Distributed Map's tuning, per environment (`backtest` in the environment file). */
interface BacktestSettings {
  readonly objectsPerBatch: number;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
}

/** The Map state of backtest.asl.json. */
const BACKTEST_MAP_STATE = 'Scan Cloud Trail Objects';

/**
 * backtest.asl.json carries default numbers (the file stays plain JSON, checked by Biome and asl-validator); the
 * environment's settings replace them in the Map state: ItemBatcher.MaxItemsPerBatch, MaxConcurrency and
 * ToleratedFailurePercentage. Takes and returns the compact JSON of the definition.
 */
function applyBacktestSettings(definition: string, settings: BacktestSettings): string {
  const machine = JSON.parse(definition) as { States?: Record<string, Record<string, unknown>> };
  const map = machine.States?.[BACKTEST_MAP_STATE];
  if (map?.Type !== 'Map' || typeof map.ItemBatcher !== 'object' || map.ItemBatcher === null)
    throw new WorkflowDefinitionError(`backtest: no Map state "${BACKTEST_MAP_STATE}" with an ItemBatcher`);
  (map.ItemBatcher as Record<string, unknown>).MaxItemsPerBatch = settings.objectsPerBatch;
  map.MaxConcurrency = settings.maxConcurrency;
  map.ToleratedFailurePercentage = settings.toleratedFailurePercentage;
  return JSON.stringify(machine);
}

export type { BacktestSettings };
export { applyBacktestSettings, BACKTEST_MAP_STATE };
