import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The demo's approval endpoint: a loopback HTTP server standing in for the Approval Lambda's function URL. Each
 * request becomes a Lambda function URL event (payload format 2.0) handed to the REAL approval handler, and the
 * handler's `{statusCode, headers, body}` becomes the HTTP response. `aisaws approve <link>` and `--auto-approve`
 * both go through it.
 */

type FunctionUrlHandler = (
  event: unknown,
) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>;

interface ApprovalServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Binds the handler (the server starts before the handlers exist: their links need its URL). */
  setHandler(handler: FunctionUrlHandler): void;
  close(): Promise<void>;
}

/** The function URL event AWS builds for a request (the fields handlers read). */
function functionUrlEvent(
  request: IncomingMessage,
  body: string,
  domainName: string,
): Record<string, unknown> {
  const url = new URL(request.url ?? '/', `http://${domainName}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'aisaws-demo-approval',
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: crypto.randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body, isBase64Encoded: false } : { isBase64Encoded: false }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the endpoint on a loopback port (0 = any free port). */
async function startApprovalServer(port = 0): Promise<ApprovalServer> {
  let handler: FunctionUrlHandler | undefined;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      try {
        if (!handler) {
          response
            .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
            .end('approval handler not ready\n');
          return;
        }
        const host = request.headers.host ?? '127.0.0.1';
        const result = await handler(functionUrlEvent(request, await readBody(request), host));
        response.writeHead(result.statusCode, result.headers ?? {}).end(result.body ?? '');
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${boundPort}/`,
    setHandler(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type { ApprovalServer, FunctionUrlHandler };
export { functionUrlEvent, startApprovalServer };
