import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { categories } from '../apps/blog/schema.js';
import { defineAdmin } from '../contrib/admin/define.js';
import { loadSettings } from '../settings.js';
import type { Stage } from '../web/stage.js';
import {
  adminLabelsCheck,
  adminRegistrationsCheck,
  catalogueCheck,
  coreChecks,
  installedAppsCheck,
  pipelineCheck,
} from './core-checks.js';
import { formatCheckMessage, isAtLeast, runChecks, type SystemCheck } from './registry.js';
import { isLocalDatabaseHost, securityChecks } from './security-checks.js';

const dataDir = mkdtempSync(join(tmpdir(), 'keen-checks-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const STRONG_KEY = 'checks-test-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ';
const DB_PASSWORD = 'hunter2-db-password';

/** What a production deployment behind nginx sets: `check --deploy` has nothing to say about it. */
const PRODUCTION: Record<string, string> = {
  KEEN_DATA_DIR: dataDir,
  SECRET_KEY: STRONG_KEY,
  DATABASE_URL: `postgres://keen:${DB_PASSWORD}@127.0.0.1:5432/keen`,
  TRUSTED_PROXIES: '127.0.0.1',
  SECURE_SSL_REDIRECT: 'true',
  SECURE_HSTS_INCLUDE_SUBDOMAINS: 'true',
  SECURE_HSTS_PRELOAD: 'true',
  EMAIL_HOST: 'smtp.example.com',
  DEFAULT_FROM_EMAIL: 'Site <noreply@example.com>',
  SERVER_EMAIL: 'errors@example.com',
};

function settingsWith(env: Record<string, string>) {
  return loadSettings({ ...PRODUCTION, ...env });
}

function deployFindings(env: Record<string, string>) {
  return runChecks(securityChecks, settingsWith(env), { deploy: true });
}

function deployIds(env: Record<string, string>): string[] {
  return deployFindings(env).map((message) => message.id);
}

// One row per check ID: a setting that must make it fire, and one that must keep it silent.
const CASES: { id: string; bad: Record<string, string>; good: Record<string, string> }[] = [
  { id: 'security.W018', bad: { DEBUG: 'true' }, good: { DEBUG: 'false' } },
  { id: 'security.W009', bad: { DEBUG: 'true', SECRET_KEY: '' }, good: {} },
  { id: 'security.W020', bad: { ALLOWED_HOSTS: 'example.com,*' }, good: { ALLOWED_HOSTS: 'example.com' } },
  { id: 'security.W004', bad: { SECURE_HSTS_SECONDS: '0' }, good: { SECURE_HSTS_SECONDS: '3600' } },
  {
    id: 'security.W005',
    bad: { SECURE_HSTS_INCLUDE_SUBDOMAINS: 'false' },
    good: { SECURE_HSTS_INCLUDE_SUBDOMAINS: 'true' },
  },
  { id: 'security.W021', bad: { SECURE_HSTS_PRELOAD: 'false' }, good: { SECURE_HSTS_PRELOAD: 'true' } },
  { id: 'security.W008', bad: { SECURE_SSL_REDIRECT: 'false' }, good: { SECURE_SSL_REDIRECT: 'true' } },
  { id: 'keen.W001', bad: { TRUSTED_PROXIES: '' }, good: { TRUSTED_PROXIES: '10.0.0.0/8' } },
  { id: 'keen.W002', bad: { DATABASE_URL: '' }, good: {} },
  { id: 'keen.W010', bad: { EMAIL_HOST: '' }, good: { EMAIL_HOST: '', EMAIL_BACKEND: 'console' } },
  { id: 'keen.W011', bad: { SERVER_EMAIL: 'root@localhost' }, good: { SERVER_EMAIL: 'root@example.com' } },
  {
    id: 'keen.W003',
    bad: { DATABASE_URL: `postgres://keen:${DB_PASSWORD}@db.example.com:5432/keen` },
    good: { DATABASE_URL: `postgres://keen:${DB_PASSWORD}@db.example.com:5432/keen?sslmode=verify-full` },
  },
];

describe('deployment checks', () => {
  it('has one case per check and unique IDs', () => {
    const ids = securityChecks.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(CASES.map((c) => c.id).sort()).toEqual([...ids].sort());
  });

  for (const { id, bad, good } of CASES) {
    it(`${id} fires on ${JSON.stringify(bad)} and is silent on ${JSON.stringify(good)}`, () => {
      const found = deployFindings(bad).find((message) => message.id === id);
      expect(found).toBeDefined();
      expect(found?.message.length).toBeGreaterThan(10);
      expect(found?.hint).toMatch(/[A-Z_]{4,}|nginx/);
      expect(deployIds(good)).not.toContain(id);
    });
  }

  it('finds nothing on a production-like configuration', () => {
    const settings = settingsWith({});
    expect(runChecks([...coreChecks, ...securityChecks], settings, { deploy: true })).toEqual([]);
  });

  it('runs deploy-only checks only with --deploy', () => {
    const settings = settingsWith({ DEBUG: 'true', ALLOWED_HOSTS: '*', DATABASE_URL: '' });
    expect(runChecks(securityChecks, settings, { deploy: false })).toEqual([]);
    expect(runChecks(securityChecks, settings, { deploy: true }).length).toBeGreaterThan(2);
  });

  it('security.W009: a weak key allowed by DEBUG fires; a key generated into the data dir does not', () => {
    expect(deployIds({ DEBUG: 'true', SECRET_KEY: 'short-key' })).toContain('security.W009');
    expect(deployIds({ DEBUG: 'true', SECRET_KEY: 'abab'.repeat(20) })).toContain('security.W009');
    const generated = settingsWith({ DATABASE_URL: '', SECRET_KEY: '' });
    expect(generated.secretKeySource).toMatch(/generated|data-dir/);
    expect(runChecks(securityChecks, generated, { deploy: true }).map((m) => m.id)).not.toContain(
      'security.W009',
    );
  });

  it('security.W005 and W021 stay quiet when HSTS is off (W004 covers it)', () => {
    const ids = deployIds({
      SECURE_HSTS_SECONDS: '0',
      SECURE_HSTS_INCLUDE_SUBDOMAINS: 'false',
      SECURE_HSTS_PRELOAD: 'false',
    });
    expect(ids).toContain('security.W004');
    expect(ids).not.toContain('security.W005');
    expect(ids).not.toContain('security.W021');
  });

  it('keen.W003 is info, names the host and never the password', () => {
    const found = deployFindings({ DATABASE_URL: `postgres://keen:${DB_PASSWORD}@db.example.com/keen` });
    const w003 = found.find((message) => message.id === 'keen.W003');
    expect(w003?.level).toBe('info');
    expect(w003?.message).toContain('db.example.com');
    expect(JSON.stringify(found)).not.toContain(DB_PASSWORD);
    // Behind a pooler, the direct address (migrations, backups) crosses the network too.
    const direct = deployFindings({
      DATABASE_URL: `postgres://keen:${DB_PASSWORD}@db.example.com/keen?sslmode=verify-full`,
      DATABASE_DIRECT_URL: `postgres://keen:${DB_PASSWORD}@primary.example.com/keen`,
    }).find((message) => message.id === 'keen.W003');
    expect(direct?.message).toContain('DATABASE_DIRECT_URL points to primary.example.com');
  });

  it('treats loopback, sockets and single-label service names as local', () => {
    for (const host of ['localhost', '127.0.0.1', '127.0.1.1', '[::1]', 'db', '%2Fvar%2Frun%2Fpostgresql']) {
      expect(isLocalDatabaseHost(host), host).toBe(true);
    }
    for (const host of ['db.example.com', '10.0.0.5', '[2001:db8::1]', 'rds.amazonaws.com']) {
      expect(isLocalDatabaseHost(host), host).toBe(false);
    }
  });
});

describe('check registry', () => {
  it('formats a message as ID, text and a tab-indented hint', () => {
    const [message] = deployFindings({ DEBUG: 'true' });
    expect(message).toBeDefined();
    if (message) {
      expect(formatCheckMessage(message)).toBe(`${message.id}: ${message.message}\n\tHINT: ${message.hint}`);
    }
  });

  it('orders findings by level, errors first', () => {
    const info: SystemCheck = { id: 't.I1', level: 'info', deployOnly: false, run: () => 'i', hint: 'h' };
    const error: SystemCheck = { id: 't.E1', level: 'error', deployOnly: false, run: () => 'e', hint: 'h' };
    const warning: SystemCheck = {
      id: 't.W1',
      level: 'warning',
      deployOnly: false,
      run: () => 'w',
      hint: 'h',
    };
    const found = runChecks([info, warning, error], settingsWith({}), { deploy: false });
    expect(found.map((message) => message.id)).toEqual(['t.E1', 't.W1', 't.I1']);
  });

  it('compares levels for --fail-level', () => {
    expect(isAtLeast('error', 'warning')).toBe(true);
    expect(isAtLeast('warning', 'warning')).toBe(true);
    expect(isAtLeast('info', 'warning')).toBe(false);
    expect(isAtLeast('info', 'info')).toBe(true);
  });

  it('keen.E001 reports a pipeline whose stage comes before one it requires', () => {
    const first: Stage = { name: 'first', register: () => undefined };
    const second: Stage = { name: 'second', requires: ['first'], register: () => undefined };
    expect(pipelineCheck([first, second]).run(settingsWith({}))).toBeNull();
    const message = pipelineCheck([second, first]).run(settingsWith({}));
    expect(message).toContain('"second" needs "first"');
    expect(pipelineCheck([second, first]).level).toBe('error');
  });

  it('keen.E002 reports an app installed before an app it depends on', () => {
    const base = { name: 'base' };
    const dependent = { name: 'dependent', dependsOn: ['base'] };
    expect(installedAppsCheck([base, dependent]).run(settingsWith({}))).toBeNull();
    expect(installedAppsCheck([dependent, base]).run(settingsWith({}))).toContain(
      '"dependent" needs app "base"',
    );
    expect(installedAppsCheck([dependent]).run(settingsWith({}))).toContain('needs app "base"');
  });

  it('keen.E003 reports an admin registration that names a missing column, and passes the real apps', () => {
    expect(adminRegistrationsCheck().run(settingsWith({}))).toBeNull();
    const broken = {
      name: 'blog',
      models: [{ name: 'category' }],
      admin: [defineAdmin(categories, { model: 'category', searchFields: ['nope' as 'name'] })],
    };
    expect(adminRegistrationsCheck([broken]).run(settingsWith({}))).toContain(
      'admin registration blog.category: searchFields names "nope"',
    );
  });

  it('keen.E004 passes the real catalogues and reports a broken one or a language without catalogues', () => {
    expect(catalogueCheck().run(settingsWith({}))).toBeNull();
    expect(catalogueCheck().run(settingsWith({ LANGUAGES: 'en,ru,de' }))).toContain('web: no de catalogue');
    const broken = {
      name: 'broken',
      messages: { domain: 'broken', catalogues: { en: { hi: 'Hi {name}' }, ru: { hi: 'Привет {nmae}' } } },
    };
    expect(catalogueCheck([broken], ['en', 'ru']).run(settingsWith({}))).toContain(
      'broken ru: "hi" uses {nmae}, which the source does not have',
    );
  });

  it('keen.W004 passes the shipped apps and lists the admin names an app has not translated', () => {
    expect(adminLabelsCheck().run(settingsWith({}))).toBeNull();
    const partly = {
      name: 'blog',
      models: [{ name: 'category' }],
      admin: [defineAdmin(categories, { model: 'category' })],
      messages: {
        domain: 'blog',
        catalogues: { en: { 'model.category': 'category' }, ru: { 'model.category': 'категория' } },
      },
    };
    const finding = adminLabelsCheck([partly]).run(settingsWith({ LANGUAGES: 'en,ru' }));
    expect(finding).toContain('ru blog: model.category.plural');
    expect(finding).toContain('ru blog: field.category.name');
    expect(finding).not.toContain('blog: model.category;');
  });
});
