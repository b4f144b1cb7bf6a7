import { type AlertResult, AnyAlertRequestSchema } from '@aisaws/core/schemas';
import { type SendAlertDeps, sendAlert } from './send-alert.js';

/** The Alert use case as a plain function: parses the AlertRequest or the rollback workflow's RollbackAlertRequest (strict) and publishes. No Powertools, no env. */
function createAlertHandler(deps: SendAlertDeps): (event: unknown) => Promise<AlertResult> {
  return async (event) => sendAlert(AnyAlertRequestSchema.parse(event), deps);
}

export { createAlertHandler };
