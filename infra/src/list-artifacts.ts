// `pnpm --filter @aisaws/infra artifacts <env>`: prints the Lambda artifacts an environment deploys, one per line
// as `<package> <version> <repo-relative zip path>`. The deploy workflow rebuilds from the `<package>@<version>` tag
// any artifact that the current checkout did not build (an environment pinned to an older version).
import { ENVIRONMENTS_DIR, REPO_ROOT } from './app.js';
import { resolveArtifacts, resolveBacktestArtifact, workspacePackageDirs } from './config/artifacts.js';
import { loadEnvironments } from './config/environment.js';

const name = process.argv[2];
try {
  const environment = loadEnvironments(ENVIRONMENTS_DIR).find((candidate) => candidate.name === name);
  if (!environment) throw new Error(`no environment named ${JSON.stringify(name)} in ${ENVIRONMENTS_DIR}`);
  const packageDirs = workspacePackageDirs(REPO_ROOT);
  const backtest = resolveBacktestArtifact(environment, packageDirs);
  const artifacts = [
    ...Object.values(resolveArtifacts(environment, packageDirs)),
    ...(backtest ? [backtest] : []),
  ];
  for (const artifact of artifacts)
    console.log(`${artifact.packageName} ${artifact.version} ${artifact.path}`);
} catch (error) {
  console.error(`artifacts: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
