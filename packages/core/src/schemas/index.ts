export * from './cloudtrail.js';
export * from './eventbridge.js';
export * from './security-signal.js';
export * from './stages.js';
