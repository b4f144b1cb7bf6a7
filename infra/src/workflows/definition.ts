import { readFileSync } from 'node:fs';

/**
 * Loads an ASL file of infra/workflows and substitutes its `${Name}` placeholders (runtime contract). A string
 * placeholder sits inside a JSON string and receives the text; a number placeholder may stand alone as a JSON
 * value and receives the number. The result must parse as JSON and keep no `${` (Terraform would read it as an
 * interpolation), otherwise WorkflowDefinitionError names the file and the placeholder.
 */

type PlaceholderValues = Readonly<Record<string, string | number>>;

class WorkflowDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowDefinitionError';
  }
}

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** Placeholders used by a definition, sorted. */
function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string))].sort();
}

function escapeForJsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function substitutePlaceholders(text: string, values: PlaceholderValues, source: string): string {
  const missing = placeholdersIn(text).filter((name) => !(name in values));
  if (missing.length > 0)
    throw new WorkflowDefinitionError(
      `${source}: no value for placeholder(s) ${missing.map((n) => `\${${n}}`).join(', ')}`,
    );
  const substituted = text.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = values[name] as string | number;
    return typeof value === 'number' ? String(value) : escapeForJsonString(value);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(substituted);
  } catch (error) {
    throw new WorkflowDefinitionError(
      `${source}: not valid JSON after substitution: ${(error as Error).message}`,
    );
  }
  const compact = JSON.stringify(parsed);
  if (compact.includes('${'))
    throw new WorkflowDefinitionError(
      `${source}: "\${" left after substitution (Terraform would interpolate it)`,
    );
  return compact;
}

/** Reads and substitutes one workflow file; returns compact JSON. */
function loadWorkflowDefinition(path: string, values: PlaceholderValues): string {
  return substitutePlaceholders(readFileSync(path, 'utf8'), values, path);
}

export type { PlaceholderValues };
export { loadWorkflowDefinition, placeholdersIn, substitutePlaceholders, WorkflowDefinitionError };
