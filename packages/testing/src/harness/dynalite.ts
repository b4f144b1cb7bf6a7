import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_EMULATOR_REGION, localEmulatorCredentials } from './local-credentials.js';
import { closeServer, keepIdleSocketsOpen, loopbackEndpoint } from './servers.js';

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}

// dynalite is CommonJS without type declarations; this is the one function of it we call.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;

interface RunningDynalite {
  /** `http://127.0.0.1:<ephemeral port>` */
  readonly endpoint: string;
  /** A client pointed at this instance with local placeholder credentials. */
  readonly client: DynamoDBClient;
  /** Destroys the client and closes the server (call in afterAll). */
  stop(): Promise<void>;
}

/** Starts an in-memory dynalite on a loopback ephemeral port; tables are ACTIVE as soon as they are created. */
async function startDynalite(): Promise<RunningDynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  keepIdleSocketsOpen(server);
  const endpoint = loopbackEndpoint(server);
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_EMULATOR_REGION,
    credentials: localEmulatorCredentials(),
    maxAttempts: 1,
  });
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      await closeServer(server);
    },
  };
}

export type { RunningDynalite };
export { startDynalite };
