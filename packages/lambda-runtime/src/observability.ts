/**
 * The part of a structured logger a use case calls. Powertools Logger fits it, so do `console` and test spies: the
 * use cases and their factories stay free of Powertools.
 */
interface StageLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** The part of a metrics client a use case calls (Powertools Metrics fits it). Every AISAWS metric is a count. */
interface StageMetrics {
  addMetric(name: string, unit: 'Count', value: number): void;
}

/** Defaults when the caller (a test, the workflow harness, the demo) injects no logger or metrics. */
const silentLogger: StageLogger = Object.freeze({ info() {}, warn() {}, error() {} });
const discardMetrics: StageMetrics = Object.freeze({ addMetric() {} });

/** The logger and metrics a use case reports to. */
interface StageObservability {
  readonly logger: StageLogger;
  readonly metrics: StageMetrics;
}

/** The injected logger and metrics of a stage's deps, or the silent defaults for those not given. */
const observabilityOf = (deps: {
  readonly logger?: StageLogger;
  readonly metrics?: StageMetrics;
}): StageObservability => ({
  logger: deps.logger ?? silentLogger,
  metrics: deps.metrics ?? discardMetrics,
});

export type { StageLogger, StageMetrics, StageObservability };
export { discardMetrics, observabilityOf, silentLogger };
