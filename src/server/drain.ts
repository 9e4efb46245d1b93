/**
 * Graceful drain of an HTTP server without dropping a request.
 *
 * Node's `server.close()` also closes idle keep-alive connections at once, racing any client that is
 * sending its next request on one of them (it sees ECONNRESET). Instead: stop accepting new
 * connections, answer every further request with `Connection: close` (the client then opens its next
 * connection to another worker), and close connections that stay idle only after a grace period.
 */
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';

export interface DrainOptions {
  /** Give up waiting after this long; the caller then force-closes. */
  timeoutMs: number;
  /** Connections idle this long while draining are closed (the client is not mid-request). */
  idleGraceMs?: number;
}

/** Marks responses with `Connection: close` once {@link drainServer} has started on `server`. */
export function closeConnectionsWhenDraining(server: Server): { draining: () => boolean; start: () => void } {
  let draining = false;
  server.on('request', (_request, response) => {
    if (draining && !response.headersSent) response.setHeader('connection', 'close');
  });
  return { draining: () => draining, start: () => (draining = true) };
}

function openConnections(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}

/**
 * Stops accepting, then waits until every connection has closed (or `timeoutMs`). Returns true when
 * all connections closed in time.
 */
export async function drainServer(server: Server, options: DrainOptions): Promise<boolean> {
  const idleGraceMs = options.idleGraceMs ?? 1000;
  // The net.Server close: stops accepting without http.Server's immediate idle-connection close.
  NetServer.prototype.close.call(server);
  const deadline = Date.now() + options.timeoutMs;
  const started = Date.now();
  while (Date.now() < deadline) {
    if ((await openConnections(server)) === 0) return true;
    if (Date.now() - started >= idleGraceMs) server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (await openConnections(server)) === 0;
}
