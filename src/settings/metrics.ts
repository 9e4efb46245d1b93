/**
 * The Prometheus endpoint: METRICS_BIND (HOST:PORT, off when empty) and METRICS_TOKEN. It is served by
 * the `keen serve` supervisor on a port of its own, never on the site's, so nginx never exposes it. An
 * address other people can reach needs a bearer token: metrics name the site's routes and its load.
 */
import { isIP } from 'node:net';
import { SettingsError } from '../errors.js';
import { type Env, hostAndPort } from './env-values.js';
import { Secret } from './secret.js';

export interface MetricsSettings {
  host: string;
  port: number;
  /** Required as `Authorization: Bearer …` when set. */
  token: Secret | null;
}

/** Loopback and private addresses (RFC 1918, unique local IPv6): reachable only from inside. */
function isInternal(host: string): boolean {
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return true;
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host)) return true;
  return isIP(host) === 6 && /^f[cd]/i.test(host);
}

export function metricsFromEnv(env: Env): { metrics: Readonly<MetricsSettings> | null } {
  const bind = env.METRICS_BIND?.trim();
  const token = env.METRICS_TOKEN?.trim() || null;
  if (token !== null && token.length < 16)
    throw new SettingsError('METRICS_TOKEN', 'must be at least 16 characters (openssl rand -hex 24)');
  if (!bind) return { metrics: null };
  const parsed = hostAndPort(bind);
  const port = parsed?.port ?? 0;
  if (!parsed || port < 1 || port > 65535)
    throw new SettingsError('METRICS_BIND', `must be HOST:PORT, such as 127.0.0.1:9464 (got "${bind}")`);
  const host = parsed.host;
  if (!isInternal(host) && token === null) {
    throw new SettingsError(
      'METRICS_BIND',
      `${host} is reachable from outside: set METRICS_TOKEN, or bind to 127.0.0.1 or a private address`,
    );
  }
  return { metrics: Object.freeze({ host, port, token: token === null ? null : new Secret(token) }) };
}
