/**
 * Background jobs on the site's own database (pg-boss 10: PostgreSQL tables, no new infrastructure).
 * An app declares its jobs (`JobDefinition`); code enqueues one with `enqueue`, inside its transaction
 * when the job follows data being written. A failing job is retried with exponential backoff, then
 * moved to its dead-letter queue (`<name>__dead`) where it waits to be looked at and retried.
 *
 * Handlers must be idempotent: a job may run again after a crash between its work and its completion.
 */

import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyBaseLogger as Logger } from 'fastify';
import type PgBoss from 'pg-boss';
import type { Database, Tx } from '../../db/client.js';
import type { Settings } from '../../settings.js';
import type { Tracing } from '../../tracing/tracing.js';
import { jobDb } from './executor.js';

/** What a handler gets besides the job's data. */
export interface JobContext {
  id: string;
  /** How many times it failed before this run (0 on the first). */
  retryCount: number;
  log: Logger;
  /** The app the queue belongs to: settings, database, media storage, as a request would have them. */
  app: FastifyInstance;
}

export interface JobDefinition<Data extends object = Record<string, unknown>> {
  /** Unique across apps, e.g. `resume.build_pdf`. */
  name: string;
  handler(data: Data, context: JobContext): Promise<void>;
  /** Retries after the first failure (default 5), spaced out exponentially from `retryDelaySeconds`. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** A run longer than this counts as failed (default 15 minutes). */
  expireInSeconds?: number;
  /**
   * pg-boss's queue policy: `standard` (default) keeps every job; `short` keeps at most one waiting job
   * per singleton key (a rebuild asked for twice is one rebuild); `singleton` one running job;
   * `stately` one of each.
   */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
  /**
   * When to run it by itself: a cron expression read from the settings (null: never). pg-boss keeps
   * the schedule in the database and sends each run once, however many workers and hosts are running.
   */
  schedule?: (settings: Readonly<Settings>) => string | null;
}

export interface EnqueueOptions {
  /** The transaction the job belongs to: it is stored only if that transaction commits. */
  tx?: Tx;
  /** With a `short` (or `stately`) queue: at most one waiting job with this key; a second is dropped. */
  singletonKey?: string;
  /** Run no earlier than this many seconds from now. */
  startAfterSeconds?: number;
}

export interface StartOptions {
  /** Run handlers in this process (keen worker; keen serve on the embedded database). */
  work: boolean;
  /** Jobs handled at once per queue (default 2). */
  concurrency?: number;
  /** How often an idle worker looks for jobs (default 2 s; pg-boss allows 0.5 at least). */
  pollingIntervalSeconds?: number;
}

/** pg-boss's job states. */
export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

/** One job as `keen jobs` and the admin list it. */
export interface JobRow {
  queue: string;
  id: string;
  state: JobState;
  retryCount: number;
  /** The error of a failed job ('' otherwise). */
  error: string;
  createdOn: Date;
  completedOn: Date | null;
}

/** PGlite and node-postgres both give timestamps as Date; text is accepted in case a driver does not. */
function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

/** pg-boss job ids are UUIDs: anything else is refused before it reaches a query. */
export function isJobId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

export const deadLetterQueue = (name: string) => `${name}__dead`;

/** A job definition as an app lists it (`KeenApp.jobs`), whatever its data's shape. */
export function defineJob<Data extends object>(definition: JobDefinition<Data>): JobDefinition<object> {
  return definition as unknown as JobDefinition<object>;
}

/** A queue with the jobs of every given app defined (the web app, `keen jobs`). */
export function queueForApps(
  apps: readonly { jobs?: readonly JobDefinition<object>[] }[],
  database: Database,
  log: Logger,
  tracing: Tracing | null = null,
): JobQueue {
  const queue = new JobQueue(database, log, tracing);
  for (const app of apps) for (const job of app.jobs ?? []) queue.define(job);
  return queue;
}

