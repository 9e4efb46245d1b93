/**
 * The one Redis connection a process keeps (ioredis), shared by the session, throttle and cache stores.
 *
 * Commands never wait in a queue for a connection that is down: they fail at once, and `run` turns
 * that failure into a RedisUnavailableError (503). One line is logged when Redis goes away and one when
 * it is back; ioredis reconnects by itself, so the site recovers without a restart. ioredis is loaded
 * only when a store uses Redis: a worker without it starts without the module (about 130 ms).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisUnavailableError } from '../errors.js';
import type { Secret } from '../settings/secret.js';

export interface RedisOptions {
  url: Secret;
  /** Prepended to every key (REDIS_KEY_PREFIX). */
  keyPrefix: string;
  logger: Logger;
  /** How long opening waits for the first connection before going on without it. */
  connectWaitMs?: number;
}

/** What this file uses of ioredis, loaded on first use. */
type IoRedisModule = Pick<typeof import('ioredis'), 'Redis' | 'ReplyError'>;

// A command on a live connection answers in well under this; past it the connection is treated as down.
const COMMAND_TIMEOUT_MS = 2000;

export class RedisConnection {
  readonly client: Redis;
  readonly keyPrefix: string;
  /** ioredis's class for an error Redis itself answered (a script error, a wrong type). */
  private readonly replyError: new (
    ...args: never[]
  ) => Error;
  private readonly logger: Logger;
  private up = false;
  private reportedDown = false;

  private constructor(options: RedisOptions, { Redis, ReplyError }: IoRedisModule) {
    this.keyPrefix = options.keyPrefix;
    this.logger = options.logger;
    this.replyError = ReplyError as new (...args: never[]) => Error;
    this.client = new Redis(options.url.reveal(), {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: COMMAND_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      // Try again soon, then every two seconds, for as long as the process lives.
      retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    });
    this.client.on('ready', () => {
      this.up = true;
      if (this.reportedDown) this.logger.info('redis is reachable again');
      this.reportedDown = false;
    });
    this.client.on('close', () => {
      this.up = false;
    });
    // Every reconnection attempt emits an error; only the first of an outage is logged.
    this.client.on('error', (error: Error) => this.reportDown(error));
  }

  /** Connects, waiting a little for Redis; a Redis still down is logged, and requests get 503 until it is up. */
  static async open(options: RedisOptions): Promise<RedisConnection> {
    const connection = new RedisConnection(options, await import('ioredis'));
    const wait = options.connectWaitMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      connection.client.connect().catch((error: Error) => connection.reportDown(error)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, wait);
      }),
    ]);
    clearTimeout(timer);
    return connection;
  }

  /** True while the connection is ready (the health endpoint and the metrics read it). */
  get isUp(): boolean {
    return this.up;
  }

  /** A key under this site's prefix: `key('session', k)` is `keen:session:k`. */
  key(...parts: readonly (string | number)[]): string {
    return this.keyPrefix + parts.join(':');
  }

  /** Runs commands; a connection failure becomes RedisUnavailableError, a Redis error reply is rethrown. */
  async run<T>(operation: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await operation(this.client);
    } catch (error) {
      if (this.isReplyError(error)) throw error;
      this.reportDown(error);
      throw new RedisUnavailableError(error);
    }
  }

  /** True for an error Redis answered (the command was wrong), as opposed to a connection failure. */
  isReplyError(error: unknown): boolean {
    return error instanceof this.replyError;
  }

  /** Throws RedisUnavailableError when Redis does not answer (the health endpoint). */
  async ping(): Promise<void> {
    await this.run((client) => client.ping());
  }

  async close(): Promise<void> {
    this.reportedDown = true; // a closing connection is not an outage
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private reportDown(error: unknown): void {
    if (this.reportedDown) return;
    this.reportedDown = true;
    const reason = error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
    this.logger.error({ err: { message: reason } }, 'redis is unreachable; requests that need it get 503');
  }
}
