import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../../src/app.js';
import { artifactFileName } from '../../src/config/artifacts.js';

const SCRIPT = join(REPO_ROOT, 'scripts/zip-lambda.mjs');

/** Reads a zip's entries through its central directory (enough of the format to check what Lambda will unpack). */
function readZip(buffer: Buffer): Map<string, string> {
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  const entries = new Map<string, string>();
  for (let index = 0; index < count; index += 1) {
    const method = buffer.readUInt16LE(offset + 10);
    const compressedSize = buffer.readUInt32LE(offset + 20);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const localOffset = buffer.readUInt32LE(offset + 42);
    const name = buffer.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    const localNameLength = buffer.readUInt16LE(localOffset + 26);
    const localExtraLength = buffer.readUInt16LE(localOffset + 28);
    const dataStart = localOffset + 30 + localNameLength + localExtraLength;
    const data = buffer.subarray(dataStart, dataStart + compressedSize);
    entries.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function lambdaPackage(manifest: Record<string, unknown>, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aisaws-zip-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const runZip = (cwd: string) => spawnSync(process.execPath, [SCRIPT], { cwd, encoding: 'utf8' });

describe('scripts/zip-lambda.mjs', () => {
  it('zips dist/ into dist/<name-without-scope>-<version>.zip, ESM marker included, source maps left out', () => {
    const dir = lambdaPackage(
      { name: '@aisaws/lambda-demo', version: '1.4.0', type: 'module' },
      {
        'dist/index.js': 'export const handler = async () => 1;',
        'dist/index.js.map': '{}',
        'dist/chunks/a.js': 'a',
      },
    );

    const result = runZip(dir);

    expect(result.status).toBe(0);
    const zip = readZip(readFileSync(join(dir, 'dist', artifactFileName('@aisaws/lambda-demo', '1.4.0'))));
    expect([...zip.keys()]).toEqual(['chunks/a.js', 'index.js', 'package.json']);
    expect(zip.get('index.js')).toBe('export const handler = async () => 1;');
    expect(JSON.parse(zip.get('package.json') ?? '')).toEqual({ type: 'module' });
  });

  it('is reproducible and never packs an earlier zip', () => {
    const dir = lambdaPackage(
      { name: '@aisaws/lambda-demo', version: '1.0.0', type: 'module' },
      { 'dist/index.js': 'x' },
    );
    const zipPath = join(dir, 'dist', 'lambda-demo-1.0.0.zip');

    runZip(dir);
    const first = readFileSync(zipPath);
    runZip(dir);
    const second = readFileSync(zipPath);

    expect(second.equals(first)).toBe(true);
    expect([...readZip(second).keys()]).not.toContain('lambda-demo-1.0.0.zip');
  });

  it('fails naming the problem when the build is missing or the version is not a semver', () => {
    const unbuilt = lambdaPackage({ name: '@aisaws/lambda-demo', version: '1.0.0' }, {});
    const badVersion = lambdaPackage(
      { name: '@aisaws/lambda-demo', version: 'next' },
      { 'dist/index.js': 'x' },
    );

    const missing = runZip(unbuilt);
    const invalid = runZip(badVersion);

    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('does not exist; run the build first');
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain('"version" must be a semver, got next');
  });
});
