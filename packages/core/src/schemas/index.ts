export * from './cloudtrail.js';
export * from './eventbridge.js';
export * from './stages.js';
