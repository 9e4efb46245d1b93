/**
 * Where sessions, login throttling and the cache live: REDIS_URL, SESSION_STORE, THROTTLE_STORE,
 * CACHE_STORE and REDIS_KEY_PREFIX. The site's database is the default for all three, so one machine
 * needs nothing else; setting REDIS_URL moves all three to Redis unless a *_STORE says otherwise
 * (docs/scaling.md).
 */
import { SettingsError } from '../errors.js';
import { type Env, text } from './env-values.js';
import { Secret } from './secret.js';

/** `memory` is one process's own map: the cache only (tests, `keen dev`, a single worker). */
export type StoreBackend = 'database' | 'redis' | 'memory';

export interface StoreSettings {
  /** redis:// or rediss:// (TLS); null when Keen runs without Redis. */
  redisUrl: Secret | null;
  /** Prepended to every Redis key, so sites can share one Redis. */
  redisKeyPrefix: string;
  sessionStore: Exclude<StoreBackend, 'memory'>;
  throttleStore: Exclude<StoreBackend, 'memory'>;
  cacheStore: StoreBackend;
}

function redisUrlFrom(env: Env): Secret | null {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new SettingsError('REDIS_URL', 'is not a URL (expected redis://host:6379/0)');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new SettingsError('REDIS_URL', `must start with redis:// or rediss:// (got ${parsed.protocol}//)`);
  if (!parsed.hostname) throw new SettingsError('REDIS_URL', 'has no host');
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db))
    throw new SettingsError('REDIS_URL', `the path must be a database number such as /0 (got /${db})`);
  return new Secret(raw);
}

function backend<T extends StoreBackend>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
  redisUrl: Secret | null,
): T {
  const value = text(env, name, fallback).toLowerCase() as T;
  if (!allowed.includes(value))
    throw new SettingsError(name, `must be one of ${allowed.join(', ')} (got "${env[name]}")`);
  if (value === 'redis' && redisUrl === null)
    throw new SettingsError(name, 'is redis, but REDIS_URL is not set');
  return value;
}

export function storesFromEnv(env: Env): { stores: Readonly<StoreSettings> } {
  const redisUrl = redisUrlFrom(env);
  const durable = ['database', 'redis'] as const;
  const fallback = redisUrl ? 'redis' : 'database';
  const prefix = text(env, 'REDIS_KEY_PREFIX', 'keen:');
  if (!/^[\w:.-]{1,64}$/.test(prefix))
    throw new SettingsError('REDIS_KEY_PREFIX', 'must be 1 to 64 letters, digits, or _ : . -');
  return {
    stores: Object.freeze({
      redisUrl,
      redisKeyPrefix: prefix,
      sessionStore: backend(env, 'SESSION_STORE', durable, fallback, redisUrl),
      throttleStore: backend(env, 'THROTTLE_STORE', durable, fallback, redisUrl),
      cacheStore: backend(env, 'CACHE_STORE', [...durable, 'memory'] as const, fallback, redisUrl),
    }),
  };
}
