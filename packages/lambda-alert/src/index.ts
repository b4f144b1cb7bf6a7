export { createAlertHandler } from './create-alert-handler.js';
export type { AlertAttributes, ApprovalLinks, RenderAlertOptions, RenderedAlert } from './render-alert.js';
export { renderAlert } from './render-alert.js';
export type { ApprovalLinkSettings, SendAlertDeps } from './send-alert.js';
export { MissingTaskTokenError, sendAlert } from './send-alert.js';
export type { SigningKeyProvider } from './signing-key.js';
export { createSsmSigningKeyProvider } from './signing-key.js';
