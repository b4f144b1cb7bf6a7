export type { BacktestDeps } from './backtest.js';
export { createBacktestHandler, findingsKey } from './backtest.js';
export type { BacktestBatch, BacktestBatchResult } from './batch.js';
export { BacktestBatchResultSchema, BacktestBatchSchema, DECISION_ACTIONS } from './batch.js';
export type { BacktestEnv } from './env.js';
export { BacktestEnvSchema, parseBacktestEnv } from './env.js';
export type { ErrorRow, FindingRow, RowSource, ScannedRow } from './scan-record.js';
export { createRecordScanner } from './scan-record.js';
