// The job queue on the site's own database (pg-boss through Keen's client): a job runs its handler; a
// job enqueued in a transaction that rolls back never exists; a failing job is retried and then lands in
// its dead-letter queue; a singleton key keeps one waiting job; stop() waits for the job in hand.
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberedSql } from '../../src/contrib/jobs/executor.js';
import { deadLetterQueue, JobQueue } from '../../src/contrib/jobs/queue.js';
import { createLogger } from '../../src/log.js';
import { createTestApp, type TestApp, testSettings } from '../support/app.js';
import { ENGINE, type TestDatabase } from '../support/database.js';

const POLL = { timeout: 20_000, interval: 100 };

describe(`the job queue (${ENGINE})`, () => {
  let t: TestApp;
  let database: TestDatabase;
  let queue: JobQueue;
  const done: string[] = [];
  let failures = 0;
  let release: () => void = () => {};
  let slowStarted = false;

  beforeAll(async () => {
    // A queue of its own (the app's has the apps' jobs), attached to a real app as handlers expect.
    t = await createTestApp();
    database = t.database;
    const logger = createLogger(
      testSettings({ LOG_LEVEL: 'silent' }),
      new Writable({ write: (_chunk, _encoding, next) => next() }),
    );
    queue = new JobQueue(database, logger);
    queue.attach(t.app);
    queue.define<{ text: string }>({
      name: 'test.record',
      async handler(data) {
        done.push(data.text);
      },
    });
    queue.define<Record<string, never>>({
      name: 'test.fail',
      retryLimit: 2,
      retryDelaySeconds: 1,
      async handler() {
        failures += 1;
        throw new Error('always fails');
      },
    });
    queue.define<{ text: string }>({
      name: 'test.once',
      policy: 'short',
      async handler(data) {
        done.push(data.text);
      },
    });
    queue.define<Record<string, never>>({
      name: 'test.slow',
      async handler() {
        await new Promise<void>((resolve) => {
          release = resolve;
          slowStarted = true;
        });
        done.push('slow finished');
      },
    });
    await queue.start({ work: true, concurrency: 1, pollingIntervalSeconds: 0.5 });
  }, 60_000);

  afterAll(async () => {
    await queue?.stop(5000);
    await t?.close();
  });

  it('turns numbered SQL into bound parameters', () => {
    const query = numberedSql('select $1::int + $2::int, $1::int', [2, 3]);
    expect(query.queryChunks.length).toBeGreaterThan(3);
    expect(() => numberedSql('select $2', [1])).toThrow('no value for $2');
  });

  it('runs a job', async () => {
    const id = await queue.enqueue('test.record', { text: 'hello' });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => done.includes('hello'), POLL).toBe(true);
    await expect.poll(async () => (await queue.job('test.record', id!))?.state, POLL).toBe('completed');
  });

  it('a job enqueued in a transaction exists only if the transaction commits', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await queue.enqueue('test.record', { text: 'rolled back' }, { tx });
        throw new Error('the save failed');
      }),
    ).rejects.toThrow('the save failed');
    const id = await database.db.transaction((tx) =>
      queue.enqueue('test.record', { text: 'committed' }, { tx }),
    );
    await expect.poll(() => done.includes('committed'), POLL).toBe(true);
    expect(id).not.toBeNull();
    const [row] = (
      (await database.db.execute(
        sql`select count(*)::int as n from pgboss.job where data->>'text' = 'rolled back'`,
      )) as unknown as { rows: { n: number }[] }
    ).rows;
    expect(row?.n).toBe(0);
    expect(done).not.toContain('rolled back');
  });

  it('retries a failing job, then moves it to the dead-letter queue', async () => {
    const id = await queue.enqueue('test.fail', {});
    await expect
      .poll(async () => (await queue.job('test.fail', id!))?.state, { ...POLL, timeout: 40_000 })
      .toBe('failed');
    expect(failures).toBe(3);
    const dead = (
      (await database.db.execute(
        sql`select count(*)::int as n from pgboss.job where name = ${deadLetterQueue('test.fail')}`,
      )) as unknown as { rows: { n: number }[] }
    ).rows;
    expect(dead[0]?.n).toBe(1);
  }, 60_000);

  it('summarises queues, lists failures with their error, retries and cancels', async () => {
    await expect.poll(async () => (await queue.failed()).length, POLL).toBeGreaterThan(0);
    const failed = await queue.failed();
    expect(failed[0]).toMatchObject({ queue: 'test.fail', error: 'always fails' });
    const summary = await queue.summary();
    expect(summary).toEqual(expect.arrayContaining([{ queue: 'test.fail', state: 'failed', count: 1 }]));
    expect(summary.some((row) => row.queue === 'test.record' && row.state === 'completed')).toBe(true);
    await queue.retry('test.fail', failed[0]!.id);
    expect((await queue.job('test.fail', failed[0]!.id))?.state).not.toBe('failed');
    const later = await queue.enqueue('test.record', { text: 'never' }, { startAfterSeconds: 600 });
    await queue.cancel('test.record', later!);
    expect((await queue.job('test.record', later!))?.state).toBe('cancelled');
  }, 60_000);

  it('a short queue keeps one waiting job per singleton key', async () => {
    const later = { startAfterSeconds: 60 };
    const first = await queue.enqueue('test.once', { text: 'once' }, { singletonKey: 'k1', ...later });
    const second = await queue.enqueue('test.once', { text: 'once' }, { singletonKey: 'k1', ...later });
    const other = await queue.enqueue('test.once', { text: 'once' }, { singletonKey: 'k2', ...later });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    expect(other).not.toBeNull();
    await expect(queue.enqueue('test.nothing', {})).rejects.toThrow('no job named');
  });

  it('stop() lets the job in hand finish', async () => {
    await queue.enqueue('test.slow', {});
    await expect.poll(() => slowStarted, POLL).toBe(true);
    const stopping = queue.stop(10_000);
    setTimeout(() => release(), 300);
    await stopping;
    expect(done).toContain('slow finished');
  }, 30_000);
});

describe(`several processes setting up the queue at once (${ENGINE})`, () => {
  it('web workers and a worker starting together all get a working queue', async () => {
    const t = await createTestApp();
    const silent = createLogger(
      testSettings({ LOG_LEVEL: 'silent' }),
      new Writable({ write: (_chunk, _encoding, next) => next() }),
    );
    const queues = Array.from({ length: 3 }, () => {
      const queue = new JobQueue(t.database, silent);
      queue.define({ name: 'race.job', async handler() {} });
      queue.attach(t.app);
      return queue;
    });
    try {
      await Promise.all(queues.map((queue) => queue.start({ work: false })));
      const ids = await Promise.all(queues.map((queue, i) => queue.enqueue('race.job', { i })));
      expect(ids.every((id) => typeof id === 'string')).toBe(true);
    } finally {
      for (const queue of queues) await queue.stop(1000);
      await t.close();
    }
  }, 60_000);
});
