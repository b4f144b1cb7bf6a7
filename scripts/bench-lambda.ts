/**
 * Benchmark of every Lambda artefact: the size of the zip that is deployed and the module init of its bundle.
 *
 *   pnpm bench:lambda [--json] [--runs N] [--no-build]
 *
 * 1. Builds and packages every Lambda (`pnpm package`: tsup bundle, then scripts/zip-lambda.mjs), unless --no-build.
 * 2. For each Lambda package (every package with a `package` script): `zipBytes` is the size of
 *    `dist/<name>-<version>.zip`; `initMs` is the median over N fresh Node processes (default 7, at least 5) of
 *    the time `await import('dist/index.js')` takes — what the runtime spends in the module's init phase, with the
 *    environment the infra gives that Lambda in the dev environment (infra/src/stacks/lambda-environment.ts, so a
 *    variable the handler needs and the infra forgot fails here), plus the variables Lambda itself sets. The bundle
 *    runs from a folder laid out like the runtime's: `task/index.js` + `task/package.json` (what the zip holds) and
 *    the AWS SDK clients the runtime provides resolved from a `node_modules` beside it (here pnpm's hoisted
 *    `node_modules/.pnpm/node_modules`, on Lambda `/var/runtime/node_modules`), so a package the bundle leaves out
 *    but the runtime would not have fails here. Node's own start-up is not counted.
 *    The table also shows the import's CPU time (steadier than wall time when the machine is busy) and the 1-minute
 *    load average while measuring: a wall time taken on a loaded machine says more about the machine.
 * 3. Prints a table (or, with --json, one JSON array [{"name","zipBytes","initMs"}]) and exits 1 when a zip is over
 *    400 KB or an init over 80 ms (the budgets of issue 12), so CI can run it as a gate.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { init as initModuleLexer, parse as parseModule } from 'es-module-lexer';
import { loadEnvironments, STAGES, type Stage } from '../infra/src/config/environment.js';
import { namesFor } from '../infra/src/config/naming.js';
import { backtestLambdaEnvironment, lambdaEnvironment } from '../infra/src/stacks/lambda-environment.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ZIP_BUDGET_BYTES = 400 * 1024;
const INIT_BUDGET_MS = 80;

interface LambdaPackage {
  readonly name: string;
  readonly dir: string;
  readonly zipPath: string;
  /** The stage whose environment the function gets (a custom scorer is deployed as the scoring stage). */
  readonly stage: Stage;
}

interface LambdaFigures {
  readonly name: string;
  readonly zipBytes: number;
  readonly initMs: number;
}

/** Printed in the table beside the figures (not in --json, whose shape is fixed). */
interface LambdaDetails {
  readonly initCpuMs: number;
  readonly loadAverage: number;
}

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '7' },
    'no-build': { type: 'boolean', default: false },
  },
  strict: true,
});
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 5) {
  process.stderr.write(`bench-lambda: --runs must be a whole number >= 5, got ${options.runs}\n`);
  process.exit(2);
}

function lambdaPackages(): LambdaPackage[] {
  const packagesDir = join(ROOT, 'packages');
  return readdirSync(packagesDir)
    .sort()
    .flatMap((folder) => {
      const dir = join(packagesDir, folder);
      const manifestPath = join(dir, 'package.json');
      if (!existsSync(manifestPath)) return [];
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        name: string;
        version: string;
        scripts?: Record<string, string>;
      };
      if (!manifest.scripts?.package) return [];
      const unscoped = manifest.name.replace(/^@[^/]+\//, '');
      const stageName = unscoped.replace(/^lambda-/, '');
      const stage = (STAGES as readonly string[]).includes(stageName) ? (stageName as Stage) : 'scoring';
      return [
        { name: unscoped, dir, zipPath: join(dir, 'dist', `${unscoped}-${manifest.version}.zip`), stage },
      ];
    });
}

/** The variables the Lambda service sets in every function, beside the function's own. */
function runtimeVariables(functionName: string): Record<string, string> {
  return {
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '1',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_ACCESS_KEY_ID: 'ASIABENCHMARKONLY000',
    AWS_SECRET_ACCESS_KEY: 'bench-only-not-a-real-secret',
    AWS_SESSION_TOKEN: 'bench-only',
    TZ: ':UTC',
  };
}

const devEnvironment = loadEnvironments(join(ROOT, 'infra', 'environments')).find(
  (env) => env.name === 'dev',
);
if (!devEnvironment) throw new Error('bench-lambda: infra/environments has no dev environment');
const names = namesFor(devEnvironment);

function environmentOf(lambda: LambdaPackage): Record<string, string> {
  // The backtest Lambda is no triage/remediation stage: it gets the environment the infra gives it.
  if (lambda.name === 'lambda-backtest')
    return {
      PATH: process.env.PATH ?? '',
      ...runtimeVariables(names.functionName('backtest')),
      ...backtestLambdaEnvironment({
        environmentName: devEnvironment?.name ?? 'dev',
        names,
        policyJson: JSON.stringify(devEnvironment?.policy ?? {}),
      }),
    };
  return {
    PATH: process.env.PATH ?? '',
    ...runtimeVariables(names.functionName(lambda.stage)),
    ...lambdaEnvironment(lambda.stage, {
      environmentName: devEnvironment?.name ?? 'dev',
      names,
      approvalUrl: 'https://bench.lambda-url.eu-west-1.on.aws/',
      policyJson: JSON.stringify(devEnvironment?.policy ?? {}),
      externalId: devEnvironment?.externalId ?? 'bench-external-id',
      memberAccounts: devEnvironment?.accounts.members ?? [],
      selfRoleArns: names.selfRoleArns(devEnvironment?.accounts.members ?? [], { backtest: false }),
    }),
  };
}

