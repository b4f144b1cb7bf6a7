import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TerraformStack, Testing } from 'cdktn';
import { buildApp } from '../../src/app.js';
import type { Environment } from '../../src/config/environment.js';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

interface SynthesizedStack {
  /** The `cdk.tf.json` text, as Testing.synth returns it (for Testing.toHaveResourceWithProperties). */
  readonly text: string;
  readonly json: {
    resource: Resources;
    provider: Record<string, unknown>;
    terraform: Record<string, unknown>;
  };
}

/** Builds the App for these environments and synthesizes every stack in memory (nothing written to cdktf.out). */
function synthStacks(environments: readonly Environment[]): Map<string, SynthesizedStack> {
  const app = buildApp(environments, { outdir: mkdtempSync(join(tmpdir(), 'aisaws-synth-')) });
  const stacks = new Map<string, SynthesizedStack>();
  for (const child of app.node.children) {
    const text = Testing.synth(child as TerraformStack);
    stacks.set(child.node.id, { text, json: JSON.parse(text) });
  }
  return stacks;
}

/** Every resource of a type, as a list of its configurations. */
const resourcesOf = (stack: SynthesizedStack, type: string): Record<string, unknown>[] =>
  Object.values(stack.json.resource[type] ?? {});

/** Resource counts by type (the figure the README and the report quote). */
const countsByType = (stack: SynthesizedStack): Record<string, number> =>
  Object.fromEntries(
    Object.entries(stack.json.resource).map(([type, byId]) => [type, Object.keys(byId).length]),
  );

export type { Resources, SynthesizedStack };
export { countsByType, resourcesOf, synthStacks };
