// Issue 15, traces: with OTEL_EXPORTER_OTLP_ENDPOINT set, each request is a server span named by its route
// template with its status, each SQL statement a child span with its text and never its values, each
// job run a span of its own; the trace id is in the access log and X-Request-Id. Exported over
// OTLP/HTTP to a receiver in the test. Without the variable no OpenTelemetry module is loaded.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/contrib/jobs/queue.js';
import { installedApps } from '../../src/installed-apps.js';
import { createLogger } from '../../src/log.js';
import { projectRoot } from '../../src/project-root.js';
import { loadSettings } from '../../src/settings.js';
import { startTracing, type Tracing } from '../../src/tracing/tracing.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { createTestApp, TEST_SECRET_KEY, type TestApp, testSettings } from '../support/app.js';
import { createTestDatabase, ENGINE } from '../support/database.js';
import { freePort } from '../support/keen-serve.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';

/** Values that travel as query parameters: none may reach the collector. */
const SECRET = 'secret-parameter-7f3a9c';
const TX_SECRET = 'secret-in-transaction-51be';
const POSTED_SECRET = 'secret-posted-value-c04d';
const JOB_SECRET = 'secret-job-value-9e21';
/** A path segment standing in for a password-reset token: only the route template may be recorded. */
const TOKEN_IN_PATH = 'reset-token-d41d8cd98f00';
const PROXY = '10.9.8.7';
const SERVER = 2; // OTLP's SPAN_KIND_SERVER
const ERROR = 2; // OTLP's STATUS_CODE_ERROR

const probeApp: KeenApp = {
  name: 'traceprobe',
  routes(app, { database }) {
    app.get('/traced/:slug/', async () => {
      await database.db.execute(sql`select ${SECRET}::text as value`);
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`select ${TX_SECRET}::text as value`);
      });
      return { ok: true };
    });
    app.post('/traced-post/', { config: { csrf: false } }, async (request) => {
      const { value } = request.body as { value: string };
      await database.db.execute(sql`select ${value}::text as posted`);
      return { ok: true };
    });
    app.get('/traced-failure/', async () => {
      throw new Error('the view failed');
    });
  },
};

const silent = () => new Writable({ write: (_chunk, _encoding, next) => next() });

