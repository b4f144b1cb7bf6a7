import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'tsup';
import { EVENT_STREAMS_LEFT_OUT, lambdaBundle } from '../../../scripts/lambda-bundle.js';
import { REPO_ROOT } from '../../src/app.js';

const run = promisify(execFile);

// A bundle built with the Lambdas' own options from an entry that sends one DynamoDB GetItem, the way every
// Lambda's SDK client does: does it sign with the credentials Lambda puts in the environment, and only with those?
const ENTRY = [
  "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
  "const client = new DynamoDBClient({ region: 'eu-west-1' });",
  "await client.send(new GetItemCommand({ TableName: 'events', Key: { eventId: { S: 'e-1' } } }));",
].join('\n');

describe('scripts/lambda-bundle.ts: what a Lambda bundle keeps and leaves out', () => {
  const requests: IncomingHttpHeaders[] = [];
  const dynamodb = createServer((request, response) => {
    requests.push(request.headers);
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end('{}');
  });
  let workDir = '';
  let bundlePath = '';
  let endpoint = '';

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'aisaws-lambda-bundle-'));
    writeFileSync(join(workDir, 'entry.mjs'), ENTRY);
    writeFileSync(join(workDir, 'package.json'), '{"type":"module"}\n');
    const options = lambdaBundle();
    await build({
      ...options,
      entry: { index: join(workDir, 'entry.mjs') },
      outDir: join(workDir, 'dist'),
      sourcemap: false,
      silent: true,
      // The entry lives outside the workspace: resolve the SDK from pnpm's hoisted folder.
      esbuildOptions: (esbuild) => {
        esbuild.nodePaths = [join(REPO_ROOT, 'node_modules', '.pnpm', 'node_modules')];
      },
    });
    bundlePath = join(workDir, 'dist', 'index.js');
    await new Promise<void>((listening) => dynamodb.listen(0, '127.0.0.1', listening));
    endpoint = `http://127.0.0.1:${(dynamodb.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((closed) => dynamodb.close(closed));
  });

  /** Runs the bundle in a fresh Node process with only the given environment (plus PATH and a HOME of its own). */
  function runBundle(env: Record<string, string>, home: string) {
    return run(process.execPath, [bundlePath], {
      cwd: workDir,
      env: { PATH: process.env.PATH ?? '', HOME: home, AWS_ENDPOINT_URL_DYNAMODB: endpoint, ...env },
    });
  }

  /** A HOME whose ~/.aws/credentials holds a default profile: the SDK's full chain would sign with it. */
  function homeWithSharedCredentials(): string {
    const home = mkdtempSync(join(workDir, 'home-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(
      join(home, '.aws', 'credentials'),
      '[default]\naws_access_key_id = AKIDFROMSHAREDFILE01\naws_secret_access_key = shared-file-secret\n',
    );
    return home;
  }

  it('signs with the role credentials Lambda sets in the environment', async () => {
    // Prepare
    requests.length = 0;
    // Act
    await runBundle(
      {
        AWS_ACCESS_KEY_ID: 'ASIAFROMLAMBDAENV001',
        AWS_SECRET_ACCESS_KEY: 'env-secret',
        AWS_SESSION_TOKEN: 'env-session-token',
      },
      homeWithSharedCredentials(),
    );
    // Assess
    expect(requests).toHaveLength(1);
    expect(requests[0]?.authorization).toContain('Credential=ASIAFROMLAMBDAENV001/');
    expect(requests[0]?.['x-amz-security-token']).toBe('env-session-token');
  });

  it('has no other link of the default chain: without those variables the call fails, no shared file is read', async () => {
    // Prepare
    requests.length = 0;
    // Act
    const outcome = runBundle({}, homeWithSharedCredentials());
    // Assess
    await expect(outcome).rejects.toThrow(/Unable to find environment variable credentials/);
    expect(requests).toHaveLength(0);
  });

  it('keeps the English zod messages @aisaws/core registers for its zod/mini schemas (a side effect)', async () => {
    // Prepare: the Ingest Lambda's own schema, bundled the same way.
    const entry = join(workDir, 'messages.mjs');
    writeFileSync(
      entry,
      [
        "import { CloudTrailRecordSchema } from '@aisaws/core/schemas';",
        'const result = CloudTrailRecordSchema.safeParse({ eventSource: 1 });',
        "process.stdout.write(result.error.issues.map((issue) => issue.message).join('\\n'));",
      ].join('\n'),
    );
    await build({
      ...lambdaBundle(),
      entry: { messages: entry },
      outDir: join(workDir, 'dist-messages'),
      sourcemap: false,
      silent: true,
      esbuildOptions: (esbuild) => {
        esbuild.nodePaths = [join(REPO_ROOT, 'packages', 'lambda-ingest', 'node_modules')];
      },
    });
    // Act
    const { stdout } = await run(process.execPath, [join(workDir, 'dist-messages', 'messages.js')], {
      cwd: workDir,
    });
    // Assess: zod/mini with no locale would say "Invalid input" only.
    expect(stdout).toContain('Invalid input: expected string, received number');
  });

  it('loads node:stream/web (imported by @middy/core for response streaming) on first use, not at init', async () => {
    // Prepare
    const entry = join(workDir, 'streams.mjs');
    writeFileSync(
      entry,
      [
        "import { ReadableStream } from 'node:stream/web';",
        "const loaded = () => process.moduleLoadList.includes('NativeModule stream/web');",
        'const atInit = loaded();',
        'const Stream = ReadableStream;',
        'process.stdout.write(JSON.stringify({ atInit, afterUse: loaded(), same: Stream === globalThis.ReadableStream }));',
      ].join('\n'),
    );
    await build({
      ...lambdaBundle(),
      entry: { streams: entry },
      outDir: join(workDir, 'dist-streams'),
      sourcemap: false,
      silent: true,
    });
    // Act
    const { stdout } = await run(process.execPath, [join(workDir, 'dist-streams', 'streams.js')], {
      cwd: workDir,
    });
    // Assess: not loaded by the import, loaded by the first read, and the real class.
    expect(JSON.parse(stdout)).toEqual({ atInit: false, afterUse: true, same: true });
  });

  it('leaves the other credential providers and their STS/SSO clients out of the bundle', () => {
    const bundle = readFileSync(bundlePath, 'utf8');
    for (const left of ['defaultProvider::fromSSO', 'defaultProvider::fromIni', 'AssumeRoleWithWebIdentity'])
      expect(bundle).not.toContain(left);
  });

  it("leaves the SDK's event-stream support out: its dynamic import is the module that says so", () => {
    const bundle = readFileSync(bundlePath, 'utf8');
    expect(bundle).toContain(EVENT_STREAMS_LEFT_OUT);
    // The event-stream codec (message prelude, CRC32 checks) is not bundled.
    expect(bundle).not.toContain('Provided message too short to accommodate event stream message overhead');
  });
});
