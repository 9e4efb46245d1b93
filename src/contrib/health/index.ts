/**
 * Health probes, exempt from the HTTPS redirect and the Host check (load balancers and platforms probe
 * over internal HTTP with internal host names) and without sessions. They reveal nothing secret.
 *
 * - `/healthz`: the process is alive (no database).
 * - `/health/`: `{"status":"ok","database":"ok"}`, or 503 with `"database":"error"`; with Redis in use,
 *   also `"redis":"ok"` or (503) `"error"`.
 * - `/readyz`: ready for traffic: database reachable, no pending migrations, not shutting down.
 */
import { pendingMigrations, readMigrations } from '../../db/migrate.js';
import type { KeenApp } from '../../web/keen-app.js';
import { PROBE_POLICY } from '../../web/route-policy.js';

/** Set by the server when it starts draining, so /readyz turns 503 before connections close. */
export const readiness = { draining: false };

const ALIVE = JSON.stringify({ status: 'ok' });

export const healthApp: KeenApp = {
  name: 'health',
  routes(app, { database, stores }) {
    const migrationFiles = readMigrations();
    // Synchronous, and its JSON written once: probes and load balancers call it many times a second.
    app.get('/healthz', { config: PROBE_POLICY }, (_request, reply) => {
      reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(ALIVE);
    });

    app.get('/health/', { config: PROBE_POLICY }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const [db, redis] = await Promise.all([
        database.ping().then(
          () => 'ok' as const,
          (error: unknown) => {
            request.log.error({ err: error }, 'health check: database unreachable');
            return 'error' as const;
          },
        ),
        // The Redis connection logs its own outage once; a probe every few seconds adds nothing.
        stores.redis?.ping().then(
          () => 'ok' as const,
          () => 'error' as const,
        ),
      ]);
      const healthy = db === 'ok' && redis !== 'error';
      return reply
        .code(healthy ? 200 : 503)
        .send({ status: healthy ? 'ok' : 'error', database: db, ...(redis ? { redis } : {}) });
    });

    app.get('/readyz', { config: PROBE_POLICY }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      if (readiness.draining) return reply.code(503).send({ status: 'draining' });
      try {
        const pending = await pendingMigrations(database, migrationFiles);
        if (pending.length > 0)
          return reply.code(503).send({ status: 'migrations pending', pending: pending.length });
        return reply.send({ status: 'ready' });
      } catch (error) {
        request.log.error({ err: error }, 'readiness check: database unreachable');
        return reply.code(503).send({ status: 'error', database: 'error' });
      }
    });
  },
};
