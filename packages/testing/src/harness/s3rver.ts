import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_EMULATOR_REGION, localEmulatorCredentials } from './local-credentials.js';
import { closeServer, keepIdleSocketsOpen, loopbackEndpoint } from './servers.js';

interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
}

interface S3rverInstance {
  run(): Promise<unknown>;
  httpServer?: Server;
}

// s3rver is CommonJS without type declarations; this is the part of it we use.
const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (options: S3rverOptions) => S3rverInstance;

interface RunningS3rver {
  /** `http://127.0.0.1:<ephemeral port>` */
  readonly endpoint: string;
  /** Path-style client with local placeholder credentials. */
  readonly client: S3Client;
  /** The temporary directory holding the buckets (deleted by stop). */
  readonly directory: string;
  createBucket(name: string): Promise<void>;
  /** Every key in the bucket under the prefix, sorted. */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  /** The object's body parsed as JSON. */
  readJson(bucket: string, key: string): Promise<unknown>;
  /** Destroys the client, closes the server and deletes the directory (call in afterAll). */
  stop(): Promise<void>;
}

/** Starts s3rver on a loopback ephemeral port with its buckets in a fresh temporary directory. */
async function startS3rver(): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), 'aisaws-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  await server.run();
  const httpServer = server.httpServer;
  if (!httpServer) throw new Error('s3rver did not start its HTTP server');
  keepIdleSocketsOpen(httpServer);
  const endpoint = loopbackEndpoint(httpServer);
  const client = new S3Client({
    endpoint,
    region: LOCAL_EMULATOR_REGION,
    credentials: localEmulatorCredentials(),
    forcePathStyle: true,
    maxAttempts: 1,
  });
  return {
    endpoint,
    client,
    directory,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async listKeys(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async readJson(bucket, key) {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const text = await object.Body?.transformToString('utf8');
      if (text === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
      return JSON.parse(text) as unknown;
    },
    async stop() {
      client.destroy();
      await closeServer(httpServer);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export type { RunningS3rver };
export { startS3rver };