export class JobQueue {
  private boss: PgBoss | null = null;
  private readonly definitions = new Map<string, JobDefinition<object>>();
  private started = false;
  private app: FastifyInstance | null = null;
  /** The start in progress, so a stop that comes first waits for it (a worker stopped while booting). */
  #starting: Promise<void> | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
    /** A span per job run, when tracing is on. */
    private readonly tracing: Tracing | null = null,
  ) {}

  /** pg-boss itself, made by start(): its maintenance (expiring, archiving, deleting old jobs) runs only where jobs are worked. */
  private client(): PgBoss {
    if (!this.boss) throw new Error('the job queue is not started');
    return this.boss;
  }

  /** The app handlers get in their context (set once the app is built). */
  attach(app: FastifyInstance): void {
    this.app = app;
  }

  /** True once started: enqueueing works (and, with `work`, handlers run somewhere). */
  get isStarted(): boolean {
    return this.started;
  }

  define<Data extends object>(definition: JobDefinition<Data>): void {
    if (this.definitions.has(definition.name)) throw new Error(`job "${definition.name}" is defined twice`);
    this.definitions.set(definition.name, definition as JobDefinition<object>);
  }

  /** Creates pg-boss's tables (first time) and the queues; with `work`, starts the handlers. */
  start(options: StartOptions): Promise<void> {
    this.#starting = this.#start(options);
    return this.#starting;
  }

  async #start(options: StartOptions): Promise<void> {
    // Loaded here, not at import: a web worker serves before its queue is ready (src/server/start.ts).
    const { default: PgBossClass } = await import('pg-boss');
    const boss = new PgBossClass({
      db: jobDb(this.database) as PgBoss.Db,
      supervise: options.work,
      // pg-boss's cron monitor: only where jobs are worked, which is where scheduled runs are sent from.
      schedule: options.work,
    });
    boss.on('error', (error: Error) => this.log.error({ err: error }, 'job queue error'));
    this.boss = boss;
    // Several processes starting at once (web workers, keen worker) race to create pg-boss's schema and
    // the queues; the loser of a race finds them made on its next try.
    for (let attempt = 1; ; attempt++) {
      try {
        await boss.start();
        await this.createQueues(boss);
        break;
      } catch (error) {
        if (attempt >= 4) throw error;
        this.log.info({ attempt, err: error }, 'job queue setup raced another process; trying again');
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt + Math.random() * 300));
      }
    }
    this.started = true;
    if (!options.work) return;
    const settings = this.app?.keen.settings;
    for (const definition of this.definitions.values()) {
      if (!definition.schedule || !settings) continue;
      const cron = definition.schedule(settings);
      if (cron) await boss.schedule(definition.name, cron, {}, { tz: settings.timeZone });
      else await boss.unschedule(definition.name);
    }
    for (const definition of this.definitions.values()) {
      for (let i = 0; i < (options.concurrency ?? 2); i++) {
        await boss.work<object>(
          definition.name,
          { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
          async ([job]) => {
            if (!job) return;
            const meta = job as unknown as { retryCount?: number };
            const log = this.log.child({ job: definition.name, jobId: job.id });
            const started = performance.now();
            try {
              if (!this.app) throw new Error('the job queue has no app attached');
              const context = { id: job.id, retryCount: meta.retryCount ?? 0, log, app: this.app };
              if (this.tracing) {
                await this.tracing.traceJob(definition.name, job.id, () =>
                  definition.handler(job.data, context),
                );
              } else {
                await definition.handler(job.data, context);
              }
              log.info({ ms: Math.round(performance.now() - started) }, 'job done');
            } catch (error) {
              log.warn({ err: error, retryCount: meta.retryCount ?? 0 }, 'job failed');
              throw error;
            }
          },
        );
      }
    }
  }

  /** Stores a job; returns its id, or null when a waiting job with the same singleton key exists. */
  async enqueue(name: string, data: object, options: EnqueueOptions = {}): Promise<string | null> {
    if (!this.definitions.has(name)) throw new Error(`no job named "${name}"`);
    if (!this.started) throw new Error('the job queue is not started');
    return this.client().send(name, data, {
      ...(options.tx ? { db: jobDb(this.database, options.tx) as PgBoss.Db } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.startAfterSeconds
        ? { startAfter: new Date(Date.now() + options.startAfterSeconds * 1000) }
        : {}),
    });
  }

  /** Jobs per queue and state (`keen jobs`): every defined queue and its dead letters, even when empty. */
  async summary(): Promise<{ queue: string; state: string; count: number }[]> {
    this.client();
    const result = (await this.database.db.execute(
      sql`select name as queue, state, count(*)::int as count from pgboss.job group by name, state order by name, state`,
    )) as unknown as { rows: { queue: string; state: string; count: number }[] };
    return result.rows;
  }

  /** The most recent failed jobs with their error (`keen jobs --failed`). */
  async failed(limit = 20): Promise<JobRow[]> {
    return this.list(['failed'], limit);
  }

  /** The most recent jobs in `states` (newest first), with the error of a failed one. */
  async list(states: readonly JobState[], limit = 20): Promise<JobRow[]> {
    this.client();
    const result = (await this.database.db.execute(
      sql`select name as queue, id::text as id, state, retry_count as "retryCount",
            case when state = 'failed' then coalesce(output->>'message', output::text, '') else '' end as error,
            created_on as "createdOn", completed_on as "completedOn"
          from pgboss.job where state::text in (${sql.join(
            states.map((state) => sql`${state}`),
            sql`, `,
          )})
          order by coalesce(completed_on, created_on) desc limit ${limit}`,
    )) as unknown as { rows: JobRow[] };
    return result.rows.map((row) => ({
      ...row,
      createdOn: toDate(row.createdOn),
      completedOn: row.completedOn === null ? null : toDate(row.completedOn),
    }));
  }

  /** Each defined queue and its dead-letter queue, made once (existing ones are left as they are). */
  private async createQueues(boss: PgBoss): Promise<void> {
    for (const definition of this.definitions.values()) {
      const dead = deadLetterQueue(definition.name);
      if (!(await boss.getQueue(dead))) await boss.createQueue(dead);
      if (await boss.getQueue(definition.name)) continue;
      await boss.createQueue(definition.name, {
        name: definition.name,
        policy: definition.policy ?? 'standard',
        retryLimit: definition.retryLimit ?? 5,
        retryDelay: definition.retryDelaySeconds ?? 10,
        retryBackoff: true,
        expireInSeconds: definition.expireInSeconds ?? 15 * 60,
        deadLetter: dead,
      });
    }
  }

  /** Puts a failed (or cancelled) job back in its queue. */
  async retry(name: string, id: string): Promise<void> {
    await this.client().retry(name, id);
  }

  /** Cancels a waiting or active job. */
  async cancel(name: string, id: string): Promise<void> {
    await this.client().cancel(name, id);
  }

  /** One job's state, for tests and `keen jobs`. */
  async job(
    name: string,
    id: string,
  ): Promise<{ state: string; retryCount: number; output: unknown } | null> {
    const job = (await this.client().getJobById(name, id)) as
      | (PgBoss.JobWithMetadata & { retryCount?: number; retrycount?: number })
      | null;
    return job
      ? { state: job.state, retryCount: job.retryCount ?? job.retrycount ?? 0, output: job.output }
      : null;
  }

  /** Stops taking jobs; waits up to `timeoutMs` for the ones in hand to finish. */
  async stop(timeoutMs: number): Promise<void> {
    await this.#starting?.catch(() => undefined);
    if (!this.started) return;
    await this.client().stop({
      graceful: true,
      timeout: timeoutMs,
      close: false,
      wait: true,
    } as PgBoss.StopOptions);
    this.started = false;
  }
}
