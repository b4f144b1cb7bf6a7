import type { Environment, Stage } from './environment.js';

/** Memory and timeout per stage unless the environment overrides them (`lambdas.<stage>.memoryMb|timeoutSeconds`). */
const STAGE_DEFAULTS: Readonly<Record<Stage, { memoryMb: number; timeoutSeconds: number }>> = {
  ingest: { memoryMb: 512, timeoutSeconds: 30 },
  scoring: { memoryMb: 1024, timeoutSeconds: 30 },
  decision: { memoryMb: 512, timeoutSeconds: 30 },
  remediation: { memoryMb: 512, timeoutSeconds: 120 },
  verification: { memoryMb: 512, timeoutSeconds: 60 },
  alert: { memoryMb: 256, timeoutSeconds: 30 },
  approval: { memoryMb: 256, timeoutSeconds: 15 },
  reconcile: { memoryMb: 256, timeoutSeconds: 300 },
  findings: { memoryMb: 256, timeoutSeconds: 30 },
};

/** The memory and timeout a stage's Lambda is deployed with in this environment (what the stack synthesizes). */
function lambdaSizing(
  environment: Pick<Environment, 'lambdas'>,
  stage: Stage,
): { memoryMb: number; timeoutSeconds: number } {
  return {
    memoryMb: environment.lambdas[stage].memoryMb ?? STAGE_DEFAULTS[stage].memoryMb,
    timeoutSeconds: environment.lambdas[stage].timeoutSeconds ?? STAGE_DEFAULTS[stage].timeoutSeconds,
  };
}

export { lambdaSizing, STAGE_DEFAULTS };
