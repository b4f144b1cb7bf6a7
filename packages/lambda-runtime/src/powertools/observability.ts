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

/**
 * Runs `build` with POWERTOOLS_METRICS_DISABLED=true and puts the variable back: Metrics reads it once, in its
 * constructor, and has no other switch; nothing else in the process sees it.
 */
function withMetricsDisabled<T>(build: () => T): T {
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  try {
    return build();
  } finally {
    if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = previous;
  }
}

/** Metrics that never write: disabled, and so is each single-metric instance it makes (the ColdStart metric). */
class DisabledMetrics extends Metrics {
  override singleMetric(): Metrics {
    return withMetricsDisabled(() => super.singleMetric());
  }
}

/**
 * The same Logger and Metrics for a Lambda handler run in-process (the load rig, where thousands of invocations
 * would otherwise write a log line and an EMF line each to the benchmark's stdout): the Logger at level SILENT,
 * Metrics disabled, and Metrics' own warnings (e.g. "No application metrics to publish") sent to that Logger.
 */
function createQuietPowertoolsObservability(serviceName: string): PowertoolsObservability {
  const logger = new Logger({ serviceName, logLevel: 'SILENT', jsonReplacerFn: credentialReplacer });
  const metrics = withMetricsDisabled(
    () => new DisabledMetrics({ namespace: METRICS_NAMESPACE, serviceName, logger }),
  );
  return { logger, metrics };
}

export type { PowertoolsObservability };
export { createPowertoolsObservability, createQuietPowertoolsObservability, METRICS_NAMESPACE };
