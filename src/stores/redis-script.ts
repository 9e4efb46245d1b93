/**
 * A Lua script run on Redis as one atomic step: sent by its SHA-1 (EVALSHA), and in full only when
 * the server has not seen it yet (after a restart), so a hot path sends a few bytes.
 */
import { createHash } from 'node:crypto';
import type { RedisConnection } from './redis.js';

export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  run(
    connection: RedisConnection,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return connection.run(async (client) => {
      try {
        return await client.evalsha(this.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(this.source, keys.length, ...keys, ...args);
      }
    });
  }
}
