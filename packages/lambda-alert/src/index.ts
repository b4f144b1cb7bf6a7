// Shared with the other stages; re-exported so callers of this package need no second import.
export { ConfigurationError } from '@aisaws/lambda-runtime';
export { createAlertHandler } from './create-alert-handler.js';
export type { AlertAttributes, ApprovalLinks, RenderAlertOptions, RenderedAlert } from './render-alert.js';
export { renderAlert } from './render-alert.js';
export type { RollbackLinks, StoredEventView } from './render-rollback-alert.js';
export { renderRollbackAlert, StoredEventViewError, storedEventViewOf } from './render-rollback-alert.js';
export type { AlertOutboxSettings, ApprovalLinkSettings, SendAlertDeps } from './send-alert.js';
export { MissingRollbackWindowError, MissingTaskTokenError, sendAlert } from './send-alert.js';
