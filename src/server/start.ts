/**
 * Starts the web app in this process: settings, database (migrated first when embedded), app, listen.
 * Used by each worker of `keen serve` and by `keen dev` (one process). It does not handle signals;
 * the caller decides how to stop.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { migrateInstalledApps, openRuntime } from '../cli/bootstrap.js';
import { hasSuperuser } from '../contrib/auth/users.js';
import { readiness } from '../contrib/health/index.js';
import type { Database } from '../db/client.js';
import { pendingMigrations } from '../db/migrate.js';
import type { Settings } from '../settings.js';
import { buildApp } from '../web/app.js';
import type { KeenApp } from '../web/keen-app.js';

/** Node's HTTP timeouts. The keep-alive one outlives nginx's upstream keepalive_timeout (60 s), so
 * nginx, not Keen, closes idle upstream connections and never reuses one Keen is closing. */
export const HTTP_TIMEOUTS = Object.freeze({ keepAliveMs: 65_000, headersMs: 66_000, requestMs: 300_000 });

export interface StartOptions {
  command: 'serve' | 'dev';
  /** Setting overrides (BIND from --bind, DEBUG for dev). */
  overrides?: Record<string, string>;
  /** The first-run token; the server only honours it while no superuser exists. */
  setupToken: string;
  /** Installed apps; defaults to src/installed-apps.ts. */
  apps?: readonly KeenApp[];
}

export interface StartedServer {
  app: FastifyInstance;
  settings: Readonly<Settings>;
  logger: Logger;
  database: Database;
  url: string;
  /** True while no admin account exists (the setup link should be shown). */
  needsSetup: boolean;
  /** Closes the app (in-flight requests finish) and the database. */
  stop(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<StartedServer> {
  const { settings, logger, database, tracing } = await openRuntime(options.command, options.overrides, {
    traced: true,
  });
  if (settings.secretKeySource === 'generated') {
    logger.warn(`no SECRET_KEY set: generated one and kept it in ${settings.dataDir}/secret_key (mode 0600)`);
  }
  try {
    if (database.kind === 'pglite') {
      const result = await migrateInstalledApps(database);
      if (result.applied.length) logger.info({ applied: result.applied }, 'embedded database migrated');
    } else {
      const pending = await pendingMigrations(database);
      if (pending.length) {
        logger.warn(
          { pending },
          'migrations are pending: run `keen migrate` (/readyz answers 503 until then)',
        );
      }
    }
    const needsSetup = !(await hasSuperuser(database.db));
    const app = await buildApp({
      settings,
      database,
      logger,
      apps: options.apps,
      setupToken: needsSetup ? options.setupToken : null,
      tracing,
    });
    // Jobs: on the embedded database this one process runs them too (one worker, one PGlite), ready
    // before it serves. On PostgreSQL web workers only enqueue, and `keen worker` runs them.
    if (database.kind === 'pglite') await app.jobs.start({ work: true });
    app.server.keepAliveTimeout = HTTP_TIMEOUTS.keepAliveMs;
    app.server.headersTimeout = HTTP_TIMEOUTS.headersMs;
    app.server.requestTimeout = HTTP_TIMEOUTS.requestMs;
    await app.listen({ host: settings.bindHost, port: settings.port });
    if (database.kind !== 'pglite') {
      // A web worker does not wait for the queue before serving, and sets it up only once it listens: a
      // replacement worker must be up within a second, and loading pg-boss is ~40 ms of CPU. Until the
      // queue is ready, and if it cannot be set up at all, work that would be enqueued is done
      // in-process (see JobQueue.isStarted).
      void app.jobs
        .start({ work: false })
        .catch((error: unknown) =>
          logger.warn(
            { err: error },
            'job queue not available in this web worker; background work runs in-process',
          ),
        );
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : settings.port;
    const host = ['0.0.0.0', '::'].includes(settings.bindHost) ? 'localhost' : settings.bindHost;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        readiness.draining = true;
        await app.close();
        await database.close();
        // The spans of the last requests, buffered by the batch processor, are sent before exiting.
        await tracing?.shutdown();
      })();
      return stopping;
    };
    return { app, settings, logger, database, url, needsSetup, stop };
  } catch (error) {
    await database.close();
    await tracing?.shutdown();
    throw error;
  }
}
