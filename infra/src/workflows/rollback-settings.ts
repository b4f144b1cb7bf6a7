import { WorkflowDefinitionError } from './definition.js';

/** The Pass state of rollback.asl.json that holds the rollback window in seconds (`Result.seconds`). */
const ROLLBACK_WINDOW_STATE = 'Rollback Window';

/**
 * rollback.asl.json carries a default window (7 days) so the file stays plain JSON, checked by Biome and
 * asl-validator; the environment's `rollbackWindowHours` replaces it. The Offer Rollback task's TimeoutSecondsPath and
 * the links' expiry both read this one value. Takes and returns the compact JSON of the definition.
 */
function applyRollbackWindow(definition: string, windowHours: number): string {
  const machine = JSON.parse(definition) as { States?: Record<string, Record<string, unknown>> };
  const state = machine.States?.[ROLLBACK_WINDOW_STATE];
  const result = state?.Result as { seconds?: unknown } | undefined;
  if (state?.Type !== 'Pass' || typeof result?.seconds !== 'number')
    throw new WorkflowDefinitionError(
      `rollback: no Pass state "${ROLLBACK_WINDOW_STATE}" with Result.seconds`,
    );
  state.Result = { seconds: windowHours * 3600 };
  return JSON.stringify(machine);
}

export { applyRollbackWindow, ROLLBACK_WINDOW_STATE };
