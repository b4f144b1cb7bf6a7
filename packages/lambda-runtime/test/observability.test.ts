import { describe, expect, it } from '@jest/globals';
import {
  discardMetrics,
  observabilityOf,
  type StageLogger,
  type StageMetrics,
  silentLogger,
} from '../src/index.js';
import { createPowertoolsObservability, METRICS_NAMESPACE } from '../src/powertools/index.js';

describe('stage logger and metrics ports', () => {
  it('are satisfied by the Powertools Logger and Metrics a Lambda builds', () => {
    // Prepare
    const { logger, metrics } = createPowertoolsObservability('aisaws-test-ports');
    // Act
    const ports: { logger: StageLogger; metrics: StageMetrics } = { logger, metrics };
    // Assess
    expect(ports.logger).toBe(logger);
    expect(METRICS_NAMESPACE).toBe('AISAWS');
  });

  it('default to sinks that accept every call and keep nothing', () => {
    expect(() => {
      silentLogger.info('a', { k: 1 });
      silentLogger.warn('b');
      silentLogger.error('c');
      discardMetrics.addMetric('Anything', 'Count', 1);
    }).not.toThrow();
    expect(Object.isFrozen(silentLogger) && Object.isFrozen(discardMetrics)).toBe(true);
  });

  it('observabilityOf keeps what the deps inject and fills in the silent defaults for the rest', () => {
    // Prepare
    const logger: StageLogger = { info() {}, warn() {}, error() {} };
    const metrics: StageMetrics = { addMetric() {} };
    // Act
    const both = observabilityOf({ logger, metrics });
    const loggerOnly = observabilityOf({ logger });
    const none = observabilityOf({});
    // Assess
    expect(both.logger).toBe(logger);
    expect(both.metrics).toBe(metrics);
    expect(loggerOnly.logger).toBe(logger);
    expect(loggerOnly.metrics).toBe(discardMetrics);
    expect(none).toEqual({ logger: silentLogger, metrics: discardMetrics });
  });
});
