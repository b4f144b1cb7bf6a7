import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../src/app.js';
import { interpolation } from '../support/interpolation.js';

interface ValidationState {
  errors: { code: string; title: string; path?: string; detail?: string }[];
}
const { validateWorkflow } = createRequire(import.meta.url)('@action-validator/core') as {
  validateWorkflow: (source: string) => ValidationState;
};

const WORKFLOWS_DIR = `${REPO_ROOT}.github/workflows`;
const files = readdirSync(WORKFLOWS_DIR).filter((name) => name.endsWith('.yml'));
const sourceOf = (name: string) => readFileSync(`${WORKFLOWS_DIR}/${name}`, 'utf8');

interface Job {
  environment?: string;
  permissions?: Record<string, string>;
  uses?: string;
  strategy?: { matrix?: Record<string, unknown> };
  steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const workflowOf = (name: string) => parse(sourceOf(name)) as Workflow;

describe('GitHub Actions workflows', () => {
  it('has CI, deploy and release workflows', () => {
    expect(files).toEqual(
      expect.arrayContaining(['ci.yml', 'deploy.yml', 'deploy-environment.yml', 'release.yml']),
    );
  });

  it.each(files)('%s is a valid workflow for action-validator', (name) => {
    const result = validateWorkflow(sourceOf(name));

    expect(result.errors).toEqual([]);
  });

  it.each(files)('%s pins every action by full commit SHA with a version comment', (name) => {
    const uses = [...sourceOf(name).matchAll(/uses:\s*(\S+)(.*)$/gm)];

    for (const [, reference, rest] of uses) {
      if (reference?.startsWith('./')) continue;
      expect(reference).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(rest).toMatch(/^\s+# v\d+(?:\.\d+){0,2}$/);
    }
  });

  it.each(files)('%s starts from a read-only token', (name) => {
    expect(workflowOf(name).permissions).toEqual({ contents: 'read' });
  });

  it('asks for an OIDC token only where AWS is reached, and never uses stored AWS keys', () => {
    for (const name of files) {
      const source = sourceOf(name);
      expect(source).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
      if (source.includes('id-token: write')) expect(name).toMatch(/^deploy/);
    }
  });

  it('runs lint, typecheck, test, build, synth and the ASL validator on Node 22 and 24', () => {
    const ci = workflowOf('ci.yml');
    const [job] = Object.values(ci.jobs);
    const runs = (job?.steps ?? []).map((step) => step.run ?? '').join('\n');

    expect(job?.strategy?.matrix?.node).toEqual([22, 24]);
    for (const command of [
      'pnpm install --frozen-lockfile',
      'pnpm lint',
      'pnpm typecheck',
      'pnpm test:jest',
      'pnpm build',
      'pnpm synth',
      'asl-validator',
    ])
      expect(runs).toContain(command);
  });

  it('applies only the reviewed plan, in the protected GitHub Environment, after the plan job', () => {
    const deploy = workflowOf('deploy-environment.yml');
    const plan = deploy.jobs.plan as Job;
    const apply = deploy.jobs.apply as Job & { needs?: string };
    const planRuns = (plan.steps ?? []).map((step) => step.run ?? '').join('\n');
    const applyRuns = (apply.steps ?? []).map((step) => step.run ?? '').join('\n');

    expect(apply.needs).toBe('plan');
    expect(apply.environment).toBe(interpolation('{ inputs.environment }'));
    expect(planRuns).toContain('plan -input=false -lock-timeout=5m -out=tfplan');
    expect(planRuns).toContain('GITHUB_STEP_SUMMARY');
    expect(applyRuns).toContain('apply -input=false -lock-timeout=5m tfplan');
    expect(plan.steps?.some((step) => step.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
  });

  it('deploys dev before prod', () => {
    const deploy = workflowOf('deploy.yml') as Workflow & {
      jobs: Record<string, Job & { needs?: string; with?: Record<string, string> }>;
    };

    expect(deploy.jobs.dev?.with?.environment).toBe('dev');
    expect(deploy.jobs.prod?.with?.environment).toBe('prod');
    expect(deploy.jobs.prod?.needs).toBe('dev');
  });

  it('releases through changesets with write access limited to the release job', () => {
    const release = workflowOf('release.yml');
    const job = release.jobs.release as Job;

    expect(job.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(job.steps?.some((step) => step.uses?.startsWith('changesets/action@'))).toBe(true);
  });
});
