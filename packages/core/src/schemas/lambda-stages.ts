/**
 * The stage names of AISAWS's Lambdas, listed once: the keys of an environment file's `lambdas`, the `<stage>` of each
 * function name `aisaws-<env>-<stage>`, and the handlers the local workflows, the demo and the load rig bind.
 */

/** Every Lambda AISAWS deploys. */
const LAMBDA_STAGES = [
  'ingest',
  'scoring',
  'decision',
  'remediation',
  'verification',
  'alert',
  'approval',
  'reconcile',
  'findings',
] as const;
type LambdaStage = (typeof LAMBDA_STAGES)[number];

/** The Lambdas the triage and remediation workflows invoke as tasks (`${<Stage>FunctionArn}` in the ASL files). */
type WorkflowTaskStage = Exclude<LambdaStage, 'approval' | 'reconcile'>;
const WORKFLOW_TASK_STAGES: readonly WorkflowTaskStage[] = LAMBDA_STAGES.filter(
  (stage): stage is WorkflowTaskStage => stage !== 'approval' && stage !== 'reconcile',
);

export type { LambdaStage, WorkflowTaskStage };
export { LAMBDA_STAGES, WORKFLOW_TASK_STAGES };
