// Issue 15, metrics: `keen serve` with METRICS_BIND opens a Prometheus endpoint on a port of its own,
// behind a bearer token, and a scrape is the sum of every worker's registry: requests by route template
// and status, latency histograms, the pool, the database's sessions and jobs, and Node's own figures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../src/project-root.js';
import { loadSettings } from '../../src/settings.js';
import { createTestApp, GOOD_PASSWORD, TEST_SECRET_KEY } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import {
  freePort,
  type KeenServe,
  prepareBuildCopy,
  removeBuildCopy,
  startKeenServe,
} from '../support/keen-serve.js';

const TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample line (`name{labels} value`), or 0 when the scrape has none. */
function sample(scrape: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of scrape.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(/,(?=[a-zA-Z_]+=")/);
    if (wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return 0;
}

describe('METRICS_BIND and METRICS_TOKEN', () => {
  const settings = (env: Record<string, string>) => loadSettings({ SECRET_KEY: TEST_SECRET_KEY, ...env });

  it('are off by default, and take an internal address without a token', () => {
    expect(settings({}).metrics).toBeNull();
    expect(settings({ METRICS_BIND: '127.0.0.1:9464' }).metrics).toMatchObject({
      host: '127.0.0.1',
      port: 9464,
    });
    expect(settings({ METRICS_BIND: '10.1.2.3:9464' }).metrics?.token).toBeNull();
  });

  it('refuse an address reachable from outside without a token, and a short token', () => {
    expect(() => settings({ METRICS_BIND: '0.0.0.0:9464' })).toThrow(/METRICS_TOKEN/);
    expect(settings({ METRICS_BIND: '0.0.0.0:9464', METRICS_TOKEN: TOKEN }).metrics?.host).toBe('0.0.0.0');
    expect(() => settings({ METRICS_BIND: '127.0.0.1:9464', METRICS_TOKEN: 'short' })).toThrow(
      /16 characters/,
    );
    expect(() => settings({ METRICS_BIND: '9464' })).toThrow(/HOST:PORT/);
  });
});

describe(`one worker's metrics (${ENGINE})`, () => {
  it('time every statement by kind and count throttled password attempts', async () => {
    const t = await createTestApp({ env: { METRICS_BIND: '127.0.0.1:9464' } });
    try {
      await t.createUser({ username: 'owner', password: GOOD_PASSWORD });
      const registry = t.app.metrics?.registry;
      const read = async () => (await registry?.metrics()) ?? '';
      const before = await read();
      const client = new TestClient(t.app);
      await client.get('/accounts/login/');
      for (let i = 0; i < 6; i++)
        await client.post('/accounts/login/', { username: 'owner', password: 'wrong-1' });
      const after = await read();
      const delta = (name: string, labels: Record<string, string>) =>
        sample(after, name, labels) - sample(before, name, labels);
      // Six reservations (inserts) and the password checks' user lookups (selects).
      expect(delta('keen_db_query_duration_seconds_count', { operation: 'insert' })).toBeGreaterThanOrEqual(
        6,
      );
      expect(delta('keen_db_query_duration_seconds_count', { operation: 'select' })).toBeGreaterThanOrEqual(
        5,
      );
      expect(delta('keen_throttle_refusals_total', { action: 'login', limit: 'account-client' })).toBe(1);
      // The statement's text is never a label.
      expect(after).not.toMatch(/auth_throttle|SELECT /);
    } finally {
      await t.close();
    }
  });
});

describe.runIf(ENGINE === 'postgres')('the metrics of keen serve with 2 workers', () => {
  let build: string;
  let database: TestDatabase;
  let keen: KeenServe;
  let metricsUrl: string;
  const scrape = async (token: string | null = TOKEN) => {
    const response = await fetch(metricsUrl, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return {
      status: response.status,
      body: await response.text(),
      type: response.headers.get('content-type'),
    };
  };

  beforeAll(async () => {
    build = prepareBuildCopy();
    database = await createTestDatabase();
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    keen = await startKeenServe(build, {
      DATABASE_URL: database.url as string,
      WEB_CONCURRENCY: '2',
      METRICS_BIND: `127.0.0.1:${port}`,
      METRICS_TOKEN: TOKEN,
    });
    await keen.waitForLog(() => keen.workerPids().length === 2);
  }, 90_000);

  afterAll(async () => {
    await keen?.stop();
    await database?.close();
    if (build) removeBuildCopy(build);
  });

  it('answers only with the token, on its own port', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('metrics-token-0123456789abcdeX')).status).toBe(401);
    const good = await scrape();
    expect(good.status).toBe(200);
    expect(good.type).toMatch(/^text\/plain; version=0\.0\.4/);
    // The site's own port has no such page.
    expect((await fetch(`${keen.url}/metrics`)).status).toBe(404);
  });

  it('sums the workers: every request counted once, by route template and status', async () => {
    const before = (await scrape()).body;
    // A new connection for each request, so both workers answer some.
    for (let i = 0; i < 40; i++) await fetch(`${keen.url}/healthz`, { headers: { connection: 'close' } });
    for (let i = 0; i < 3; i++)
      await fetch(`${keen.url}/no/such/page-${i}/`, { headers: { connection: 'close' } });
    const after = (await scrape()).body;
    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(sample(after, 'keen_workers')).toBe(2);
    expect(delta('keen_http_requests_total', { route: '/healthz', status: '200' })).toBe(40);
    expect(delta('keen_http_request_duration_seconds_count', { route: '/healthz', status: '200' })).toBe(40);
    // Probed paths share one label, so a scanner cannot blow up the series.
    expect(delta('keen_http_requests_total', { route: '(unmatched)', status: '404' })).toBe(3);
    expect(after).not.toContain('page-0');
  });

  it('has the pool, the database’s figures and Node’s own', async () => {
    const body = (await scrape()).body;
    expect(sample(body, 'keen_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(body).toMatch(/^keen_sessions \d+$/m);
    for (const name of [
      'nodejs_eventloop_lag_p99_seconds',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(sample(body, name), name).toBeGreaterThan(0);
    }
    expect(body).toContain('# TYPE nodejs_gc_duration_seconds histogram');
  });

  it('the alert rules and the Grafana dashboard in deploy/ use only metrics a scrape has', async () => {
    const body = (await scrape()).body;
    const rules = parse(readFileSync(join(projectRoot(), 'deploy/prometheus/keen-alerts.yml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string; for: string }[] }[];
    };
    const dashboard = JSON.parse(
      readFileSync(join(projectRoot(), 'deploy/grafana/keen-dashboard.json'), 'utf8'),
    ) as {
      panels: { targets: { expr: string }[] }[];
    };
    const alerts = rules.groups.flatMap((group) => group.rules);
    expect(alerts.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'KeenServerErrors',
        'KeenSlowPages',
        'KeenDatabasePoolSaturated',
        'KeenJobsFailing',
      ]),
    );
    const expressions = [
      ...alerts.map((rule) => rule.expr),
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
    ];
    const names = new Set(
      expressions.flatMap((expr) => expr.match(/\b(?:keen|nodejs|process)_[a-z0-9_]+/g) ?? []),
    );
    expect(names.size).toBeGreaterThan(8);
    for (const name of names) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      expect(body.includes(`# TYPE ${name} `) || body.includes(`# TYPE ${base} histogram`), name).toBe(true);
    }
  });
});
