// `pnpm --filter @aisaws/infra artifacts <env>`: prints the Lambda artifacts an environment deploys, one per line
// as `<package> <version> <repo-relative zip path>`. The deploy workflow rebuilds from the `<package>@<version>` tag
// any artifact that the current checkout did not build (an environment pinned to an older version).
import { ENVIRONMENTS_DIR, REPO_ROOT } from './app.js';
import { resolveArtifacts, workspacePackageDirs } from './config/artifacts.js';
import { loadEnvironments } from './config/environment.js';

const name = process.argv[2];
try {
  const environment = loadEnvironments(ENVIRONMENTS_DIR).find((candidate) => candidate.name === name);
  if (!environment) throw new Error(`no environment named ${JSON.stringify(name)} in ${ENVIRONMENTS_DIR}`);
  const artifacts = resolveArtifacts(environment, workspacePackageDirs(REPO_ROOT));
  for (const artifact of Object.values(artifacts))
    console.log(`${artifact.packageName} ${artifact.version} ${artifact.path}`);
} catch (error) {
  console.error(`artifacts: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
