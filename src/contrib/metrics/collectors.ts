/**
 * One worker's metrics, in a prom-client registry of its own: requests by route template and status,
 * their latency, the database pool, event-loop lag, GC and memory (prom-client's process metrics), and
 * what the database and the session store say about jobs and sessions. The supervisor sums the workers' registries into one
 * scrape (src/server/metrics-endpoint.ts); a figure read from the shared database or store is the same in every
 * worker, so it is aggregated as the largest, not summed.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { QueryObserver, QueryWatch } from '../../db/query-observers.js';

/** What the collectors read when Prometheus scrapes. */
export interface MetricsSources {
  /** Unexpired sessions, from the session store. */
  sessions: () => Promise<number>;
  /** The pool's connections (PostgreSQL only). */
  pool?: () => { total: number; idle: number; waiting: number };
  /** Jobs per queue and state, or null when the job queue is not running here. */
  jobs?: () => Promise<{ queue: string; state: string; count: number }[] | null>;
}

/** Statement buckets in seconds: 0.5 ms to 5 s, where indexed reads and slow reports fall. */
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

const OPERATIONS = new Set(['select', 'insert', 'update', 'delete']);

/** A statement's kind from its first word (`WITH …` counts as other): a label with five values. */
function operationOf(text: string): string {
  const word = /^\s*([a-z]+)/i.exec(text)?.[1]?.toLowerCase() ?? '';
  return OPERATIONS.has(word) ? word : 'other';
}

/** Latency buckets in seconds: 5 ms to 10 s, where pages and slow pages fall. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class WorkerMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #latency: Histogram<'method' | 'route' | 'status'>;
  readonly #queries: Histogram<'operation'>;
  readonly #throttled: Counter<'action' | 'limit'>;

  constructor(sources: MetricsSources) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
    this.#requests = new Counter({
      name: 'keen_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.#latency = new Histogram({
      name: 'keen_http_request_duration_seconds',
      help: 'Time from the request to the response, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    // 1 in each worker: the sum across the cluster is the number of workers that answered the scrape.
    this.#queries = new Histogram({
      name: 'keen_db_query_duration_seconds',
      help: 'SQL statements by kind (select, insert, update, delete, other), and how long they took.',
      labelNames: ['operation'],
      buckets: QUERY_BUCKETS,
      registers: [registry],
    });
    this.#throttled = new Counter({
      name: 'keen_throttle_refusals_total',
      help: 'Password and code attempts refused by the login throttle, by action and limit.',
      labelNames: ['action', 'limit'],
      registers: [registry],
    });
    new Gauge({
      name: 'keen_workers',
      help: 'Workers that answered this scrape.',
      registers: [registry],
    }).set(1);
    new Gauge({
      name: 'keen_db_pool_connections',
      help: "The database pool's connections: total, idle, and requests waiting for one.",
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const stats = sources.pool?.();
        if (!stats) return;
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
    new Gauge({
      name: 'keen_sessions',
      help: 'Sessions that have not expired (the same in every worker: the largest is kept).',
      aggregator: 'max',
      registers: [registry],
      async collect() {
        this.set(await sources.sessions());
      },
    });
    new Gauge({
      name: 'keen_jobs',
      help: 'Background jobs by queue and state (the same in every worker: the largest is kept).',
      labelNames: ['queue', 'state'],
      aggregator: 'max',
      registers: [registry],
      async collect() {
        this.reset();
        const rows = (await sources.jobs?.().catch(() => null)) ?? [];
        for (const row of rows) this.set({ queue: row.queue, state: row.state }, row.count);
      },
    });
  }

  /** Times every SQL statement by its kind (select, insert…): hand it to `database.observeQueries`. */
  readonly queryObserver: QueryObserver = {
    startQuery: (text: string): QueryWatch => {
      const stop = this.#queries.startTimer({ operation: operationOf(text) });
      return { end: () => stop() };
    },
  };

  /** Counts a password attempt refused by the login throttle (src/contrib/auth/throttle.ts). */
  throttled(action: string, limit: string): void {
    this.#throttled.inc({ action, limit });
  }

  /** Counts one answered request; `route` is the template (`/blog/:slug/`), never the path itself. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.#requests.inc(labels);
    this.#latency.observe(labels, seconds);
  }
}
