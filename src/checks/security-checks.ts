/**
 * The deployment checks of `keen check --deploy` (Django's `check --deploy`). IDs that exist in Django
 * keep Django's number, so its documentation of them still applies; Keen's own are `keen.*`.
 */
import { isIP } from 'node:net';
import type { Settings } from '../settings.js';
import type { SystemCheck } from './registry.js';

// Same thresholds as settings.ts applies when DEBUG is off; with DEBUG on it lets any key through.
const MIN_SECRET_LENGTH = 50;
const MIN_SECRET_UNIQUE_CHARACTERS = 5;

/** security.W018: DEBUG shows tracebacks and settings to anyone who triggers an error. */
export const debugCheck: SystemCheck = {
  id: 'security.W018',
  level: 'warning',
  deployOnly: true,
  run: (settings) =>
    settings.debug ? 'DEBUG is on: error pages show source code and settings to every visitor.' : null,
  hint: 'Set DEBUG=false (or remove it) in production.',
};

/** security.W009: a short or built-in SECRET_KEY lets anyone forge sessions and signed values. */
export const secretKeyCheck: SystemCheck = {
  id: 'security.W009',
  level: 'warning',
  deployOnly: true,
  run(settings) {
    // A key generated into the data folder is random and long enough; only the built-in debug key and
    // keys that slipped past the length rules (possible only with DEBUG on) are a problem.
    if (settings.secretKeySource === 'debug-default') {
      return 'SECRET_KEY is the built-in debug key, which is public: sessions and signed values can be forged.';
    }
    const key = settings.secretKey.reveal();
    if (key.length < MIN_SECRET_LENGTH || new Set(key).size < MIN_SECRET_UNIQUE_CHARACTERS) {
      return `SECRET_KEY is weak: it needs at least ${MIN_SECRET_LENGTH} characters and ${MIN_SECRET_UNIQUE_CHARACTERS} distinct ones.`;
    }
    return null;
  },
  hint: 'Set SECRET_KEY to a long random value: openssl rand -base64 48',
};

/** security.W020: `*` in ALLOWED_HOSTS turns off the Host check (cache poisoning, password-reset links). */
export const allowedHostsCheck: SystemCheck = {
  id: 'security.W020',
  level: 'warning',
  deployOnly: true,
  run: (settings) =>
    settings.allowedHosts.includes('*')
      ? "ALLOWED_HOSTS contains '*': any Host header is accepted, so links built from it can point anywhere."
      : null,
  hint: "List the site's host names in ALLOWED_HOSTS, like ALLOWED_HOSTS=example.com,www.example.com",
};

/** security.W004: without HSTS a browser may be downgraded to plain HTTP on its next visit. */
export const hstsCheck: SystemCheck = {
  id: 'security.W004',
  level: 'warning',
  deployOnly: true,
  run: (settings) =>
    settings.secureHstsSeconds === 0
      ? 'SECURE_HSTS_SECONDS is 0: browsers are not told to use HTTPS only, so a first request can be downgraded.'
      : null,
  hint: 'Set SECURE_HSTS_SECONDS (31536000 is one year) once the whole site works over HTTPS.',
};

/** security.W005: HSTS covering only this host leaves subdomains (and cookies set for them) open. */
export const hstsSubdomainsCheck: SystemCheck = {
  id: 'security.W005',
  level: 'warning',
  deployOnly: true,
  run: (settings) =>
    settings.secureHstsSeconds > 0 && !settings.secureHstsIncludeSubdomains
      ? 'SECURE_HSTS_INCLUDE_SUBDOMAINS is off: subdomains can still be reached over plain HTTP.'
      : null,
  hint: 'Set SECURE_HSTS_INCLUDE_SUBDOMAINS=true if every subdomain is served over HTTPS.',
};

/** security.W021: without preload the very first visit is still unprotected. */
export const hstsPreloadCheck: SystemCheck = {
  id: 'security.W021',
  level: 'warning',
  deployOnly: true,
  run: (settings) =>
    settings.secureHstsSeconds > 0 && !settings.secureHstsPreload
      ? "SECURE_HSTS_PRELOAD is off: the site can't be added to the browsers' HSTS preload list."
      : null,
  hint: 'Set SECURE_HSTS_PRELOAD=true and submit the domain at https://hstspreload.org.',
};

/** security.W008: plain-HTTP requests are served instead of being sent to HTTPS. */
export const sslRedirectCheck: SystemCheck = {
  id: 'security.W008',
  level: 'warning',
  deployOnly: true,
  run: (settings) =>
    settings.secureSslRedirect ? null : 'SECURE_SSL_REDIRECT is off: requests over plain HTTP are answered.',
  hint: 'Set SECURE_SSL_REDIRECT=true; ignore this if nginx already redirects port 80 to HTTPS.',
};

