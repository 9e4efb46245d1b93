/**
 * Login-throttle counters in Redis (THROTTLE_STORE=redis), shared by every instance of the site: the
 * sixth wrong password is refused whichever instance receives it. Each counter is a hash (attempts,
 * start) that Redis expires when its window ends; counting all three is one Lua script.
 */
import type { Tx } from '../../db/client.js';
import type { RedisConnection } from '../../stores/redis.js';
import { RedisScript } from '../../stores/redis-script.js';
import {
  type Attempt,
  accountKey,
  clientKey,
  type Decision,
  decide,
  THROTTLE,
  type ThrottleStore,
} from './throttle.js';

// KEYS: the three counters. ARGV[1] now (ms), ARGV[2] the window (ms). Returns attempts and start of each.
const RESERVE = new RedisScript(`
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for _, key in ipairs(KEYS) do
  local start = tonumber(redis.call('HGET', key, 'start'))
  local attempts
  if start == nil or start <= now - window then
    start = now
    attempts = 1
    redis.call('HSET', key, 'start', ARGV[1], 'attempts', 1)
  else
    attempts = redis.call('HINCRBY', key, 'attempts', 1)
  end
  redis.call('PEXPIREAT', key, start + window)
  table.insert(out, attempts)
  table.insert(out, start)
end
return out`);

// KEYS[1] the (account, client) counter, KEYS[2..3] the client's and the account's.
const SUCCEEDED = new RedisScript(`
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  local attempts = tonumber(redis.call('HGET', KEYS[i], 'attempts'))
  if attempts and attempts > 0 then redis.call('HINCRBY', KEYS[i], 'attempts', -1) end
end
return 0`);

/** A key part with no `:` (the separator) and no glob character, so SCAN patterns match it exactly. */
function part(value: string): string {
  return encodeURIComponent(value).replace(/\*/g, '%2A');
}

export class RedisThrottleStore implements ThrottleStore {
  readonly kind = 'redis';

  constructor(private readonly redis: RedisConnection) {}

  private keys(attempt: Attempt): [string, string, string] {
    const account = part(accountKey(attempt.account));
    const client = part(clientKey(attempt.client));
    const { action } = attempt;
    return [
      this.redis.key('throttle', action, 'ac', account, client),
      this.redis.key('throttle', action, 'c', client),
      this.redis.key('throttle', action, 'a', account),
    ];
  }

  async reserve(attempt: Attempt, now = new Date()): Promise<Decision> {
    const counts = (await RESERVE.run(this.redis, this.keys(attempt), [
      now.getTime(),
      THROTTLE.windowSeconds * 1000,
    ])) as number[];
    const counter = (i: number) => ({
      attempts: Number(counts[2 * i]),
      windowStart: Number(counts[2 * i + 1]),
    });
    return decide({ accountClient: counter(0), client: counter(1), account: counter(2) }, now.getTime());
  }

  async succeeded(attempt: Attempt): Promise<void> {
    await SUCCEEDED.run(this.redis, this.keys(attempt), []);
  }

  /** Finds the counters by pattern (unlocking is rare) and deletes them; `tx` is not used. */
  async unlock(target: { account?: string; client?: string }, _tx?: Tx): Promise<number> {
    const patterns: string[] = [];
    if (target.account !== undefined) {
      const account = part(accountKey(target.account));
      patterns.push(
        this.redis.key('throttle', '*', 'a', account),
        this.redis.key('throttle', '*', 'ac', account, '*'),
      );
    }
    if (target.client !== undefined) {
      const client = part(clientKey(target.client));
      patterns.push(
        this.redis.key('throttle', '*', 'c', client),
        this.redis.key('throttle', '*', 'ac', '*', client),
      );
    }
    return this.redis.run(async (client) => {
      const found = new Set<string>();
      for (const match of patterns) {
        for await (const keys of client.scanStream({ match, count: 500 }))
          for (const key of keys as string[]) found.add(key);
      }
      return found.size > 0 ? client.del(...found) : 0;
    });
  }

  async prune(): Promise<number> {
    return 0;
  }
}
