import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment, Stage } from './environment.js';
import { STAGES } from './environment.js';

/** The zip a Lambda is deployed from, as scripts/zip-lambda.mjs names it. */
interface LambdaArtifact {
  readonly stage: Stage;
  /** e.g. `@aisaws/lambda-scoring` or `@aisaws/scoring-example`. */
  readonly packageName: string;
  readonly version: string;
  /** Repository-relative, posix: `packages/<dir>/dist/<name-without-scope>-<version>.zip`. */
  readonly path: string;
}

/** Where `terraform` runs (`infra/cdktf.out/stacks/<stack>`) relative to the repository root, reversed. */
const STACK_DIR_TO_REPO_ROOT = '../../../..';

class ArtifactResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactResolutionError';
  }
}

const unscoped = (name: string): string => name.replace(/^@[^/]+\//, '');

/** `dist/<package-without-scope>-<version>.zip`, the naming contract shared with scripts/zip-lambda.mjs. */
const artifactFileName = (packageName: string, version: string): string =>
  `${unscoped(packageName)}-${version}.zip`;

/** Maps workspace package names to their folder (`packages/<dir>`), read once from the package manifests. */
function workspacePackageDirs(repoRoot: string): ReadonlyMap<string, string> {
  const dirs = new Map<string, string>();
  const packagesDir = join(repoRoot, 'packages');
  for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
    const manifest = join(packagesDir, entry.name, 'package.json');
    if (!entry.isDirectory() || !existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
    if (typeof name === 'string') dirs.set(name, `packages/${entry.name}`);
  }
  return dirs;
}

/**
 * The artifact of every stage of an environment. The scoring Lambda's package comes from the environment
 * (`lambdas.scoring.package`), so a custom scorer is a configuration change, never an AISAWS code change.
 */
function resolveArtifacts(
  environment: Environment,
  packageDirs: ReadonlyMap<string, string>,
): Readonly<Record<Stage, LambdaArtifact>> {
  const entries = STAGES.map((stage): [Stage, LambdaArtifact] => {
    const config = environment.lambdas[stage];
    const packageName = config.package ?? `@aisaws/lambda-${stage}`;
    const dir = config.packageDir ?? packageDirs.get(packageName);
    if (dir === undefined)
      throw new ArtifactResolutionError(
        `environment ${environment.name}: lambdas.${stage}.package: ${packageName} is not a workspace package; set lambdas.${stage}.packageDir to its folder`,
      );
    const path = `${dir.replace(/\/+$/, '')}/dist/${artifactFileName(packageName, config.version)}`;
    return [stage, Object.freeze({ stage, packageName, version: config.version, path })];
  });
  return Object.freeze(Object.fromEntries(entries) as Record<Stage, LambdaArtifact>);
}

/** The backtest Lambda's artifact (`@aisaws/lambda-backtest`), when the environment has a backtest. */
function resolveBacktestArtifact(
  environment: Environment,
  packageDirs: ReadonlyMap<string, string>,
): Omit<LambdaArtifact, 'stage'> | undefined {
  if (environment.backtest === undefined) return undefined;
  const packageName = '@aisaws/lambda-backtest';
  const dir = packageDirs.get(packageName);
  if (dir === undefined)
    throw new ArtifactResolutionError(
      `environment ${environment.name}: ${packageName} is not a workspace package`,
    );
  const { version } = environment.backtest.lambda;
  return Object.freeze({
    packageName,
    version,
    path: `${dir}/dist/${artifactFileName(packageName, version)}`,
  });
}

/** The artifact path as Terraform sees it from the stack folder: relative, so the output is machine-independent. */
const artifactPathFromStack = (artifact: Pick<LambdaArtifact, 'path'>): string =>
  `${STACK_DIR_TO_REPO_ROOT}/${artifact.path}`;

export type { LambdaArtifact };
export {
  ArtifactResolutionError,
  artifactFileName,
  artifactPathFromStack,
  resolveArtifacts,
  resolveBacktestArtifact,
  workspacePackageDirs,
};
