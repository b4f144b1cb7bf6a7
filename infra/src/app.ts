import { fileURLToPath } from 'node:url';
import { catalog } from '@aisaws/core/detections';
import { permissionsFor, rollbackPermissionsFor } from '@aisaws/playbooks';
import { App } from 'cdktn';
import { resolveArtifacts, resolveBacktestArtifact, workspacePackageDirs } from './config/artifacts.js';
import type { Environment } from './config/environment.js';
import { buildFindingRules } from './events/finding-rules.js';
import { buildEventRules } from './events/rules.js';
import { GuardrailsStack } from './stacks/guardrails-stack.js';
import { MemberStack } from './stacks/member-stack.js';
import { SecurityStack } from './stacks/security-stack.js';

/** Repository root and the infra folders, from this file's location (never from the current directory). */
const INFRA_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOWS_DIR = `${INFRA_DIR}workflows`;
const ENVIRONMENTS_DIR = `${INFRA_DIR}environments`;
const OUT_DIR = `${INFRA_DIR}cdktf.out`;

interface BuildOptions {
  /** Where `synth()` writes; defaults to infra/cdktf.out. */
  readonly outdir?: string;
}

/**
 * One App with, per environment, the security stack `<env>` and one `<env>-member-<account>` stack per member
 * account. The EventBridge rules come from the detection catalog (plus the GuardDuty / Security Hub finding rules); the member and remediation IAM from the
 * playbooks' declared actions.
 */
function buildApp(environments: readonly Environment[], options: BuildOptions = {}): App {
  const app = new App({ outdir: options.outdir ?? OUT_DIR, skipValidation: false });
  const packageDirs = workspacePackageDirs(REPO_ROOT);
  const eventRules = [...buildEventRules(catalog), ...buildFindingRules()];
  const playbookActions = permissionsFor();
  const rollbackActions = rollbackPermissionsFor();
  for (const environment of environments) {
    new SecurityStack(app, environment.name, {
      environment,
      artifacts: resolveArtifacts(environment, packageDirs),
      eventRules,
      playbookActions,
      rollbackActions,
      workflowsDir: WORKFLOWS_DIR,
      backtestArtifact: resolveBacktestArtifact(environment, packageDirs),
    });
    for (const account of environment.accounts.members)
      new MemberStack(app, `${environment.name}-member-${account}`, {
        environment,
        account,
        eventRules,
        playbookActions,
        rollbackActions,
      });
    if (environment.guardrails) new GuardrailsStack(app, `${environment.name}-guardrails`, environment);
  }
  return app;
}

export type { BuildOptions };
export { buildApp, ENVIRONMENTS_DIR, OUT_DIR, REPO_ROOT, WORKFLOWS_DIR };
