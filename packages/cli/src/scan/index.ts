export type { ScanDetection, ScanError, ScanLine, ScanResult, ScanSource } from '@aisaws/scan-engine';
export {
  ScanDetectionSchema,
  ScanErrorSchema,
  ScanLineSchema,
  ScanResultSchema,
  ScanSourceSchema,
} from '@aisaws/scan-engine';
export { registerScanCommand } from './command.js';
export type { ScanDeps, ScanIo, ScanOptions, ScanOptionsInput } from './run-scan.js';
export {
  EXIT_FINDINGS,
  EXIT_OK,
  EXIT_USAGE,
  loadPolicy,
  runScan,
  SCAN_FORMATS,
  ScanOptionsSchema,
  ScanUsageError,
} from './run-scan.js';
