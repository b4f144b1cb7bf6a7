import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `http://127.0.0.1:<port>` of a listening server. */
function loopbackEndpoint(server: Server): string {
  const address = server.address() as AddressInfo | null;
  if (!address || typeof address !== 'object') throw new Error('server is not listening on a TCP port');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * Keeps the SDK's idle kept-alive sockets open until `closeServer`. A Node server closes an idle socket after
 * `keepAliveTimeout` (5 s); a client that sends its next request on that socket as it closes gets ECONNRESET, and the
 * emulators' clients do not retry (maxAttempts 1, so a retry cannot hide a real failure). Tests that wait (approval
 * timeouts, under load) met that race.
 */
function keepIdleSocketsOpen(server: Server): void {
  server.keepAliveTimeout = 0;
}

/** Closes a server now, dropping the SDK's kept-alive sockets instead of waiting for them to time out. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

export { closeServer, keepIdleSocketsOpen, loopbackEndpoint };
