/**
 * A TCP proxy that can be cut and restored, to simulate a database outage (server down, network
 * partition) without touching the real database server that other tests share.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  constructor(
    readonly targetHost: string,
    readonly targetPort: number,
  ) {}

  /** The local port; stays the same across stop()/start() so clients can reconnect to it. */
  get port(): number {
    return this.#port;
  }

  /** Starts accepting on 127.0.0.1 (on a free port the first time, on the same port after). */
  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        // A reset on one side just ends the pair; the proxy must never crash the test process.
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: this.#port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('proxy is not on a TCP port');
    this.#port = address.port;
    this.#server = server;
  }

  /** Refuses new connections and cuts every open one: what clients see when the database goes away. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
