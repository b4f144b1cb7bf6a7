import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workflows of infra/workflows the local runner runs (the backtest has its own simulation). */
type WorkflowName = 'triage' | 'remediation' | 'rollback';

/** Every `${Placeholder}` the ASL files may contain (the infra substitutes the same names). */
const PLACEHOLDERS = [
  'IngestFunctionArn',
  'ScoringFunctionArn',
  'DecisionFunctionArn',
  'RemediationFunctionArn',
  'VerificationFunctionArn',
  'AlertFunctionArn',
  'FindingsFunctionArn',
  'RollbackFunctionArn',
  'RemediationStateMachineArn',
  'RollbackStateMachineArn',
  'EventsTableName',
  'QuarantineQueueUrl',
  'ApprovalTimeoutSeconds',
] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
type PlaceholderValues = Record<Placeholder, string>;

const RELATIVE_DIR = join('infra', 'workflows');

/** Walks up from `start` to the first directory that holds infra/workflows/triage.asl.json. */
function findUp(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, RELATIVE_DIR, 'triage.asl.json'))) return join(dir, RELATIVE_DIR);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * infra/workflows of the repository: searched upward from this module (source checkout), then from the current
 * directory (a bundled CLI run inside the repo). `AISAWS_WORKFLOWS_DIR` overrides both.
 */
function workflowsDirectory(): string {
  const override = process.env.AISAWS_WORKFLOWS_DIR;
  if (override) return resolve(override);
  const here = import.meta.url.startsWith('file:') ? dirname(fileURLToPath(import.meta.url)) : undefined;
  const found = (here && findUp(here)) ?? findUp(process.cwd());
  if (!found)
    throw new Error(
      'infra/workflows not found above this module nor the current directory; set AISAWS_WORKFLOWS_DIR',
    );
  return found;
}

/** Replaces every `${Name}` with its value; an unknown or missing placeholder is an error naming it. */
function substitutePlaceholders(text: string, values: Partial<PlaceholderValues>): string {
  return text.replace(/\$\{([A-Za-z0-9]+)\}/g, (_match, name: string) => {
    const value = values[name as Placeholder];
    if (value === undefined) throw new Error(`ASL placeholder \${${name}} has no value`);
    return value;
  });
}

/** Reads infra/workflows/<name>.asl.json, substitutes the placeholders and parses it. */
function loadWorkflowDefinition(
  name: WorkflowName,
  values: Partial<PlaceholderValues>,
  directory = workflowsDirectory(),
): Record<string, unknown> {
  const path = join(directory, `${name}.asl.json`);
  return JSON.parse(substitutePlaceholders(readFileSync(path, 'utf8'), values)) as Record<string, unknown>;
}

export type { Placeholder, PlaceholderValues, WorkflowName };
export { loadWorkflowDefinition, PLACEHOLDERS, substitutePlaceholders, workflowsDirectory };
