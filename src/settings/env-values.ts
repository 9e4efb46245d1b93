/** Small typed readers of environment variables; each names its variable in the error it throws. */
import { isIP } from 'node:net';
import { SettingsError } from '../errors.js';

export type Env = Record<string, string | undefined>;

export function text(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new SettingsError(name, `must be true or false (got "${env[name]}")`);
}

/**
 * A cron expression (five fields: minute hour day-of-month month day-of-week), `off` for none; checked
 * for its shape here, and fully by the job queue when it registers the schedule.
 */
export function schedule(env: Env, name: string, fallback: string): string | null {
  const raw = text(env, name, fallback);
  if (raw.toLowerCase() === 'off') return null;
  if (!/^[\d*,/-]+(\s+[\d*,/-]+){4}$/.test(raw))
    throw new SettingsError(
      name,
      `must be a cron expression of five fields, like "30 3 * * *", or off (got "${raw}")`,
    );
  return raw;
}

export function int(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw new SettingsError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new SettingsError(name, `must be between ${min} and ${max} (got ${value})`);
  }
  return value;
}

export function list(env: Env, name: string, fallback: readonly string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [...fallback];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Accepts single IPs and CIDR ranges, and proxy-addr's names (loopback, linklocal, uniquelocal). */
export function proxyList(env: Env, name: string): string[] {
  const entries = list(env, name, []);
  for (const entry of entries) {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) continue;
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !bitsOk || extra !== undefined) {
      throw new SettingsError(name, `"${entry}" is not an IP address or CIDR range`);
    }
  }
  return entries;
}

export function originList(env: Env, name: string): string[] {
  const entries = list(env, name, []);
  for (const entry of entries) {
    if (!/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?$/i.test(entry)) {
      throw new SettingsError(name, `"${entry}" must be a scheme and host, like https://example.com`);
    }
  }
  return entries.map((entry) => entry.toLowerCase());
}

export function hostList(env: Env, name: string, fallback: readonly string[]): string[] {
  const entries = list(env, name, fallback).map((host) => host.toLowerCase());
  for (const host of entries) {
    if (host !== '*' && !/^\.?(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(host)) {
      throw new SettingsError(name, `"${host}" is not a host name (no scheme, port or path)`);
    }
  }
  return entries;
}

/**
 * `HOST` or `HOST:PORT`, an IPv6 host in brackets (`[::1]:8000`), split and without the brackets; null
 * when `raw` is neither. The port's range is the caller's to check.
 */
export function hostAndPort(raw: string): { host: string; port: number | null } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::(\d+))?$/.exec(raw);
  if (!match?.[1]) return null;
  return { host: match[1].replace(/^\[|\]$/g, ''), port: match[2] === undefined ? null : Number(match[2]) };
}

export function urlPrefix(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback);
  if (!/^\/([\w.-]+\/)+$/.test(value))
    throw new SettingsError(name, `must look like ${fallback} (got "${value}")`);
  return value;
}

/** An http(s) URL without query or fragment and without a trailing slash; `https://` is added to a bare host. */
export function baseUrl(name: string, raw: string, allowPath: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new SettingsError(name, `is not a URL (got "${raw}")`);
  }
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.search || parsed.hash || parsed.username) {
    throw new SettingsError(name, `must be an http(s) URL without query or credentials (got "${raw}")`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  if (path && !allowPath) {
    throw new SettingsError(
      name,
      `must be scheme and host only (got path "${path}"; put the bucket in S3_BUCKET)`,
    );
  }
  return `${parsed.origin}${path}`;
}
