/**
 * Keen's settings: read once from the environment (and an optional `.env`), validated, typed and frozen.
 *
 * Precedence: process environment > `.env` file > the defaults below. The defaults are the production
 * ones; debug conveniences need `DEBUG=true`. Every problem stops the start with one line that names the
 * variable and what is wrong with it. Each variable is documented in docs/configuration.md.
 *
 * Nothing here reads `process.env` at import time: call {@link loadSettings}.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { SettingsError } from './errors.js';
import { matchLanguage, normaliseTag } from './i18n/languages.js';
import { projectRoot } from './project-root.js';
import { type DatabaseSettings, databaseFromEnv } from './settings/database.js';
import { type EmailSettings, emailFromEnv } from './settings/email.js';
import {
  bool,
  type Env,
  hostAndPort,
  hostList,
  int,
  list,
  originList,
  proxyList,
  schedule,
  text,
  urlPrefix,
} from './settings/env-values.js';
import { mediaFromEnv } from './settings/media.js';
import { type MetricsSettings, metricsFromEnv } from './settings/metrics.js';
import { Secret } from './settings/secret.js';
import { type StoreSettings, storesFromEnv } from './settings/stores.js';
import { type TracingSettings, tracingFromEnv } from './settings/tracing.js';

export type { DatabaseSettings, PostgresConnection } from './settings/database.js';
export { directDatabase } from './settings/database.js';
export { Secret } from './settings/secret.js';

/** S3-compatible object storage for media (Cloudflare R2, AWS S3, MinIO…); see docs/media.md. */
export interface S3Settings {
  /** The API endpoint, scheme and host only (no trailing slash); objects are addressed path-style. */
  endpointUrl: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: Secret;
  /** Signing region; R2 uses `auto`. */
  region: string;
  /** What public media URLs start with (no trailing slash): the custom domain, else endpoint/bucket. */
  publicBaseUrl: string;
}

