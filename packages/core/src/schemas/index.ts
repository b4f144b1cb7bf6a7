export * from './cloudtrail.js';
export * from './eventbridge.js';
export * from './lambda-stages.js';
export * from './reconcile.js';
export * from './security-signal.js';
export * from './stages.js';
