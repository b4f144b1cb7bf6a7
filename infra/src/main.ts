// `pnpm synth`: validates every infra/environments/*.json and writes cdktf.out/stacks/<stack>/cdk.tf.json through
// the library (App.synth()), without the cdktn CLI.
import { buildApp, ENVIRONMENTS_DIR, OUT_DIR } from './app.js';
import { loadEnvironments } from './config/environment.js';

try {
  const environments = loadEnvironments(ENVIRONMENTS_DIR);
  const app = buildApp(environments);
  app.synth();
  const stacks = app.node.children.map((child) => child.node.id);
  console.log(`synth: ${stacks.length} stacks → ${OUT_DIR}/stacks/{${stacks.join(',')}}/cdk.tf.json`);
} catch (error) {
  console.error(`synth failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
