/** The part of a structured logger the use case calls (Powertools Logger fits it). */
interface StageLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** The part of a metrics client the use case calls (Powertools Metrics fits it). */
interface StageMetrics {
  addMetric(name: string, unit: 'Count', value: number): void;
}

/** Defaults when the caller (a test, the demo) injects no logger or metrics. */
const silentLogger: StageLogger = { info() {}, warn() {}, error() {} };
const discardMetrics: StageMetrics = { addMetric() {} };

export type { StageLogger, StageMetrics };
export { discardMetrics, silentLogger };
