// Shared with the other stages; re-exported so callers of this package need no second import.
export { ConfigurationError } from '@aisaws/lambda-runtime';
export { createApprovalHandler } from './create-approval-handler.js';
export type { ApprovalDeps, ApprovalOutput, TaskTokenSender } from './decide-approval.js';
export { decideApproval } from './decide-approval.js';
export type { FunctionUrlEvent, HttpResponse } from './function-url-event.js';
