import { SQSClient } from '@aws-sdk/client-sqs';
import type { FauxqsServer } from 'fauxqs';
import { LOCAL_EMULATOR_REGION, localEmulatorCredentials } from './local-credentials.js';

/** fauxqs's account in every queue URL and ARN it builds. */
const FAUXQS_ACCOUNT = '000000000000';

interface LocalSqsQueue {
  /**
   * The queue's URL, fixed before the emulator runs: fauxqs finds a queue by the region in the host and the name in
   * the path, whatever the port.
   */
  readonly queueUrl: string;
  /** An SQS client for the queue. Its first request starts the emulator; until then nothing listens. */
  readonly client: SQSClient;
  /** True once something sent to or read from the queue (the emulator is running). */
  readonly started: boolean;
  /** Messages on the queue, visible, delayed and in flight (0 when the emulator never started). */
  depth(): Promise<number>;
  /** The bodies of those messages, read without receiving them (fauxqs's inspection; nothing changes). */
  bodies(): Promise<string[]>;
  /** Destroys the client and stops the emulator if it started. */
  stop(): Promise<void>;
}

/**
 * One SQS queue in fauxqs (an in-process SQS emulator, see packages/testing/README.md), started on first use: a
 * caller that may need a queue (the Alert stage's outbox, used only when SNS refuses) pays nothing for it until it
 * is used (importing and starting fauxqs costs 200–350 ms). The client resolves its endpoint when it sends, starting
 * the emulator then; `useQueueUrlAsEndpoint` is off so the URL's host is never dialled.
 */
function localSqsQueue(name: string): LocalSqsQueue {
  let server: Promise<FauxqsServer> | undefined;
  let started = false;
  const start = (): Promise<FauxqsServer> => {
    server ??= (async () => {
      const { startFauxqs } = await import('fauxqs');
      const running = await startFauxqs({ port: 0, logger: false, defaultRegion: LOCAL_EMULATOR_REGION });
      running.createQueue(name, { region: LOCAL_EMULATOR_REGION });
      started = true;
      return running;
    })();
    return server;
  };
  const client = new SQSClient({
    region: LOCAL_EMULATOR_REGION,
    credentials: localEmulatorCredentials(),
    useQueueUrlAsEndpoint: false,
    endpoint: async () => ({ url: new URL(`http://127.0.0.1:${(await start()).port}`) }),
  });
  const queueUrl = `http://sqs.${LOCAL_EMULATOR_REGION}.localhost/${FAUXQS_ACCOUNT}/${name}`;
  return {
    queueUrl,
    client,
    get started() {
      return started;
    },
    async depth() {
      return (await this.bodies()).length;
    },
    async bodies() {
      if (!server) return [];
      const inspected = (await server).inspectQueue(name);
      if (!inspected) return [];
      const { ready, delayed, inflight } = inspected.messages;
      return [...ready, ...delayed, ...inflight.map((entry) => entry.message)].map((message) => message.body);
    },
    async stop() {
      client.destroy();
      if (server) await (await server).stop();
    },
  };
}

export type { LocalSqsQueue };
export { localSqsQueue };
