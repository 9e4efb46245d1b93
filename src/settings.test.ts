import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsError } from './errors.js';
import { directDatabase, loadSettings, readEnvironment } from './settings.js';

const KEY = `${'k'.repeat(20)}abcdefghijklmnopqrstuvwxyz0123456789`;
const PG = 'postgres://keen:pw@db.internal:5432/keen';

function failure(env: Record<string, string>): SettingsError {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

describe('settings', () => {
  it('production defaults: DEBUG off, one-year HSTS, two-week sessions, localhost hosts, port 8000', () => {
    const s = loadSettings({ SECRET_KEY: KEY, DATABASE_URL: PG });
    expect(s.debug).toBe(false);
    expect(s.secureHstsSeconds).toBe(31_536_000);
    expect(s.sessionCookieAge).toBe(1_209_600);
    expect(s.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(s.port).toBe(8000);
    expect(s.webConcurrency).toBe(3);
    expect(s.dataUploadMaxMemorySize).toBe(2_621_440);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('each bad value stops with one line naming the variable', () => {
    const cases: [Record<string, string>, string][] = [
      [{ DEBUG: 'maybe' }, 'DEBUG'],
      [{ WEB_CONCURRENCY: 'abc' }, 'WEB_CONCURRENCY'],
      [{ WEB_CONCURRENCY: '0' }, 'WEB_CONCURRENCY'],
      [{ PORT: '70000' }, 'PORT'],
      [{ BIND: 'host:notaport' }, 'BIND'],
      [{ TRUSTED_PROXIES: '10.0.0.0/99' }, 'TRUSTED_PROXIES'],
      [{ TRUSTED_PROXIES: 'proxy.local' }, 'TRUSTED_PROXIES'],
      [{ CSRF_TRUSTED_ORIGINS: 'example.com' }, 'CSRF_TRUSTED_ORIGINS'],
      [{ ALLOWED_HOSTS: 'https://example.com' }, 'ALLOWED_HOSTS'],
      [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
      [{ DATABASE_URL: `${PG}?sslmode=sometimes` }, 'DATABASE_URL'],
      [{ TIME_ZONE: 'Mars/Olympus' }, 'TIME_ZONE'],
      [{ LANGUAGE_CODE: 'de' }, 'LANGUAGE_CODE'],
      [{ LANGUAGE_CODE: 'ru_RU' }, 'LANGUAGE_CODE'],
      [{ LANGUAGES: 'ru,english please' }, 'LANGUAGES'],
      [{ LANGUAGE_URL_PREFIXES: 'sometimes' }, 'LANGUAGE_URL_PREFIXES'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ SECURE_HSTS_SECONDS: '-1' }, 'SECURE_HSTS_SECONDS'],
    ];
    for (const [env, variable] of cases) {
      const error = failure({ SECRET_KEY: KEY, DATABASE_URL: PG, ...env });
      expect(error.variable, JSON.stringify(env)).toBe(variable);
      expect(error.message.startsWith(variable)).toBe(true);
      expect(error.message).not.toContain('\n');
    }
  });

  it('SECRET_KEY: required with DATABASE_URL outside DEBUG, at least 50 chars, no placeholders', () => {
    expect(failure({ DATABASE_URL: PG }).variable).toBe('SECRET_KEY');
    expect(failure({ DATABASE_URL: PG, SECRET_KEY: 'short' }).message).toContain('at least 50');
    expect(failure({ DATABASE_URL: PG, SECRET_KEY: `django-insecure-${'x'.repeat(60)}` }).message).toContain(
      'placeholder',
    );
    expect(failure({ DATABASE_URL: PG, SECRET_KEY: 'ab'.repeat(30) }).message).toContain('distinct');
    // DEBUG relaxes it (development only).
    expect(loadSettings({ DATABASE_URL: PG, DEBUG: 'true' }).secretKeySource).toBe('debug-default');
  });

  it('the secret never shows in logs, JSON or inspection', () => {
    const s = loadSettings({ SECRET_KEY: KEY, DATABASE_URL: PG });
    expect(JSON.stringify(s)).not.toContain(KEY);
    expect(JSON.stringify(s)).not.toContain(':pw@');
    expect(String(s.secretKey)).toBe('[secret]');
    expect(s.secretKey.reveal()).toBe(KEY);
  });

  it('embedded database without SECRET_KEY: generates one once, mode 0600, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keen-settings-'));
    const first = loadSettings({ KEEN_DATA_DIR: dir });
    expect(first.database.kind).toBe('pglite');
    expect(first.secretKeySource).toBe('generated');
    const file = join(dir, 'secret_key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadSettings({ KEEN_DATA_DIR: dir });
    expect(second.secretKeySource).toBe('data-dir');
    expect(second.secretKey.reveal()).toBe(first.secretKey.reveal());
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secretKey.reveal());
  });

  it('keeps uploads under KEEN_DATA_DIR on the embedded database, and serves them unless told not to', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keen-settings-'));
    const embedded = loadSettings({ KEEN_DATA_DIR: dir });
    expect(embedded.mediaRoot).toBe(join(dir, 'media'));
    expect(embedded.serveMedia).toBe(true);
    const postgres = loadSettings({
      KEEN_DATA_DIR: dir,
      SECRET_KEY: KEY,
      DATABASE_URL: 'postgres://u@db/site',
    });
    expect(postgres.mediaRoot).not.toContain(dir);
    expect(loadSettings({ KEEN_DATA_DIR: dir, MEDIA_ROOT: '/srv/media' }).mediaRoot).toBe('/srv/media');
    expect(loadSettings({ KEEN_DATA_DIR: dir, SERVE_MEDIA: 'false' }).serveMedia).toBe(false);
    expect(() => loadSettings({ KEEN_DATA_DIR: dir, SERVE_MEDIA: 'maybe' })).toThrow(/SERVE_MEDIA/);
  });

  it("accepts the Django deployment's DB_* variables and sslmode", () => {
    const s = loadSettings({
      SECRET_KEY: KEY,
      DB_NAME: 'site',
      DB_USER: 'u',
      DB_PASSWORD: 'p@ss',
      DB_HOST: 'db',
    });
    expect(s.database.kind === 'postgres' && s.database.url.reveal()).toBe(
      'postgres://u:p%40ss@db:5432/site',
    );
    const ssl = loadSettings({ SECRET_KEY: KEY, DATABASE_URL: `${PG}?sslmode=require` });
    expect(ssl.database.kind === 'postgres' && ssl.database.ssl).toBe('no-verify');
    const full = loadSettings({ SECRET_KEY: KEY, DATABASE_URL: `${PG}?sslmode=verify-full` });
    expect(full.database.kind === 'postgres' && full.database.ssl).toBe(true);
  });

  it('behind a pooler: DB_PREPARED_STATEMENTS, DATABASE_DIRECT_URL and sslrootcert', () => {
    const plain = loadSettings({ SECRET_KEY: KEY, DATABASE_URL: PG });
    expect(plain.database).toMatchObject({ preparedStatements: true, direct: null });
    const pooled = loadSettings({
      SECRET_KEY: KEY,
      DATABASE_URL: 'postgres://keen:pw@pgbouncer:6432/keen',
      DATABASE_DIRECT_URL: `${PG}?sslmode=require`,
      DB_PREPARED_STATEMENTS: 'false',
    });
    if (pooled.database.kind !== 'postgres') throw new Error('expected PostgreSQL');
    expect(pooled.database.preparedStatements).toBe(false);
    expect(pooled.database.direct?.url.reveal()).toBe(PG);
    expect(pooled.database.direct?.ssl).toBe('no-verify');
    expect(directDatabase(pooled.database)).toMatchObject({ ssl: 'no-verify', direct: null, poolSize: 10 });
    expect(directDatabase(pooled.database).url.reveal()).toBe(PG);

    const ca = join(mkdtempSync(join(tmpdir(), 'keen-ca-')), 'ca.pem');
    writeFileSync(ca, 'not checked here\n');
    const verified = loadSettings({
      SECRET_KEY: KEY,
      DATABASE_URL: `${PG}?sslmode=verify-full&sslrootcert=${ca}`,
    });
    // sslrootcert stays for node-postgres (and pg_dump) to read the CA from; sslmode is Keen's.
    expect(verified.database.kind === 'postgres' && verified.database.url.reveal()).toBe(
      `${PG}?sslrootcert=${encodeURIComponent(ca)}`,
    );

    const cases: [Record<string, string>, string, RegExp][] = [
      [{ DB_PREPARED_STATEMENTS: 'sometimes' }, 'DB_PREPARED_STATEMENTS', /true or false/],
      [{ DATABASE_DIRECT_URL: 'mysql://x@y/z' }, 'DATABASE_DIRECT_URL', /postgres:\/\//],
      [{ DATABASE_DIRECT_URL: `${PG}?sslmode=sometimes` }, 'DATABASE_DIRECT_URL', /sslmode/],
      [{ DATABASE_URL: `${PG}?sslmode=require&sslrootcert=${ca}` }, 'DATABASE_URL', /verify-full/],
      [
        { DATABASE_URL: `${PG}?sslmode=verify-full&sslrootcert=/nowhere/ca.pem` },
        'DATABASE_URL',
        /not exist/,
      ],
      [
        { DATABASE_URL: `${PG}?sslmode=verify-full&sslrootcert=system` },
        'DATABASE_URL',
        /leave sslrootcert out/,
      ],
      [{ DATABASE_URL: '', DATABASE_DIRECT_URL: PG }, 'DATABASE_DIRECT_URL', /without DATABASE_URL/],
    ];
    for (const [env, variable, message] of cases) {
      const error = failure({ SECRET_KEY: KEY, DATABASE_URL: PG, ...env });
      expect(error.variable, JSON.stringify(env)).toBe(variable);
      expect(error.message).toMatch(message);
    }
  });

  it('parses lists, BIND and IPv6 hosts', () => {
    const s = loadSettings({
      SECRET_KEY: KEY,
      DATABASE_URL: PG,
      ALLOWED_HOSTS: 'coreofkeen.com, .coreofkeen.com',
      TRUSTED_PROXIES: '127.0.0.1,172.16.0.0/12,::1',
      BIND: '[::]:9000',
    });
    expect(s.allowedHosts).toEqual(['coreofkeen.com', '.coreofkeen.com']);
    expect(s.trustedProxies).toEqual(['127.0.0.1', '172.16.0.0/12', '::1']);
    expect([s.bindHost, s.port]).toEqual(['::', 9000]);
  });

  it('reads .env under the real environment (environment wins)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keen-env-'));
    writeFileSync(join(dir, '.env'), 'PORT=9001\nLOG_LEVEL=warn\n');
    const env = readEnvironment({ LOG_LEVEL: 'error' }, dir);
    expect(env.PORT).toBe('9001');
    expect(env.LOG_LEVEL).toBe('error');
  });

  it('reads LANGUAGES and maps LANGUAGE_CODE onto one of them', () => {
    const defaults = loadSettings({ SECRET_KEY: KEY, DATABASE_URL: PG });
    expect(defaults.languages).toEqual(['en', 'ru']);
    expect(defaults.languageCode).toBe('en');
    const russian = loadSettings({
      SECRET_KEY: KEY,
      DATABASE_URL: PG,
      LANGUAGE_CODE: 'ru-RU',
      LANGUAGES: 'ru, EN',
    });
    expect(russian.languages).toEqual(['ru', 'en']);
    expect(russian.languageCode).toBe('ru');
  });

  it('LANGUAGE_URL_PREFIXES is off unless turned on', () => {
    expect(loadSettings({ SECRET_KEY: KEY, DATABASE_URL: PG }).languageUrlPrefixes).toBe(false);
    const on = loadSettings({ SECRET_KEY: KEY, DATABASE_URL: PG, LANGUAGE_URL_PREFIXES: 'true' });
    expect(on.languageUrlPrefixes).toBe(true);
  });
});
