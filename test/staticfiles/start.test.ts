// STA-03 and the start-up check: in production every declared asset must be collected, or the app does
// not start (KEEN_E_STATIC); in DEBUG pages link and serve the source files, no collecting needed. Also
// `keen collectstatic` and `keen serve` as an operator runs them.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticAsset } from '../../src/contrib/staticfiles/asset.js';
import { collectStatic } from '../../src/contrib/staticfiles/collect.js';
import { staticSources } from '../../src/contrib/staticfiles/finder.js';
import { checkCollectedStatic, loadCheckedManifest } from '../../src/contrib/staticfiles/static-urls.js';
import { installedApps } from '../../src/installed-apps.js';
import { createLogger } from '../../src/log.js';
import { projectRoot } from '../../src/project-root.js';
import { buildApp } from '../../src/web/app.js';
import { createTestApp, TEST_SECRET_KEY, testSettings } from '../support/app.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import { listTree, tempDir, writeTree } from './fixtures.js';

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

/** Builds the real app the way `keen serve` does: no staticMode, so DEBUG decides. */
async function buildLikeServe(database: TestDatabase, env: Record<string, string>) {
  const settings = testSettings({ LOG_LEVEL: 'silent', ...env });
  return buildApp({ settings, database, logger: createLogger(settings, silent) });
}

