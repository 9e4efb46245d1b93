/**
 * The cache in Redis (CACHE_STORE=redis), through the process's one RedisConnection: keys are
 * `<REDIS_KEY_PREFIX>cache:<key>`, values JSON strings with a PX expiry. A connection failure is a
 * RedisUnavailableError (503) from `run`, never a miss or a write reported as done. `incr` is one Lua
 * script, so the increment and the expiry of a new counter happen together.
 */
import { CacheInputError } from '../../errors.js';
import type { RedisConnection } from '../../stores/redis.js';
import { RedisScript } from '../../stores/redis-script.js';
import type { CacheBackend } from './cache.js';

// INCRBY creates an absent key at 0; a key with no expiry yet is one this call created.
const INCREMENT = new RedisScript(`
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`);

function milliseconds(ttlSeconds: number): number {
  return Math.max(1, Math.ceil(ttlSeconds * 1000));
}

export class RedisCache implements CacheBackend {
  readonly kind = 'redis' as const;

  constructor(private readonly redis: RedisConnection) {}

  private key(key: string): string {
    return this.redis.key('cache', key);
  }

  async readMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    const values = await this.redis.run((client) => client.mget(keys.map((key) => this.key(key))));
    return values.map((value) => value ?? undefined);
  }

  async write(key: string, json: string, ttlSeconds: number): Promise<void> {
    await this.redis.run((client) => client.set(this.key(key), json, 'PX', milliseconds(ttlSeconds)));
  }

  async writeIfAbsent(key: string, json: string, ttlSeconds: number): Promise<boolean> {
    const reply = await this.redis.run((client) =>
      client.set(this.key(key), json, 'PX', milliseconds(ttlSeconds), 'NX'),
    );
    return reply === 'OK';
  }

  async remove(key: string): Promise<boolean> {
    return (await this.redis.run((client) => client.del(this.key(key)))) > 0;
  }

  async increment(key: string, delta: number, ttlSeconds: number): Promise<number> {
    try {
      const value = await INCREMENT.run(this.redis, [this.key(key)], [delta, milliseconds(ttlSeconds)]);
      return Number(value);
    } catch (error) {
      // Redis refuses INCRBY on a value that is not an integer (or would overflow).
      if (this.redis.isReplyError(error))
        throw new CacheInputError(`incr of "${key.slice(0, 50)}", which is not an integer`);
      throw error;
    }
  }
}