/** keen.W001: without trusted proxies Keen cannot see that nginx received the request over HTTPS. */
export const trustedProxiesCheck: SystemCheck = {
  id: 'keen.W001',
  level: 'warning',
  deployOnly: true,
  run: (settings) =>
    settings.trustedProxies.length === 0
      ? 'TRUSTED_PROXIES is empty: behind a proxy no request counts as HTTPS, so cookies are not marked ' +
        'Secure and HSTS is not sent.'
      : null,
  hint: 'Set TRUSTED_PROXIES to the proxy addresses, like TRUSTED_PROXIES=127.0.0.1 when nginx runs on the same host.',
};

/** keen.W002: the embedded database serves one process only, with no concurrent access. */
export const embeddedDatabaseCheck: SystemCheck = {
  id: 'keen.W002',
  level: 'warning',
  deployOnly: true,
  run: (settings) =>
    settings.database.kind === 'pglite'
      ? 'The embedded database (PGlite) is in use: one process only, so no workers, no second command ' +
        'while serving, and no replication.'
      : null,
  hint: 'Set DATABASE_URL to a PostgreSQL database, like DATABASE_URL=postgres://keen:PASSWORD@127.0.0.1:5432/keen',
};

/**
 * True for hosts whose traffic stays on this machine or its private network: loopback, a Unix socket,
 * or a single-label name (a Docker Compose service such as `db`), where TLS adds little.
 */
export function isLocalDatabaseHost(hostname: string): boolean {
  let host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  try {
    // A socket folder arrives percent-encoded: postgres://user@%2Fvar%2Frun%2Fpostgresql/keen
    host = decodeURIComponent(host);
  } catch {
    // Not valid percent-encoding: judge the name as written.
  }
  if (host.startsWith('/')) return true;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return !host.includes('.');
}

/** The first PostgreSQL URL (DATABASE_URL, then DATABASE_DIRECT_URL) without TLS, and its host. */
function clearTextDatabase(settings: Readonly<Settings>): { variable: string; host: string } | null {
  const database = settings.database;
  if (database.kind !== 'postgres') return null;
  const connections = [
    { variable: 'DATABASE_URL', connection: database },
    { variable: 'DATABASE_DIRECT_URL', connection: database.direct },
  ];
  for (const { variable, connection } of connections) {
    if (connection?.ssl !== false) continue;
    try {
      // Only the host is used; the URL itself holds the password and is never put into a message.
      const host = new URL(connection.url.reveal()).hostname;
      if (!isLocalDatabaseHost(host)) return { variable, host };
    } catch {
      // Settings validated the URL; nothing to report on one that cannot be read.
    }
  }
  return null;
}

/** keen.W003: a database over the network without TLS sends the password and the data in clear. */
export const databaseSslCheck: SystemCheck = {
  id: 'keen.W003',
  level: 'info',
  deployOnly: true,
  run(settings) {
    const found = clearTextDatabase(settings);
    if (!found) return null;
    return `${found.variable} points to ${found.host} without TLS: the password and the data cross the network in clear.`;
  },
  hint: 'Add ?sslmode=verify-full (or sslmode=require) to DATABASE_URL and DATABASE_DIRECT_URL.',
};

/** keen.W010: production with no way to send email: password resets and error mails go nowhere. */
export const emailBackendCheck: SystemCheck = {
  id: 'keen.W010',
  level: 'warning',
  deployOnly: true,
  run: (settings) =>
    settings.email.backend === 'none'
      ? 'No email backend: EMAIL_HOST is not set, so password-reset mails and the error mails to ADMINS ' +
        'are dropped.'
      : null,
  hint: 'Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS), then run keen sendtestemail you@example.com.',
};

/** keen.W011: mail from @localhost is refused or filed as spam by most receiving servers. */
export const emailSenderCheck: SystemCheck = {
  id: 'keen.W011',
  level: 'warning',
  deployOnly: true,
  run(settings) {
    if (settings.email.backend !== 'smtp') return null;
    const local = [
      ['DEFAULT_FROM_EMAIL', settings.email.defaultFrom],
      ['SERVER_EMAIL', settings.email.serverEmail],
    ].filter(([, value]) => /@localhost>?$/i.test(value ?? ''));
    return local.length > 0
      ? `${local.map(([name]) => name).join(' and ')} ${local.length > 1 ? 'are' : 'is'} an @localhost address: receiving servers reject or bin such mail.`
      : null;
  },
  hint: 'Set DEFAULT_FROM_EMAIL and SERVER_EMAIL to addresses of your domain, like "Site <noreply@example.com>".',
};

/** Every deployment check, in the order `keen check` reports them within a level. */
export const securityChecks: readonly SystemCheck[] = Object.freeze([
  debugCheck,
  secretKeyCheck,
  allowedHostsCheck,
  hstsCheck,
  hstsSubdomainsCheck,
  hstsPreloadCheck,
  sslRedirectCheck,
  trustedProxiesCheck,
  emailBackendCheck,
  emailSenderCheck,
  embeddedDatabaseCheck,
  databaseSslCheck,
]);
