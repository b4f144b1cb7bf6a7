#!/usr/bin/env node
// Packages a Lambda bundle: zips the files of `dist/` (the tsup output) into `dist/<name-without-scope>-<version>.zip`.
// Run as each Lambda package's `package` script (cwd = the package). The infra picks the artifact version per
// environment from that file name, so prod can keep an older zip while dev takes the new one.
//
// The archive is reproducible: entries are sorted, timestamps fixed and modes normalised, so the same bundle always
// gives the same bytes (and the same `source_code_hash`, hence no spurious Lambda update on `terraform plan`).
import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

/** 1980-01-01, the earliest date a zip entry can hold: a constant so the bytes never depend on the build time. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

class PackageManifestError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PackageManifestError';
  }
}

/** `@aisaws/lambda-ingest` → `lambda-ingest`. */
const unscoped = (name) => name.replace(/^@[^/]+\//, '');

const artifactName = (name, version) => `${unscoped(name)}-${version}.zip`;

async function readManifest(packageDir) {
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
  if (typeof manifest.name !== 'string' || manifest.name.length === 0)
    throw new PackageManifestError(`package.json in ${packageDir}: "name" is missing`);
  if (typeof manifest.version !== 'string' || !/^\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/.test(manifest.version))
    throw new PackageManifestError(
      `package.json of ${manifest.name}: "version" must be a semver, got ${manifest.version}`,
    );
  return manifest;
}

/** Files under dir, recursively, as sorted posix paths relative to dir; previous zips and source maps are never packed. */
async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.zip') && !entry.name.endsWith('.map'))
    .map((entry) =>
      relative(dir, join(entry.parentPath ?? entry.path, entry.name))
        .split(sep)
        .join('/'),
    )
    .sort();
}

async function zipLambda(packageDir) {
  const manifest = await readManifest(packageDir);
  const distDir = join(packageDir, 'dist');
  const exists = await stat(distDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists)
    throw new PackageManifestError(`${manifest.name}: ${distDir} does not exist; run the build first`);
  const files = await listFiles(distDir);
  if (files.length === 0)
    throw new PackageManifestError(`${manifest.name}: ${distDir} holds no file to package`);

  const zip = new yazl.ZipFile();
  for (const file of files)
    zip.addFile(join(distDir, file), file, { mtime: FIXED_MTIME, mode: 0o100644, compress: true });
  // tsup writes ESM to `index.js`; Lambda's Node runtime reads it as ESM only with `"type": "module"` beside it.
  if (manifest.type === 'module' && !files.includes('package.json'))
    zip.addBuffer(Buffer.from('{"type":"module"}\n'), 'package.json', { mtime: FIXED_MTIME, mode: 0o100644 });
  zip.end();

  const target = join(distDir, artifactName(manifest.name, manifest.version));
  await pipeline(zip.outputStream, createWriteStream(target));
  const { size } = await stat(target);
  return { target, files: files.length, size };
}

const packageDir = process.argv[2] ?? process.cwd();
try {
  const { target, files, size } = await zipLambda(packageDir);
  console.log(`zip-lambda: ${relative(process.cwd(), target) || target} (${files} files, ${size} bytes)`);
} catch (error) {
  console.error(`zip-lambda: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
