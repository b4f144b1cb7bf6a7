import { type ApprovalDeps, decideApproval } from './decide-approval.js';
import type { HttpResponse } from './function-url-event.js';

/** The Approval use case as a plain function over the function URL event. No Powertools, no env. */
function createApprovalHandler(deps: ApprovalDeps): (event: unknown) => Promise<HttpResponse> {
  return (event) => decideApproval(event, deps);
}

export { createApprovalHandler };
