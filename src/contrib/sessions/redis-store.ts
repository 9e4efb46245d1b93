/**
 * Sessions in Redis (SESSION_STORE=redis), for several instances of the site behind one balancer.
 *
 * - `session:<key>` is a hash (data as JSON, userId, createdAt, lastSeen, userAgent, ip) that Redis
 *   expires itself at the session's expiry.
 * - `user-sessions:<userId>` is the set of a user's session keys, so "log out everywhere" and the
 *   sessions page need no scan. A key whose hash has expired is dropped from it when next read.
 *
 * Every write that depends on what is there (update only if it still exists, move between users) is
 * one Lua script, so a concurrent logout is never undone. The user row comes from the database by id.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import type { RedisConnection } from '../../stores/redis.js';
import { RedisScript } from '../../stores/redis-script.js';
import { users } from '../auth/schema.js';
import { newSessionKey, type Session } from './session.js';
import {
  LISTED_SESSIONS,
  type LoadedSession,
  type SessionClient,
  type SessionStore,
  type UserSessionRow,
} from './store.js';

// KEYS[1] the session's hash. ARGV: create (1|0), data, userId ('' anonymous), expireAt ms, ip, now ms,
// userAgent, user-set key prefix, the session key. Returns 0 when an update finds nothing to update.
const SAVE = new RedisScript(`
local exists = redis.call('EXISTS', KEYS[1]) == 1
if ARGV[1] == '1' then
  if exists then return 0 end
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[6], 'userAgent', ARGV[7])
elseif not exists then
  return 0
end
local previous = redis.call('HGET', KEYS[1], 'userId')
if previous and previous ~= '' and previous ~= ARGV[3] then
  redis.call('SREM', ARGV[8] .. previous, ARGV[9])
end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'userId', ARGV[3], 'ip', ARGV[5], 'lastSeen', ARGV[6])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
if ARGV[3] ~= '' then
  local set = ARGV[8] .. ARGV[3]
  redis.call('SADD', set, ARGV[9])
  if redis.call('PEXPIRETIME', set) < tonumber(ARGV[4]) then redis.call('PEXPIREAT', set, ARGV[4]) end
end
return 1`);

// KEYS: the sessions' hashes. ARGV[1] the user-set key prefix, then each session's key.
const DELETE = new RedisScript(`
for i, key in ipairs(KEYS) do
  local user = redis.call('HGET', key, 'userId')
  if user and user ~= '' then redis.call('SREM', ARGV[1] .. user, ARGV[i + 1]) end
  redis.call('DEL', key)
end
return #KEYS`);

// KEYS[1] the user's set. ARGV[1] the session hash key prefix, ARGV[2] the key to keep ('' none).
const DELETE_USER = new RedisScript(`
local ended = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if key ~= ARGV[2] then
    ended = ended + redis.call('DEL', ARGV[1] .. key)
    redis.call('SREM', KEYS[1], key)
  end
end
return ended`);

// KEYS[1] the session's hash. ARGV: now ms, ip. Only an existing session is touched.
const TOUCH = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'lastSeen', ARGV[1], 'ip', ARGV[2])
end
return 0`);

function userQuery(db: Db) {
  return db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .limit(1)
    .prepare('keen_load_session_user');
}

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis';
  private readonly loadUser: ReturnType<typeof userQuery>;

  constructor(
    private readonly redis: RedisConnection,
    db: Db,
  ) {
    this.loadUser = userQuery(db);
  }

  private sessionKey(key: string): string {
    return this.redis.key('session', key);
  }

  private get userSetPrefix(): string {
    return this.redis.key('user-sessions', '');
  }

  async load(key: string): Promise<LoadedSession | null> {
    const fields = await this.redis.run((client) =>
      client.hmget(this.sessionKey(key), 'data', 'userId', 'lastSeen'),
    );
    const [data, userIdText, lastSeen] = fields;
    if (data === null || data === undefined) return null;
    const userId = userIdText ? Number(userIdText) : null;
    const user = userId === null ? null : ((await this.loadUser.execute({ id: userId }))[0] ?? null);
    return {
      data: JSON.parse(data) as Record<string, unknown>,
      userId,
      user,
      lastSeen: new Date(Number(lastSeen)),
    };
  }

  async save(session: Session, maxAgeSeconds: number, client: SessionClient): Promise<boolean> {
    const retired = session.takeRetiredKeys();
    if (retired.length > 0) await this.delete(retired);
    const now = Date.now();
    const create = session.key === null;
    const key = session.key ?? newSessionKey();
    const saved = await SAVE.run(
      this.redis,
      [this.sessionKey(key)],
      [
        create ? 1 : 0,
        JSON.stringify(session.toJSON()),
        session.userId ?? '',
        now + maxAgeSeconds * 1000,
        client.ip,
        now,
        client.userAgent,
        this.userSetPrefix,
        key,
      ],
    );
    if (saved !== 1) return false;
    if (create) session.assignKey(key);
    return true;
  }

  async touch(key: string, ip: string): Promise<void> {
    await TOUCH.run(this.redis, [this.sessionKey(key)], [Date.now(), ip]);
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await DELETE.run(
      this.redis,
      keys.map((key) => this.sessionKey(key)),
      [this.userSetPrefix, ...keys],
    );
  }

  async listForUser(userId: number): Promise<UserSessionRow[]> {
    const setKey = this.userSetPrefix + userId;
    const rows = await this.redis.run(async (client) => {
      const keys = await client.smembers(setKey);
      const batch = client.pipeline();
      for (const key of keys)
        batch.hmget(this.sessionKey(key), 'userId', 'userAgent', 'ip', 'createdAt', 'lastSeen');
      const results = (await batch.exec()) ?? [];
      const found: UserSessionRow[] = [];
      const gone: string[] = [];
      keys.forEach((key, i) => {
        const [error, value] = results[i] ?? [null, null];
        const [owner, userAgent, ip, createdAt, lastSeen] = (error ? [] : value) as (string | null)[];
        if (owner !== String(userId)) gone.push(key);
        else
          found.push({
            key,
            userAgent: userAgent ?? '',
            ip: ip ?? '',
            createdAt: new Date(Number(createdAt)),
            lastSeen: new Date(Number(lastSeen)),
          });
      });
      if (gone.length > 0) await client.srem(setKey, ...gone);
      return found;
    });
    return rows.sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime()).slice(0, LISTED_SESSIONS);
  }

  async deleteForUser(userId: number, keepKey?: string | null, _tx?: Tx): Promise<number> {
    const ended = await DELETE_USER.run(
      this.redis,
      [this.userSetPrefix + userId],
      [this.redis.key('session', ''), keepKey ?? ''],
    );
    return Number(ended);
  }

  /** Redis expires sessions itself; this only drops expired keys from the users' sets. */
  async clearExpired(): Promise<number> {
    await this.redis.run(async (client) => {
      for await (const sets of client.scanStream({ match: `${this.userSetPrefix}*`, count: 500 })) {
        for (const setKey of sets as string[]) {
          const keys = await client.smembers(setKey);
          const batch = client.pipeline();
          for (const key of keys) batch.exists(this.sessionKey(key));
          const results = (await batch.exec()) ?? [];
          const gone = keys.filter((_key, i) => results[i]?.[1] === 0);
          if (gone.length > 0) await client.srem(setKey, ...gone);
        }
      }
    });
    return 0;
  }

  async count(): Promise<number> {
    return this.redis.run(async (client) => {
      let total = 0;
      for await (const keys of client.scanStream({ match: this.sessionKey('*'), count: 1000 }))
        total += (keys as string[]).length;
      return total;
    });
  }
}
