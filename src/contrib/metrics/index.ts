/**
 * The metrics app: when METRICS_BIND is set, each `keen serve` worker counts its requests by route
 * template and status (one onResponse hook, added only then, so a site without metrics pays nothing) and
 * hands its registry to the supervisor when asked (src/server/worker.ts), which serves the sum of all
 * workers on its own port (src/server/metrics-endpoint.ts).
 */
import type { KeenApp } from '../../web/keen-app.js';
import { routeUrl } from '../../web/route-policy.js';
import type { WorkerMetrics } from './collectors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This worker's metrics, when METRICS_BIND is set. */
    metrics?: WorkerMetrics;
  }
}

/** The label for a request no route matched: one label, however many paths are probed. */
const UNMATCHED = '(unmatched)';

export const metricsApp: KeenApp = {
  name: 'metrics',
  routes(app, { settings, database, stores }) {
    if (!settings.metrics) return;
    // prom-client (about 10 MiB of a worker's memory) loads only where metrics are on; the collectors
    // are made before the app is ready, so every request is counted.
    let metrics: WorkerMetrics | undefined;
    let stopTiming = () => {};
    app.addHook('onReady', async () => {
      const { WorkerMetrics } = await import('./collectors.js');
      metrics = new WorkerMetrics({
        sessions: () => stores.sessions.count(),
        ...(database.poolStats ? { pool: database.poolStats } : {}),
        jobs: () => app.jobs.summary(),
      });
      app.metrics = metrics;
      stopTiming = database.observeQueries(metrics.queryObserver);
    });
    app.addHook('onClose', async () => {
      stopTiming();
    });
    app.addHook('onResponse', (request, reply, done) => {
      metrics?.observe(
        request.method,
        routeUrl(request) ?? UNMATCHED,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  },
};
