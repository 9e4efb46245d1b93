// `keen serve` under load (issue 3): rolling reload, crashed and stuck workers, graceful stop, broken
// reloads, crash loops and HTTP limits — against the production build, real processes, loopback only.
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import { type KeenServe, prepareBuildCopy, removeBuildCopy, startKeenServe } from '../support/keen-serve.js';
import { startLoad } from '../support/load.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends raw bytes and returns the status line of the reply. */
function rawRequest(port: number, chunks: string[], gapMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (data) => {
      reply += data.toString();
    });
    socket.on('end', () => resolve(reply.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        if (gapMs) await sleep(gapMs);
      }
    });
    socket.setTimeout(20_000, () => socket.destroy(new Error('raw request timed out')));
  });
}

describe.runIf(ENGINE === 'postgres')('keen serve with PostgreSQL: 3 workers', () => {
  let build: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  let keen: KeenServe;

  beforeAll(async () => {
    build = prepareBuildCopy();
    database = await createTestDatabase();
    env = {
      DATABASE_URL: database.url as string,
      WEB_CONCURRENCY: '3',
      WORKER_TIMEOUT: '2',
      GRACEFUL_TIMEOUT: '10',
    };
    keen = await startKeenServe(build, env);
    await keen.waitForLog(() => keen.workerPids().length === 3);
  }, 90_000);

  afterAll(async () => {
    await keen?.stop();
    await database?.close();
    removeBuildCopy(build);
  });

  it('serves from 3 worker processes', async () => {
    expect(keen.workerPids()).toHaveLength(3);
    const response = await fetch(`${keen.url}/health/`);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('(a) SIGHUP rolling reload under load: every worker replaced, 0 failed requests, 0 socket errors', async () => {
    const before = keen.workerPids();
    const load = startLoad(`${keen.url}/health/`, { concurrency: 8 });
    await sleep(300);
    const reloadsSoFar = keen.logs.filter((line) => line.msg === 'rolling reload complete').length;
    keen.child.kill('SIGHUP');
    await keen.waitForLog(
      (line) =>
        line.msg === 'rolling reload complete' &&
        keen.logs.filter((l) => l.msg === line.msg).length > reloadsSoFar,
      30_000,
    );
    await sleep(300);
    const result = await load.stop();
    expect(result.errors).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.socketErrors).toBe(0);
    expect(result.ok).toBeGreaterThan(100);
    const after = keen.workerPids();
    expect(after).toHaveLength(3);
    for (const pid of before) expect(after).not.toContain(pid);
  });

  // How fast a replacement boots is a speed goal (under 1 s): `npm run bench` measures it on a machine
  // doing nothing else. This test asserts what must hold however busy the machine is: the supervisor
  // forks the replacement as soon as it sees the death, with no delay of its own.
  it('(b) kill -9 of a worker under steady load: a replacement is forked at once and serves; failures ≤ requests in flight', async () => {
    // A steady 150 req/s (not saturation): the replacement's boot gets CPU, as it would in production
    // where the load does not come from the same two cores. Saturating load is test (a)'s job.
    const load = startLoad(`${keen.url}/health/`, { concurrency: 4, rate: 150 });
    await sleep(300);
    const victim = keen.workerPids()[0] as number;
    const killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    const died = await keen.waitForLog(
      (line) => line.msg === 'worker died; starting a replacement' && line.workerPid === victim,
    );
    const ready = await keen.waitForLog(
      (line) => line.msg === 'worker ready' && (line.time as number) >= (died.time as number),
      5_000,
    );
    // The supervisor sees the death as the kernel reports it…
    expect((died.time as number) - killedAt).toBeLessThan(500);
    // …and forks the replacement at once; that same process is the one that becomes ready.
    const started = keen.logs.find(
      (line) => line.msg === 'worker started' && line.workerPid === ready.workerPid,
    );
    expect(started).toBeDefined();
    expect((started?.time as number) - (died.time as number)).toBeLessThan(250);
    await sleep(300);
    const result = await load.stop();
    // At most the requests that were on the killed worker at that instant (one per connection).
    expect(result.failed + result.socketErrors).toBeLessThanOrEqual(4);
    expect(result.ok).toBeGreaterThan(50);
    expect(keen.workerPids()).toHaveLength(3);
  });

  // Each step has its own bound (10 s); the test's 60 s leaves room for a busy machine (CI shares its
  // cores with whatever else runs there), where a replacement boots slower.
  it('(d) a stuck worker (no heartbeat) is killed and replaced after WORKER_TIMEOUT', async () => {
    const victim = keen.workerPids()[0] as number;
    // SIGSTOP freezes the event loop as a busy loop would: no heartbeats reach the supervisor.
    process.kill(victim, 'SIGSTOP');
    const stoppedAt = Date.now();
    const timeout = await keen.waitForLog(
      (line) => String(line.msg).startsWith('WORKER TIMEOUT') && line.workerPid === victim,
      10_000,
    );
    // WORKER_TIMEOUT=2 s of silence, counted from the last heartbeat (sent every second before the stop).
    expect(timeout.silentMs as number).toBeGreaterThan(2000);
    expect((timeout.time as number) - stoppedAt).toBeGreaterThanOrEqual(900);
    await keen.waitForLog(
      () => keen.workerPids().length === 3 && !keen.workerPids().includes(victim),
      10_000,
    );
    // Bounded, so a hung request fails here with a clear error rather than as the test's timeout.
    expect((await fetch(`${keen.url}/healthz`, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
  }, 60_000);

  it('HTTP limits: oversized request line or headers are refused (431), the worker keeps serving', async () => {
    const port = Number(new URL(keen.url).port);
    const longLine = await rawRequest(port, [
      `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    ]);
    expect(longLine).toMatch(/^HTTP\/1\.1 431/);
    const bigHeader = await rawRequest(port, [
      `GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    ]);
    expect(bigHeader).toMatch(/^HTTP\/1\.1 431/);
    expect((await fetch(`${keen.url}/healthz`)).status).toBe(200);
  });

  it('(e) a reload with a broken build keeps the old workers serving', async () => {
    const before = keen.workerPids();
    writeFileSync(join(build, 'dist', 'cli', 'main.js'), "throw new Error('broken build (test)');\n");
    const load = startLoad(`${keen.url}/health/`, { concurrency: 4 });
    keen.child.kill('SIGHUP');
    await keen.waitForLog((line) => String(line.msg).startsWith('rolling reload aborted'), 20_000);
    await sleep(300);
    const result = await load.stop();
    expect(result.failed + result.socketErrors).toBe(0);
    expect(keen.workerPids().sort()).toEqual(before.sort());
    expect(keen.child.exitCode).toBeNull();
  });

  it('(c) SIGTERM with a slow request in flight: it completes, then exit status 0', async () => {
    const port = Number(new URL(keen.url).port);
    const body = 'username=x&password=y';
    // The body arrives over ~1.5 s; SIGTERM lands in the middle of it.
    const slow = rawRequest(
      port,
      [
        `POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
        ...body.match(/.{1,4}/g)!,
      ],
      250,
    );
    await sleep(400);
    const code = keen.stop('SIGTERM');
    // A complete HTTP response (403: no CSRF token), not a reset connection.
    expect(await slow).toMatch(/^HTTP\/1\.1 403/);
    expect(await code).toBe(0);
    expect(keen.logs.some((line) => line.msg === 'worker stopped')).toBe(true);
  });
});

describe.runIf(ENGINE === 'postgres')('keen serve: recycling and scaling', () => {
  it('MAX_REQUESTS recycles workers one at a time under load, with no failed request', async () => {
    const build = prepareBuildCopy();
    const database = await createTestDatabase();
    const keen = await startKeenServe(build, {
      DATABASE_URL: database.url as string,
      WEB_CONCURRENCY: '3',
      MAX_REQUESTS: '150',
      MAX_REQUESTS_JITTER: '50',
    });
    try {
      await keen.waitForLog(() => keen.workerPids().length === 3);
      const load = startLoad(`${keen.url}/healthz`, { concurrency: 6 });
      await keen.waitForLog(() => keen.logs.filter((l) => l.msg === 'worker stopped').length >= 3, 30_000);
      const result = await load.stop();
      expect(result.errors).toEqual([]);
      expect(result.failed + result.socketErrors).toBe(0);
      // One at a time: each replacement is ready before the next old worker starts draining, so the
      // supervisor never has fewer than 3 ready workers (and never 2 draining at once).
      let draining = 0;
      for (const line of keen.logs.filter((l) => l.role === 'supervisor' || l.reason === 'supervisor')) {
        if (line.msg === 'worker draining: finishing in-flight requests') draining += 1;
        if (line.msg === 'worker stopped') draining -= 1;
        expect(draining).toBeLessThanOrEqual(1);
      }
      const limits = keen.logs.filter((l) => l.msg === 'worker started').map((l) => Number(l.maxRequests));
      for (const limit of limits) expect(limit).toBeGreaterThanOrEqual(150);
      for (const limit of limits) expect(limit).toBeLessThanOrEqual(200);
      expect(keen.workerPids()).toHaveLength(3);
    } finally {
      await keen.stop();
      await database.close();
      removeBuildCopy(build);
    }
  }, 90_000);

  it('SIGTTIN adds a worker, SIGTTOU removes one', async () => {
    const build = prepareBuildCopy();
    const database = await createTestDatabase();
    const keen = await startKeenServe(build, { DATABASE_URL: database.url as string, WEB_CONCURRENCY: '2' });
    try {
      await keen.waitForLog(() => keen.workerPids().length === 2);
      keen.child.kill('SIGTTIN');
      await keen.waitForLog(() => keen.workerPids().length === 3);
      keen.child.kill('SIGTTOU');
      await keen.waitForLog(() => keen.workerPids().length === 2);
      expect((await fetch(`${keen.url}/healthz`)).status).toBe(200);
    } finally {
      await keen.stop();
      await database.close();
      removeBuildCopy(build);
    }
  }, 60_000);
});

describe.runIf(ENGINE === 'postgres')('keen serve: workers that cannot boot', () => {
  it('5 boot failures in 30 s end the supervisor with status 3 and a clear message', async () => {
    const build = prepareBuildCopy();
    try {
      // Nothing listens on port 1: every worker fails to reach the database while booting.
      const started = startKeenServe(build, {
        DATABASE_URL: 'postgres://keen@127.0.0.1:1/keen',
        WEB_CONCURRENCY: '2',
      });
      await expect(started).rejects.toThrow(/exited with 3/);
      await expect(started).rejects.toThrow(/failed to boot 5 times/);
    } finally {
      removeBuildCopy(build);
    }
  }, 60_000);
});

describe('keen serve on the embedded database', () => {
  it('runs one worker and says why; SIGHUP replaces it; SIGTERM exits 0', async () => {
    const build = prepareBuildCopy();
    try {
      const keen = await startKeenServe(build, { WEB_CONCURRENCY: '3', DATABASE_URL: '' });
      try {
        expect(keen.logs.some((line) => String(line.msg).includes('running 1 worker'))).toBe(true);
        await keen.waitForLog(() => keen.workerPids().length === 1);
        const [first] = keen.workerPids();
        keen.child.kill('SIGHUP');
        await keen.waitForLog((line) => line.msg === 'rolling reload complete', 30_000);
        expect(keen.workerPids()).toHaveLength(1);
        expect(keen.workerPids()).not.toContain(first);
        expect((await fetch(`${keen.url}/health/`)).status).toBe(200);
      } finally {
        expect(await keen.stop('SIGTERM')).toBe(0);
      }
    } finally {
      removeBuildCopy(build);
    }
  }, 90_000);
});
