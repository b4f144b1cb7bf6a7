export type { DiscoveredPath, InputFile, SkipReason } from './discover-files.js';
export { discoverFiles, ScanPathError } from './discover-files.js';
export type {
  ErrorEvaluation,
  Evaluation,
  EvaluatorDeps,
  EventEvaluation,
  PreparedEvent,
  ScanPipeline,
  SyncScorer,
} from './evaluate.js';
export { createDefaultSyncScorer, createEvaluator, createScanPipeline, toScanError } from './evaluate.js';
export { encodeResultLine, errorJson, resultJson } from './json-line.js';
export type { FullEntry, PoolTask, QuietEvent, WorkerInit } from './pool-protocol.js';
export type { FileItem, ReadInputOptions, SkippedItem } from './read-input.js';
export {
  DEFAULT_MAX_LINE_BYTES,
  hasCloudTrailShape,
  LineSplitter,
  readInputFile,
} from './read-input.js';
export type { PoolEvent } from './scan-pool.js';
export { ScanPool, splitPoints } from './scan-pool.js';
export type { ScanDetection, ScanError, ScanLine, ScanResult, ScanSource } from './scan-result.js';
export {
  ScanDetectionSchema,
  ScanErrorSchema,
  ScanLineSchema,
  ScanResultSchema,
  ScanSourceSchema,
} from './scan-result.js';
export type { CandidateItem, InputErrorItem, InputItem, InputLocation } from './unwrap.js';
export { describeIssues, isObject, REPORT_INPUT, unwrapDocument, unwrapElement } from './unwrap.js';
