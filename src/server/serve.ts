/**
 * Runs the web app in this process until SIGTERM/SIGINT: on the embedded database it migrates first;
 * when no admin exists it prints the one-time setup link. Shutdown is graceful: /readyz turns 503,
 * in-flight requests finish, the database closes, exit 0.
 */
import { randomBytes } from 'node:crypto';
import { migrateInstalledApps, openRuntime } from '../cli/bootstrap.js';
import { hasSuperuser } from '../contrib/auth/users.js';
import { readiness } from '../contrib/health/index.js';
import { pendingMigrations } from '../db/migrate.js';
import { buildApp } from '../web/app.js';

export interface ServeOptions {
  command: 'serve' | 'dev';
  overrides?: Record<string, string>;
}

/** Starts serving; resolves once listening, with a function that stops everything. */
export async function serve(options: ServeOptions): Promise<{ url: string; stop: () => Promise<void> }> {
  const { settings, logger, database } = await openRuntime(options.command, options.overrides);
  logger.info(
    { database: database.kind, debug: settings.debug, secretKeyFrom: settings.secretKeySource },
    'starting keen',
  );
  if (settings.secretKeySource === 'generated') {
    logger.warn(`no SECRET_KEY set: generated one and kept it in ${settings.dataDir}/secret_key (mode 0600)`);
  }
  if (database.kind === 'pglite') {
    const result = await migrateInstalledApps(database);
    if (result.applied.length) logger.info({ applied: result.applied }, 'embedded database migrated');
  } else {
    const pending = await pendingMigrations(database);
    if (pending.length) {
      logger.warn({ pending }, 'migrations are pending: run `keen migrate` (/readyz answers 503 until then)');
    }
  }

  const setupToken = (await hasSuperuser(database.db)) ? null : randomBytes(24).toString('base64url');
  const app = await buildApp({ settings, database, logger, setupToken });
  app.server.keepAliveTimeout = 65_000; // longer than nginx's upstream keepalive_timeout (60 s)
  app.server.headersTimeout = 66_000;
  app.server.requestTimeout = 300_000;

  await app.listen({ host: settings.bindHost, port: settings.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const host = ['0.0.0.0', '::'].includes(settings.bindHost) ? 'localhost' : settings.bindHost;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, 'keen is serving');
  if (setupToken) {
    // Printed to the terminal, not the JSON log, so the token does not end up in log storage.
    process.stdout.write(
      `\nNo admin account exists yet. Create the first one in your browser (the link works once):\n  ${url}/setup/?token=${setupToken}\n` +
        'or stop the server and run: npm run keen -- createsuperuser\n\n',
    );
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      readiness.draining = true;
      await app.close();
      await database.close();
      logger.info('keen stopped');
    })();
    return stopping;
  };
  return { url, stop };
}

/** Serves until a stop signal; a second signal exits at once. */
export async function serveUntilSignal(options: ServeOptions): Promise<number> {
  const { stop } = await serve(options);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) process.exit(1);
      process.stderr.write(`keen: ${signal} received, finishing in-flight requests\n`);
      stop().then(resolve, (error) => {
        process.stderr.write(`keen: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return 0;
}
