#!/usr/bin/env node
// Set-up, then one workspace script: `node scripts/bootstrap.mjs <script> [args…]`.
//
// README's two commands (`npm run demo`, `npm test`) come through here so that a fresh machine with only Node.js
// (any LTS) and npm gets going without reading further. Each step is skipped when already satisfied, so a second
// run does no set-up work:
//   1. Node.js 24: the running node if it is >= 24, else the official binary from the npm registry (package `node`)
//      installed once into .tools/node24;
//   2. pnpm 10.34.9 (the version "packageManager" pins): the one on PATH if it is that version, else installed once
//      into .tools/pnpm;
//   3. dependencies: `pnpm install --frozen-lockfile` when node_modules was not installed from this exact lockfile;
//   4. `pnpm run <script> [args…]` with Node 24 first on PATH, exiting with its code.
// Plain JavaScript with no dependencies, because it has to run before anything is installed, on whichever Node.js
// the machine has.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_MAJOR = 24;
const NODE_PACKAGE = 'node@24';
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const packageManager = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
const PNPM_VERSION = String(packageManager).replace(/^pnpm@/, '');
const toolsDir = join(root, '.tools');
const installStamp = join(root, 'node_modules', '.aisaws-install-stamp');

const [script, ...scriptArgs] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node scripts/bootstrap.mjs <workspace script> [args…]\n');
  process.exit(2);
}

const say = (line) => process.stderr.write(`[set-up] ${line}\n`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.signal) process.kill(process.pid, result.signal);
  return result.status ?? 1;
}

function mustRun(what, command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) {
    say(`${what} failed (exit ${status}); nothing else was run.`);
    process.exit(status);
  }
}

function versionOf(command, args = ['--version']) {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function majorOf(version) {
  return Number.parseInt(String(version).replace(/^v/, ''), 10);
}

/** The directory of a Node.js >= 24 binary: this process's own, or one installed under .tools. */
function ensureNode() {
  if (majorOf(process.versions.node) >= NODE_MAJOR) return dirname(process.execPath);
  const prefix = join(toolsDir, 'node24');
  const binDir = join(prefix, 'node_modules', 'node', 'bin');
  const binary = join(binDir, process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(binary) || majorOf(versionOf(binary)) !== NODE_MAJOR) {
    say(
      `Node.js ${process.versions.node} is running; installing Node.js ${NODE_MAJOR} into .tools/node24 (once)…`,
    );
    mkdirSync(prefix, { recursive: true });
    mustRun('installing Node.js', 'npm', [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      NODE_PACKAGE,
    ]);
    const installed = versionOf(binary);
    if (majorOf(installed) !== NODE_MAJOR) {
      say(
        `the installed Node.js binary did not report version ${NODE_MAJOR} (got ${installed ?? 'nothing'}).`,
      );
      process.exit(1);
    }
  }
  return binDir;
}

/** A command line that runs pnpm PNPM_VERSION: the one on PATH, or one installed under .tools. */
function ensurePnpm(nodeBinDir) {
  if (versionOf('pnpm') === PNPM_VERSION) return { command: 'pnpm', prefixArgs: [] };
  const prefix = join(toolsDir, 'pnpm');
  const entry = join(prefix, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
  const node = join(nodeBinDir, process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(entry) || versionOf(node, [entry, '--version']) !== PNPM_VERSION) {
    say(`installing pnpm ${PNPM_VERSION} into .tools/pnpm (once)…`);
    mkdirSync(prefix, { recursive: true });
    mustRun('installing pnpm', 'npm', [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `pnpm@${PNPM_VERSION}`,
    ]);
  }
  return { command: node, prefixArgs: [entry] };
}

/** The lockfile and every package.json decide what is installed; the stamp records the ones last installed. */
function dependencyFingerprint() {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(root, 'pnpm-lock.yaml')));
  hash.update(readFileSync(join(root, 'pnpm-workspace.yaml')));
  hash.update(`node ${NODE_MAJOR}\n`);
  return hash.digest('hex');
}

function ensureDependencies(pnpm, env) {
  const fingerprint = dependencyFingerprint();
  if (existsSync(installStamp) && readFileSync(installStamp, 'utf8') === fingerprint) return;
  say('installing dependencies (pnpm install --frozen-lockfile)…');
  mustRun('pnpm install', pnpm.command, [...pnpm.prefixArgs, 'install', '--frozen-lockfile'], { env });
  writeFileSync(installStamp, fingerprint);
}

const nodeBinDir = ensureNode();
const env = { ...process.env, PATH: [nodeBinDir, process.env.PATH ?? ''].join(delimiter) };
const pnpm = ensurePnpm(nodeBinDir);
ensureDependencies(pnpm, env);
process.exit(run(pnpm.command, [...pnpm.prefixArgs, 'run', script, ...scriptArgs], { env }));
