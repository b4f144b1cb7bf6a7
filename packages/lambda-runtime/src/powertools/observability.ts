// The narrow subpath: `@aisaws/core/events` would bring the detection catalog into every Lambda bundle.
import { credentialReplacer } from '@aisaws/core/redact';
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
 * standard POWERTOOLS_* variables. Every log line goes through core's `credentialReplacer`: a session token, secret
 * key, password or bearer token in anything logged (the event itself with POWERTOOLS_LOGGER_LOG_EVENT, an error's
 * input) is written as `[REDACTED by AISAWS]`.
 */
function createPowertoolsObservability(serviceName: string): PowertoolsObservability {
  return {
    logger: new Logger({ serviceName, jsonReplacerFn: credentialReplacer }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}

export type { PowertoolsObservability };
export { createPowertoolsObservability, METRICS_NAMESPACE };