const INIT_PROBE = [
  'const cpuBefore = process.cpuUsage();',
  'const started = performance.now();',
  'await import(process.argv[1]);',
  'const wallMs = performance.now() - started;',
  'const cpu = process.cpuUsage(cpuBefore);',
  'process.stdout.write(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }));',
].join('\n');

interface InitSample {
  readonly wallMs: number;
  /** CPU time of the whole process during the import (all threads): steadier than wall time on a busy machine. */
  readonly cpuMs: number;
}

const sandbox = mkdtempSync(join(tmpdir(), 'aisaws-bench-lambda-'));
symlinkSync(join(ROOT, 'node_modules', '.pnpm', 'node_modules'), join(sandbox, 'node_modules'), 'dir');
process.on('exit', () => rmSync(sandbox, { recursive: true, force: true }));

/**
 * `<sandbox>/<name>/task/`: what the zip holds (dist/ without source maps and zips, plus the ESM marker), with the
 * runtime-provided SDK resolvable above it.
 */
function stageBundle(lambda: LambdaPackage): string {
  const task = join(sandbox, lambda.name, 'task');
  mkdirSync(task, { recursive: true });
  cpSync(join(lambda.dir, 'dist'), task, {
    recursive: true,
    filter: (source) => !source.endsWith('.map') && !source.endsWith('.zip'),
  });
  writeFileSync(join(task, 'package.json'), '{"type":"module"}\n');
  return join(task, 'index.js');
}

const NODE_BUILTINS = new Set(builtinModules);

/**
 * The packages a bundle imports from outside itself (the ones the runtime must provide): the specifiers of its
 * static and dynamic `import`s, as es-module-lexer reads them (a text search also matched minified code, e.g. a
 * string ending in "import"), in every JavaScript file of the bundle (a split bundle's chunks too).
 */
function externalImports(bundlePath: string): string[] {
  const folder = dirname(bundlePath);
  const specifiers = readdirSync(folder)
    .filter((file) => file.endsWith('.js'))
    .flatMap((file) => {
      const [imports] = parseModule(readFileSync(join(folder, file), 'utf8'));
      return imports.flatMap((entry) => (entry.n === undefined ? [] : [entry.n]));
    });
  return [
    ...new Set(
      specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !NODE_BUILTINS.has(s)),
    ),
  ].sort();
}

/** One cold module init in a fresh Node process. */
function measureInit(lambda: LambdaPackage, bundlePath: string): InitSample {
  const bundle = pathToFileURL(bundlePath).href;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', INIT_PROBE, bundle], {
    cwd: dirname(bundlePath),
    env: environmentOf(lambda),
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(
      `${lambda.name}: the bundle failed to initialise (exit ${result.status}):\n${result.stderr}`,
    );
  return JSON.parse(result.stdout) as InitSample;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

if (!options['no-build']) {
  process.stderr.write('bench-lambda: building and packaging every Lambda (pnpm package)…\n');
  const build = spawnSync('pnpm', ['package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    process.stderr.write(`bench-lambda: pnpm package failed (exit ${build.status})\n`);
    process.exit(1);
  }
}

await initModuleLexer;
const lambdas = lambdaPackages();
const details = new Map<string, LambdaDetails>();
const figures: LambdaFigures[] = lambdas.map((lambda) => {
  if (!existsSync(lambda.zipPath))
    throw new Error(`${lambda.name}: ${lambda.zipPath} is missing; run without --no-build`);
  const bundlePath = stageBundle(lambda);
  const external = externalImports(bundlePath);
  if (!options.json)
    process.stderr.write(`${lambda.name}: imports from the runtime: ${external.join(', ') || 'nothing'}\n`);
  const samples = Array.from({ length: runs }, () => measureInit(lambda, bundlePath));
  const round = (ms: number) => Math.round(ms * 10) / 10;
  details.set(lambda.name, {
    initCpuMs: round(median(samples.map((sample) => sample.cpuMs))),
    loadAverage: loadavg()[0] ?? 0,
  });
  return {
    name: lambda.name,
    zipBytes: statSync(lambda.zipPath).size,
    initMs: round(median(samples.map((sample) => sample.wallMs))),
  };
});

const overBudget = figures.filter((f) => f.zipBytes > ZIP_BUDGET_BYTES || f.initMs > INIT_BUDGET_MS);

if (options.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
else {
  const rows = figures.map(
    (f) =>
      `${f.name.padEnd(22)} ${(f.zipBytes / 1024).toFixed(1).padStart(8)} KB ${f.initMs.toFixed(1).padStart(8)} ms` +
      ` ${(details.get(f.name)?.initCpuMs ?? 0).toFixed(1).padStart(8)} ms ${(details.get(f.name)?.loadAverage ?? 0).toFixed(1).padStart(6)}` +
      (f.zipBytes > ZIP_BUDGET_BYTES || f.initMs > INIT_BUDGET_MS ? '   OVER BUDGET' : ''),
  );
  process.stdout.write(
    [
      `Lambda artefacts (Node ${process.versions.node}, ${process.arch}; init = median of ${runs} fresh processes)`,
      `${'lambda'.padEnd(22)} ${'zip'.padStart(11)} ${'init'.padStart(11)} ${'init CPU'.padStart(11)} ${'load'.padStart(6)}`,
      ...rows,
      `budgets: zip <= ${ZIP_BUDGET_BYTES / 1024} KB, init <= ${INIT_BUDGET_MS} ms; over budget: ${overBudget.length}`,
      '',
    ].join('\n'),
  );
}
process.exitCode = overBudget.length > 0 ? 1 : 0;