/** The validated, frozen settings every part of Keen receives. */
export interface Settings {
  debug: boolean;
  /** The Prometheus endpoint the `keen serve` supervisor opens, or null (off). */
  metrics: Readonly<MetricsSettings> | null;
  /** Where OpenTelemetry traces are sent (OTLP/HTTP), or null (off). */
  tracing: Readonly<TracingSettings> | null;
  /** Where sessions, login throttling and the cache live (the database unless Redis is set up). */
  stores: Readonly<StoreSettings>;
  secretKey: Secret;
  /** Where the secret key came from, for the start-up log (never the key itself). */
  secretKeySource: 'env' | 'generated' | 'data-dir' | 'debug-default';
  allowedHosts: readonly string[];
  database: DatabaseSettings;
  dataDir: string;
  bindHost: string;
  port: number;
  webConcurrency: number;
  /** Seconds a worker may go without a heartbeat (event loop blocked) before it is killed and replaced. */
  workerTimeout: number;
  /** Seconds in-flight requests get to finish on shutdown or reload before the worker is killed. */
  gracefulTimeout: number;
  /** Requests after which a worker is replaced (0 = never), plus up to `maxRequestsJitter` more. */
  maxRequests: number;
  maxRequestsJitter: number;
  trustedProxies: readonly string[];
  csrfTrustedOrigins: readonly string[];
  secureSslRedirect: boolean;
  secureHstsSeconds: number;
  secureHstsIncludeSubdomains: boolean;
  secureHstsPreload: boolean;
  sessionCookieAge: number;
  /** CLEARSESSIONS_SCHEDULE: when the background worker deletes expired sessions (cron, site's TIME_ZONE); null = never. */
  clearSessionsSchedule: string | null;
  /** THROTTLE_CLEANUP_SCHEDULE: when it deletes login-throttle counters whose window has passed; null = never. */
  throttleCleanupSchedule: string | null;
  /** Email: backend, SMTP server, senders, ADMINS (src/settings/email.ts). */
  email: Readonly<EmailSettings>;
  /** PASSWORD_RESET_TIMEOUT: seconds a password-reset link works (Django's default: 3 days). */
  passwordResetTimeout: number;
  /** ADMIN_REQUIRE_2FA: staff must set up and pass a second factor before any admin page (default: on unless DEBUG). */
  adminRequire2fa: boolean;
  /** When the background jobs write a backup archive (cron in TIME_ZONE), or null (the default: off). */
  backupSchedule: string | null;
  /** How many scheduled backup archives to keep in BACKUP_DIR. */
  backupKeep: number;
  /** Where scheduled backups are written. */
  backupDir: string;
  dataUploadMaxMemorySize: number;
  dataUploadMaxNumberFields: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logPretty: boolean;
  slowRequestMs: number;
  timeZone: string;
  /** The default language (LANGUAGE_CODE), as one of `languages` (`en-us` → `en`). */
  languageCode: string;
  /** The languages pages may be shown in (LANGUAGES); each needs a catalogue in every app. */
  languages: readonly string[];
  /** LANGUAGE_URL_PREFIXES: public pages live under `/<language>/` (Django's i18n_patterns). */
  languageUrlPrefixes: boolean;
  staticRoot: string;
  staticUrl: string;
  /** STATIC_MEMORY_BUDGET: bytes of collected, hashed static files each worker keeps in memory. */
  staticMemoryBudget: number;
  /** STATIC_MEMORY_FILE_MAX: larger files (and their variants) are streamed from disk instead. */
  staticMemoryFileMax: number;
  /** Where the admin lives, e.g. `/admin/`. */
  adminPath: string;
  /**
   * SITE_URL: the site's public origin (`https://coreofkeen.com`), for absolute links in feeds, the
   * sitemap, canonical and OpenGraph tags; null: the request's own (its Host is checked first).
   */
  siteUrl: string | null;
  /** MEDIA_ROOT; default `<KEEN_DATA_DIR>/media` on the embedded database, `./media` with PostgreSQL. */
  mediaRoot: string;
  mediaUrl: string;
  /** SERVE_MEDIA: the app serves MEDIA_ROOT at MEDIA_URL (local storage); behind nginx, nginx answers first. */
  serveMedia: boolean;
  /** Where uploads are kept: MEDIA_ROOT on this disk, or S3-compatible object storage. */
  mediaStorage: 'local' | 's3';
  /** Set exactly when `mediaStorage` is `s3`. */
  s3: Readonly<S3Settings> | null;
  /** Largest uploaded file in bytes (413 above it). */
  fileUploadMaxSize: number;
  /** Folder where uploads are streamed before they are checked and stored. */
  fileUploadTempDir: string;
}

/** Secret keys that ship in docs and templates; using one in production is as good as none. */
const PLACEHOLDER_SECRETS = [
  'django-insecure-change-this-in-production',
  'change-me',
  'changeme',
  'secret',
  'your-secret-key',
  'test-secret-key',
];
const MIN_SECRET_LENGTH = 50;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads `.env` from the project folder (if any) and merges it under the real environment. */
export function readEnvironment(processEnv: Env = process.env, cwd = projectRoot()): Env {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return { ...processEnv };
  let fromFile: Env;
  try {
    fromFile = parseEnv(readFileSync(file, 'utf8')) as Env;
  } catch (error) {
    throw new SettingsError('.env', `cannot be read: ${(error as Error).message}`);
  }
  return { ...fromFile, ...processEnv };
}

function secretKeyFromEnv(
  env: Env,
  debug: boolean,
  database: DatabaseSettings,
  dataDir: string,
): Pick<Settings, 'secretKey' | 'secretKeySource'> {
  const raw = env.SECRET_KEY?.trim();
  if (raw) {
    if (!debug) {
      if (raw.length < MIN_SECRET_LENGTH) {
        throw new SettingsError(
          'SECRET_KEY',
          `is ${raw.length} characters; it needs at least ${MIN_SECRET_LENGTH} (generate one with: openssl rand -base64 48)`,
        );
      }
      const lowered = raw.toLowerCase();
      if (PLACEHOLDER_SECRETS.includes(lowered) || lowered.startsWith('django-insecure-')) {
        throw new SettingsError(
          'SECRET_KEY',
          'is a known placeholder; generate one with: openssl rand -base64 48',
        );
      }
      if (new Set(raw).size < 5)
        throw new SettingsError('SECRET_KEY', 'has fewer than 5 distinct characters');
    }
    return { secretKey: new Secret(raw), secretKeySource: 'env' };
  }
  if (database.kind === 'pglite') {
    // `npm start` needs no .env: the embedded database keeps its own key beside the data.
    const file = join(dataDir, 'secret_key');
    if (existsSync(file)) {
      return { secretKey: new Secret(readFileSync(file, 'utf8').trim()), secretKeySource: 'data-dir' };
    }
    mkdirSync(dataDir, { recursive: true });
    const key = randomBytes(48).toString('base64url');
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return { secretKey: new Secret(key), secretKeySource: 'generated' };
  }
  if (debug) {
    return {
      secretKey: new Secret(`debug-only-${'x'.repeat(MIN_SECRET_LENGTH)}`),
      secretKeySource: 'debug-default',
    };
  }
  throw new SettingsError(
    'SECRET_KEY',
    'is required with DATABASE_URL when DEBUG is off (openssl rand -base64 48)',
  );
}