describe(`the start-up check of static files (${ENGINE})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());

  it('production without a manifest: the app does not start, and says to run collectstatic', async () => {
    const empty = tempDir('empty-root');
    await expect(buildLikeServe(database, { STATIC_ROOT: empty })).rejects.toMatchObject({
      code: 'KEEN_E_STATIC',
      message: expect.stringMatching(
        /no static files manifest at .*staticfiles\.json: run keen collectstatic/,
      ),
    });
    expect(() => checkCollectedStatic(testSettings({ STATIC_ROOT: empty }))).toThrow(/keen collectstatic/);
    expect(() => checkCollectedStatic(testSettings({ STATIC_ROOT: empty, DEBUG: 'true' }))).not.toThrow();
  });

  it('production with a manifest missing a declared file: stops, naming the file', async () => {
    const root = writeTree(tempDir('root'), { 'staticfiles.json': '{"version":1,"paths":{}}' });
    await expect(buildLikeServe(database, { STATIC_ROOT: root })).rejects.toMatchObject({
      code: 'KEEN_E_STATIC',
      message: expect.stringMatching(/static file css\/site\.css is not in .*run keen collectstatic/),
    });
  });

  it('production with an entry whose hashed file is gone: stops too', async () => {
    const root = writeTree(tempDir('root'), {
      'staticfiles.json': '{"version":1,"paths":{"css/site.css":"css/site.000000000000.css"}}',
    });
    await expect(buildLikeServe(database, { STATIC_ROOT: root })).rejects.toThrow(
      /css\/site\.000000000000\.css.*run keen collectstatic/,
    );
  });

  it('checks every declared asset, not just the layout stylesheet', async () => {
    const root = join(tempDir('root'), 'staticfiles');
    await collectStatic({ staticRoot: root, staticUrl: '/static/', sources: staticSources(installedApps) });
    expect(() => loadCheckedManifest(root)).not.toThrow();
    const extra = staticAsset('js/start-test-only.js');
    expect(() => loadCheckedManifest(root)).toThrow(/js\/start-test-only\.js/);
    expect(() => loadCheckedManifest(root, [extra])).toThrow(
      expect.objectContaining({ code: 'KEEN_E_STATIC' }),
    );
  });

  it('DEBUG: pages link the source file, served without collecting, edits visible at once', async () => {
    const folder = writeTree(tempDir('dev-static'), { 'css/dev.css': 'a{color:red}' });
    // A collect from an earlier `npm start`: the sources must win over its stale copy.
    const oldRoot = writeTree(tempDir('old-root'), { 'css/dev.css': 'stale', 'only-collected.txt': 'old' });
    const t = await createTestApp({
      database,
      env: { DEBUG: 'true', STATIC_ROOT: oldRoot },
      apps: [...installedApps, { name: 'dev', staticDir: folder }],
      staticMode: undefined,
    });
    try {
      const home = await t.app.inject({ url: '/', headers: { host: 'localhost' } });
      expect(home.body).toContain('href="/static/css/site.css"');
      const css = await t.app.inject({ url: '/static/css/site.css', headers: { host: 'localhost' } });
      expect(css.statusCode).toBe(200);
      expect(css.headers['cache-control']).toBe('public, max-age=0');
      const before = await t.app.inject({ url: '/static/css/dev.css', headers: { host: 'localhost' } });
      expect(before.body).toBe('a{color:red}');
      const fallback = await t.app.inject({
        url: '/static/only-collected.txt',
        headers: { host: 'localhost' },
      });
      expect(fallback.body).toBe('old');
      writeFileSync(join(folder, 'css', 'dev.css'), 'a{color:blue;font-weight:bold}');
      const after = await t.app.inject({ url: '/static/css/dev.css', headers: { host: 'localhost' } });
      expect(after.body).toBe('a{color:blue;font-weight:bold}');
    } finally {
      await t.close();
    }
  });

  it('DEBUG is what the real build uses when no mode is given', async () => {
    const app = await buildLikeServe(database, { DEBUG: 'true', STATIC_ROOT: tempDir('empty-root') });
    try {
      const home = await app.inject({ url: '/', headers: { host: 'localhost' } });
      expect(home.body).toContain('href="/static/css/site.css"');
    } finally {
      await app.close();
    }
  });
});

/** Runs `keen <args>` from the sources in a child process with only `env` (plus PATH). */
function keen(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: '', DEBUG: '', SECRET_KEY: TEST_SECRET_KEY, ...env },
      timeout: 25_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('keen collectstatic and keen serve, as commands', () => {
  it('collectstatic --noinput collects; without it, a non-terminal run refuses to overwrite', async () => {
    const dataDir = tempDir('data');
    const root = join(tempDir('root'), 'staticfiles');
    const env = { KEEN_DATA_DIR: dataDir, STATIC_ROOT: root };
    const dry = await keen(['collectstatic', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/would write css\/site\.css → css\/site\.[0-9a-f]{12}\.css \(\+br, \+gz\)/);
    expect(() => listTree(root)).toThrow();
    const first = await keen(['collectstatic', '--noinput'], env);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /\d+ static files \(\d+ written, 0 unchanged\), \d+ bytes; compression saves \d+/,
    );
    expect(listTree(root)).toContain('staticfiles.json');
    const again = await keen(['collectstatic', '--noinput'], env);
    expect(again.out).toMatch(/\(0 written, \d+ unchanged\)/);
    const asking = await keen(['collectstatic'], env);
    expect(asking.code).toBe(1);
    expect(asking.out).toContain('pass --noinput');
  });

  it('keen serve without collected files stops at once with one line, before any worker starts', async () => {
    const empty = tempDir('empty-root');
    mkdirSync(join(empty, 'css'));
    const result = await keen(['serve', '--bind', '127.0.0.1:8149'], {
      KEEN_DATA_DIR: tempDir('data'),
      STATIC_ROOT: empty,
    });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^keen serve: no static files manifest at .*: run keen collectstatic/m);
    expect(result.out).not.toContain('worker');
  });

  it('keen serve with a manifest that misses a declared file stops at the first worker, naming the file', async () => {
    // The supervisor does not load the apps; the worker finds the gap, and no retry can fix it.
    const stale = writeTree(tempDir('stale-root'), { 'staticfiles.json': '{"version":1,"paths":{}}' });
    const result = await keen(['serve', '--bind', '127.0.0.1:8149'], {
      KEEN_DATA_DIR: tempDir('data'),
      STATIC_ROOT: stale,
    });
    expect(result.code).toBe(3);
    expect(result.out).toMatch(/static file css\/site\.css is not in .*run keen collectstatic/);
    // One worker, not the five of the crash-loop limit.
    expect(result.out.match(/"worker started"/g)).toHaveLength(1);
  });
});
