/**
 * A `keen serve` worker: runs the web app on the port the supervisor shares, reports ready, sends a
 * heartbeat every second, asks to be recycled after MAX_REQUESTS, and drains gracefully when told to
 * (or on SIGTERM/SIGINT, which a terminal's Ctrl-C sends to the whole process group).
 */
import { readiness } from '../contrib/health/index.js';
import { readEnvironment } from '../settings.js';
import type { KeenApp } from '../web/keen-app.js';
import { closeConnectionsWhenDraining, drainServer } from './drain.js';
import { type SupervisorMessage, WORKER_BOOT_ERROR, WORKER_ENV, type WorkerMessage } from './messages.js';
import { type StartedServer, startServer } from './start.js';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

export async function runWorker(
  options: { apps?: readonly KeenApp[]; overrides?: Record<string, string> } = {},
) {
  const env = readEnvironment();
  let server: StartedServer;
  try {
    server = await startServer({
      command: 'serve',
      overrides: options.overrides,
      setupToken: env[WORKER_ENV.setupToken] ?? '',
      apps: options.apps,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    send({
      type: 'keen:boot-failed',
      message: (error as Error).message,
      ...(typeof code === 'string' ? { code } : {}),
    });
    // Let the IPC message flush before exiting.
    setTimeout(() => process.exit(WORKER_BOOT_ERROR), 50);
    return;
  }
  const { app, settings, logger } = server;
  const connections = closeConnectionsWhenDraining(app.server);

  const heartbeat = setInterval(
    () => send({ type: 'keen:heartbeat' }),
    Number(env[WORKER_ENV.heartbeatMs] ?? 1000),
  );
  const maxRequests = Number(env[WORKER_ENV.maxRequests] ?? 0);
  let served = 0;
  if (maxRequests > 0) {
    app.server.on('request', (_request, response) => {
      response.on('finish', () => {
        served += 1;
        if (served === maxRequests) send({ type: 'keen:recycle', served });
      });
    });
  }

  let draining = false;
  const drain = (reason: string) => {
    if (draining) return;
    draining = true;
    void (async () => {
      logger.info({ reason }, 'worker draining: finishing in-flight requests');
      readiness.draining = true;
      connections.start();
      const clean = await drainServer(app.server, { timeoutMs: settings.gracefulTimeout * 1000 });
      if (!clean) logger.warn('graceful timeout reached; closing the remaining connections');
      clearInterval(heartbeat);
      await server.stop();
      process.exit(0);
    })().catch((error: unknown) => {
      logger.error({ err: error }, 'error while draining');
      process.exit(1);
    });
  };
  process.on('message', (message: SupervisorMessage) => {
    if (message?.type === 'keen:drain') drain('supervisor');
    if (message?.type === 'keen:metrics' && app.metrics) {
      const id = message.id;
      void app.metrics.registry
        .getMetricsAsJSON()
        .then((metrics) => send({ type: 'keen:metrics', id, metrics }))
        .catch((error: unknown) => logger.warn({ err: error }, 'metrics collection failed'));
    }
  });
  process.on('SIGTERM', () => drain('SIGTERM'));
  process.on('SIGINT', () => drain('SIGINT'));
  // The supervisor is gone (killed with -9): don't linger as an orphan holding the port or the database.
  process.on('disconnect', () => drain('supervisor disconnected'));

  send({
    type: 'keen:ready',
    needsSetup: server.needsSetup,
    url: server.url,
    bootMs: Math.round(process.uptime() * 1000),
  });
}
