import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** The CloudWatch namespace of every AISAWS metric (EMF). */
const METRICS_NAMESPACE = 'AISAWS';

/** A Lambda's Powertools Logger and Metrics. Both satisfy StageLogger / StageMetrics, so use cases take them. */
interface PowertoolsObservability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Builds the Logger and Metrics of one Lambda, once per cold start: `service` on every log line and as the metrics'
 * service dimension (e.g. `aisaws-ingest`), namespace `AISAWS`. Log level, sampling and disabling come from the
 * standard POWERTOOLS_* variables.
 */
function createPowertoolsObservability(serviceName: string): PowertoolsObservability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}

export type { PowertoolsObservability };
export { createPowertoolsObservability, METRICS_NAMESPACE };