function bindFromEnv(env: Env): { bindHost: string; port: number } {
  const port = int(env, 'PORT', 8000, 1, 65535);
  const bind = env.BIND?.trim();
  if (!bind) return { bindHost: '0.0.0.0', port };
  const parsed = hostAndPort(bind);
  if (!parsed) throw new SettingsError('BIND', `must be HOST or HOST:PORT (got "${bind}")`);
  const bindPort = parsed.port ?? port;
  if (bindPort < 1 || bindPort > 65535) throw new SettingsError('BIND', `port ${bindPort} is out of range`);
  return { bindHost: parsed.host, port: bindPort };
}

function timeZoneFromEnv(env: Env): string {
  const zone = text(env, 'TIME_ZONE', 'UTC');
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new SettingsError('TIME_ZONE', `"${zone}" is not an IANA time zone (like Europe/Moscow)`);
  }
  return zone;
}

/** LANGUAGES and LANGUAGE_CODE: the enabled languages, and the default as one of them. */
function languagesFromEnv(env: Env): { languages: string[]; languageCode: string } {
  const languages: string[] = [];
  for (const entry of list(env, 'LANGUAGES', ['en', 'ru'])) {
    const tag = normaliseTag(entry);
    if (!tag) throw new SettingsError('LANGUAGES', `"${entry}" is not a language code (like ru or en)`);
    if (!languages.includes(tag)) languages.push(tag);
  }
  const code = text(env, 'LANGUAGE_CODE', 'en-us');
  if (!normaliseTag(code))
    throw new SettingsError('LANGUAGE_CODE', `"${code}" is not a language code (like ru)`);
  const languageCode = matchLanguage(code, languages);
  if (!languageCode) {
    throw new SettingsError('LANGUAGE_CODE', `"${code}" is not one of LANGUAGES (${languages.join(', ')})`);
  }
  return { languages, languageCode };
}

/** SITE_URL: an http(s) origin, no path, query or credentials; trailing slash dropped. */
function siteUrlFromEnv(env: Env): string | null {
  const value = text(env, 'SITE_URL', '');
  if (value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError('SITE_URL', `"${value.slice(0, 100)}" is not a URL (like https://example.com)`);
  }
  if (
    !['http:', 'https:'].includes(url.protocol) ||
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    url.pathname !== '/'
  ) {
    throw new SettingsError(
      'SITE_URL',
      'must be an http(s) origin such as https://example.com, with no path',
    );
  }
  return url.origin;
}

/**
 * Validates the environment and returns frozen settings, or throws a {@link SettingsError} naming the
 * first bad variable.
 *
 * @example const settings = loadSettings(readEnvironment());
 */
