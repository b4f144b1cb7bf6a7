export { createApprovalHandler } from './create-approval-handler.js';
export type { ApprovalDeps, ApprovalOutput, TaskTokenSender } from './decide-approval.js';
export { decideApproval } from './decide-approval.js';
export type { FunctionUrlEvent, HttpResponse } from './function-url-event.js';
export type { SigningKeyProvider } from './signing-key.js';
export { createSsmSigningKeyProvider } from './signing-key.js';