describe('OTEL_* settings', () => {
  const settings = (env: Record<string, string>) => loadSettings({ SECRET_KEY: TEST_SECRET_KEY, ...env });

  it('are off by default, and take the standard names', () => {
    expect(settings({}).tracing).toBeNull();
    expect(settings({ OTEL_SERVICE_NAME: 'blog' }).tracing).toBeNull();
    const on = settings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_SERVICE_NAME: 'blog',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-scope=keen',
    }).tracing;
    expect(on).toMatchObject({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'blog',
      sampleRatio: 0.25,
    });
    // Headers hold credentials: a Secret, never printed.
    expect(JSON.stringify(on)).not.toContain('abc');
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/otlp' }).tracing).toMatchObject({
      tracesUrl: 'https://otlp.example.com/otlp/v1/traces',
      serviceName: 'keen',
      sampleRatio: 1,
    });
  });

  it('refuse what is not an http(s) URL, credentials in it, a ratio outside 0..1 and bad headers', () => {
    expect(() => settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
    expect(() => settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow(/http\(s\)/);
    expect(() => settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/not a URL/);
    expect(() => settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:pw@collector' })).toThrow(
      /OTEL_EXPORTER_OTLP_HEADERS/,
    );
    expect(() => settings({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => settings({ OTEL_TRACES_SAMPLER_ARG: 'half' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => settings({ OTEL_EXPORTER_OTLP_HEADERS: 'Bearer abc' })).toThrow(/name=value/);
  });
});

describe(`traces exported over OTLP/HTTP (${ENGINE})`, () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let t: TestApp;
  let queue: JobQueue;
  const jobRan: string[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'keen-under-test',
      TRUSTED_PROXIES: PROXY,
    };
    const settings = testSettings(env);
    const started = await startTracing(settings.tracing, createLogger(settings, silent()));
    if (!started) throw new Error('tracing did not start');
    tracing = started;
    const database = await createTestDatabase({ tracing });
    t = await createTestApp({ env, database, tracing, apps: [...installedApps, probeApp] });
    queue = new JobQueue(database, createLogger(testSettings({ LOG_LEVEL: 'silent' }), silent()), tracing);
    queue.attach(t.app);
    queue.define<{ value: string }>({
      name: 'traceprobe.job',
      async handler(data, context) {
        await context.app.keen.database.db.execute(sql`select ${data.value}::text as job_value`);
        jobRan.push(data.value);
      },
    });
    await queue.start({ work: true, concurrency: 1, pollingIntervalSeconds: 0.5 });
  }, 60_000);

  afterAll(async () => {
    await queue?.stop(5000);
    await t?.close();
    await t?.database.close();
    await tracing?.shutdown();
    await receiver?.close();
  });

  const childrenOf = (parent: ReceivedSpan) =>
    receiver.spans.filter((span) => span.parentSpanId === parent.spanId && span.traceId === parent.traceId);

  it('sends a server span per request, named by route template, with the queries as children', async () => {
    const response = await t.app.inject({ url: `/traced/${TOKEN_IN_PATH}/`, headers: { host: 'localhost' } });
    expect(response.statusCode).toBe(200);
    const requestId = response.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    await tracing.flush();

    const server = await receiver.waitForSpan((span) => span.traceId === requestId && span.kind === SERVER);
    expect(server.name).toBe('GET /traced/:slug/');
    expect(server.service).toBe('keen-under-test');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/traced/:slug/',
      'http.response.status_code': 200,
    });
    expect(server.statusCode).not.toBe(ERROR);

    const statements = childrenOf(server).map((span) => String(span.attributes['db.query.text']));
    // Outside and inside a transaction, each with its placeholder instead of its value.
    expect(statements).toContainEqual(expect.stringMatching(/^select \$1::text as value$/));
    expect(statements.filter((text) => text.includes('$1::text as value'))).toHaveLength(2);
    for (const span of childrenOf(server)) {
      expect(span.attributes['db.system.name']).toBe('postgresql');
      expect(span.name).toMatch(/^[A-Z]+$/);
    }

    // The access log line carries the same trace id.
    const line = t.logs.find(
      (entry) => entry.msg === 'request' && entry.path === `/traced/${TOKEN_IN_PATH}/`,
    );
    expect(line?.traceId).toBe(requestId);

    const exported = receiver.bodies.join('\n');
    expect(exported).not.toContain(SECRET);
    expect(exported).not.toContain(TX_SECRET);
    expect(exported).not.toContain(TOKEN_IN_PATH);
  });

  it('traces the queries a POST runs after its body arrives', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/traced-post/',
      headers: { host: 'localhost', 'content-type': 'application/json' },
      payload: JSON.stringify({ value: POSTED_SECRET }),
    });
    expect(response.statusCode).toBe(200);
    await tracing.flush();
    const traceId = response.headers['x-request-id'];
    const server = await receiver.waitForSpan((span) => span.traceId === traceId && span.kind === SERVER);
    expect(server.name).toBe('POST /traced-post/');
    expect(childrenOf(server).map((span) => span.attributes['db.query.text'])).toContain(
      'select $1::text as posted',
    );
    expect(receiver.bodies.join('\n')).not.toContain(POSTED_SECRET);
  });

  it('marks a 5xx as an error, and names an unmatched request by its method only', async () => {
    const failed = await t.app.inject({ url: '/traced-failure/', headers: { host: 'localhost' } });
    expect(failed.statusCode).toBe(500);
    const missing = await t.app.inject({ url: '/no/such/page/', headers: { host: 'localhost' } });
    expect(missing.statusCode).toBe(404);
    await tracing.flush();
    const failure = await receiver.waitForSpan(
      (span) => span.traceId === failed.headers['x-request-id'] && span.kind === SERVER,
    );
    expect(failure.statusCode).toBe(ERROR);
    expect(failure.attributes['http.response.status_code']).toBe(500);
    const unmatched = await receiver.waitForSpan(
      (span) => span.traceId === missing.headers['x-request-id'] && span.kind === SERVER,
    );
    expect(unmatched.name).toBe('GET');
    expect(unmatched.attributes['http.route']).toBeUndefined();
    expect(receiver.bodies.join('\n')).not.toContain('/no/such/page/');
  });

  it('continues a trace from traceparent only when a trusted proxy sends it', async () => {
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const parentSpanId = '1122334455667788';
    const headers = { host: 'localhost', traceparent: `00-${traceId}-${parentSpanId}-01` };
    const fromProxy = await t.app.inject({ url: '/healthz', headers, remoteAddress: PROXY });
    expect(fromProxy.headers['x-request-id']).toBe(traceId);
    const fromStranger = await t.app.inject({ url: '/healthz', headers, remoteAddress: '203.0.113.5' });
    expect(fromStranger.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(fromStranger.headers['x-request-id']).not.toBe(traceId);
    await tracing.flush();
    const continued = await receiver.waitForSpan((span) => span.traceId === traceId);
    expect(continued.parentSpanId).toBe(parentSpanId);
    expect(continued.name).toBe('GET /healthz');
  });

  it('sends a span per job run, with its queries as children; background polling is no trace', async () => {
    await queue.enqueue('traceprobe.job', { value: JOB_SECRET });
    await expect.poll(() => jobRan, { timeout: 20_000, interval: 100 }).toContain(JOB_SECRET);
    await tracing.flush();
    const job = await receiver.waitForSpan((span) => span.name === 'job traceprobe.job');
    expect(job.parentSpanId).toBe('');
    expect(job.attributes['keen.job.name']).toBe('traceprobe.job');
    expect(childrenOf(job).map((span) => span.attributes['db.query.text'])).toContain(
      'select $1::text as job_value',
    );
    expect(receiver.bodies.join('\n')).not.toContain(JOB_SECRET);
    // Every statement span belongs to a request or a job: pg-boss's polling makes no root spans.
    const statements = receiver.spans.filter((span) => span.attributes['db.system.name'] !== undefined);
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((span) => span.parentSpanId === '')).toEqual([]);
  });
});

