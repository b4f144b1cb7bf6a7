import { PublishFindingRequestSchema, type PublishFindingResult } from '@aisaws/core/publish';
import { type PublishFindingDeps, publishFinding } from './publish-finding.js';

/** The Findings use case as a plain function: parses the request (strict) and publishes. No Powertools, no env. */
function createFindingsHandler(deps: PublishFindingDeps): (event: unknown) => Promise<PublishFindingResult> {
  return async (event) => publishFinding(PublishFindingRequestSchema.parse(event), deps);
}

export { createFindingsHandler };
