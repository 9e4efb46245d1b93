/** Binds an already-built app to a real loopback port, for tests that need real sockets (browsers, other processes). */
import type { FastifyInstance } from 'fastify';

/** Starts listening on 127.0.0.1 on a free port; returns the base URL, e.g. `http://127.0.0.1:41234`. */
export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
  return `http://127.0.0.1:${address.port}`;
}