describe('the process wiring (keen dev, embedded database)', () => {
  /** Runs test/support/tracing-probe.ts with `env`; returns what it printed. */
  async function runProbe(env: Record<string, string>) {
    const root = projectRoot();
    const dataDir = mkdtempSync(join(tmpdir(), 'keen-trace-probe-'));
    const base = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !name.startsWith('OTEL_') && name !== 'DATABASE_URL' && name !== 'KEEN_TEST_DATABASE_URL',
      ),
    );
    try {
      const child = spawn(
        join(root, 'node_modules', '.bin', 'tsx'),
        [join(root, 'test/support/tracing-probe.ts')],
        {
          cwd: root,
          env: {
            ...base,
            SECRET_KEY: TEST_SECRET_KEY,
            KEEN_DATA_DIR: dataDir,
            BIND: `127.0.0.1:${await freePort()}`,
            LOG_LEVEL: 'warn',
            // As keen dev runs: static files from the sources, no collectstatic needed.
            DEBUG: 'true',
            ...env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, stderr).toBe(0);
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
        status: number;
        requestId: string | null;
        loaded: string[];
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  const otel = (urls: string[]) =>
    urls.filter((url) => url.includes('/@opentelemetry/') || url.includes('/src/tracing/otel-tracing'));

  it('without OTEL_EXPORTER_OTLP_ENDPOINT loads no OpenTelemetry module and sends no X-Request-Id', async () => {
    const result = await runProbe({});
    expect(result.status).toBe(200);
    // The hook saw Keen's modules load, so an empty list means something.
    expect(result.loaded.some((url) => url.includes('/src/web/app.ts'))).toBe(true);
    expect(otel(result.loaded)).toEqual([]);
    // Also loaded only when needed (issue 17's worker memory): prom-client with METRICS_BIND, the
    // argon2 binding with the first password check.
    expect(result.loaded.filter((url) => /\/(prom-client|@node-rs\/argon2)\//.test(url))).toEqual([]);
    expect(result.requestId).toBeNull();
  }, 60_000);

  it('with it, the process sends its spans and flushes them when it stops', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const result = await runProbe({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'probe',
      });
      expect(result.status).toBe(200);
      expect(otel(result.loaded).length).toBeGreaterThan(0);
      // Sent by the batch processor's flush on stop, well before its 5 s schedule.
      const span = await receiver.waitForSpan((candidate) => candidate.traceId === result.requestId, 2000);
      expect(span).toMatchObject({ name: 'GET /healthz', service: 'probe' });
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