export function loadSettings(env: Env): Readonly<Settings> {
  const root = projectRoot();
  const debug = bool(env, 'DEBUG', false);
  const dataDir = resolve(root, text(env, 'KEEN_DATA_DIR', 'var'));
  const database = databaseFromEnv(env, dataDir);
  const logLevel = text(env, 'LOG_LEVEL', debug ? 'debug' : 'info') as Settings['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new SettingsError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const allowedHosts = hostList(env, 'ALLOWED_HOSTS', ['localhost', '127.0.0.1', '[::1]']);
  if (allowedHosts.length === 0)
    throw new SettingsError('ALLOWED_HOSTS', "is empty; list the site's host names");
  const settings: Settings = {
    debug,
    ...secretKeyFromEnv(env, debug, database, dataDir),
    allowedHosts,
    database,
    dataDir,
    ...bindFromEnv(env),
    webConcurrency: int(env, 'WEB_CONCURRENCY', 3, 1, 256),
    ...metricsFromEnv(env),
    ...tracingFromEnv(env),
    ...storesFromEnv(env),
    workerTimeout: int(env, 'WORKER_TIMEOUT', 30, 1, 86_400),
    gracefulTimeout: int(env, 'GRACEFUL_TIMEOUT', 30, 1, 86_400),
    maxRequests: int(env, 'MAX_REQUESTS', 0, 0),
    maxRequestsJitter: int(env, 'MAX_REQUESTS_JITTER', 0, 0),
    trustedProxies: proxyList(env, 'TRUSTED_PROXIES'),
    csrfTrustedOrigins: originList(env, 'CSRF_TRUSTED_ORIGINS'),
    secureSslRedirect: bool(env, 'SECURE_SSL_REDIRECT', false),
    secureHstsSeconds: int(env, 'SECURE_HSTS_SECONDS', debug ? 0 : 31_536_000, 0),
    secureHstsIncludeSubdomains: bool(env, 'SECURE_HSTS_INCLUDE_SUBDOMAINS', false),
    secureHstsPreload: bool(env, 'SECURE_HSTS_PRELOAD', false),
    sessionCookieAge: int(env, 'SESSION_COOKIE_AGE', 1_209_600, 60),
    clearSessionsSchedule: schedule(env, 'CLEARSESSIONS_SCHEDULE', '30 3 * * *'),
    throttleCleanupSchedule: schedule(env, 'THROTTLE_CLEANUP_SCHEDULE', '40 3 * * *'),
    adminRequire2fa: bool(env, 'ADMIN_REQUIRE_2FA', !debug),
    passwordResetTimeout: int(env, 'PASSWORD_RESET_TIMEOUT', 259_200, 60, 30 * 86_400),
    email: Object.freeze(emailFromEnv(env, debug)),
    backupSchedule: schedule(env, 'BACKUP_SCHEDULE', 'off'),
    backupKeep: int(env, 'BACKUP_KEEP', 14, 1, 10_000),
    backupDir: resolve(root, text(env, 'BACKUP_DIR', join(dataDir, 'backups'))),
    dataUploadMaxMemorySize: int(env, 'DATA_UPLOAD_MAX_MEMORY_SIZE', 2_621_440, 1024),
    dataUploadMaxNumberFields: int(env, 'DATA_UPLOAD_MAX_NUMBER_FIELDS', 1000, 1),
    logLevel,
    logPretty: bool(env, 'LOG_PRETTY', false),
    slowRequestMs: int(env, 'SLOW_REQUEST_MS', 1000, 1),
    timeZone: timeZoneFromEnv(env),
    ...languagesFromEnv(env),
    languageUrlPrefixes: bool(env, 'LANGUAGE_URL_PREFIXES', false),
    staticRoot: resolve(root, text(env, 'STATIC_ROOT', 'staticfiles')),
    staticUrl: urlPrefix(env, 'STATIC_URL', '/static/'),
    staticMemoryBudget: int(env, 'STATIC_MEMORY_BUDGET', 32 * 1024 * 1024, 0),
    staticMemoryFileMax: int(env, 'STATIC_MEMORY_FILE_MAX', 512 * 1024, 0),
    adminPath: urlPrefix(env, 'ADMIN_PATH', '/admin/'),
    siteUrl: siteUrlFromEnv(env),
    // On the embedded database the uploads live beside it, so KEEN_DATA_DIR holds a whole site.
    mediaRoot: resolve(
      root,
      text(env, 'MEDIA_ROOT', database.kind === 'pglite' ? join(dataDir, 'media') : 'media'),
    ),
    serveMedia: bool(env, 'SERVE_MEDIA', true),
    mediaUrl: urlPrefix(env, 'MEDIA_URL', '/media/'),
    ...mediaFromEnv(env),
  };
  return Object.freeze(settings);
}
