/**
 * Builds the web app: Fastify, the pipeline (./pipeline.ts) in order, the error boundary, then every
 * installed app's routes. Used by `keen serve`, `keen dev` and the tests (which call `inject`).
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { type JobQueue, queueForApps } from '../contrib/jobs/queue.js';
import type { StaticMode } from '../contrib/staticfiles/static-urls.js';
import type { Database } from '../db/client.js';
import { installedApps } from '../installed-apps.js';
import type { Settings } from '../settings.js';
import { openStores, type Stores } from '../stores/index.js';
import type { Tracing } from '../tracing/tracing.js';
import { registerAccessLog } from './access-log.js';
import { registerErrorBoundary } from './error-boundary.js';
import { type KeenApp, validateCatalogues, validateInstalledApps } from './keen-app.js';
import { pipeline as defaultPipeline } from './pipeline.js';
import { prepareReroute } from './request-bytes.js';
import { lazyChildLoggerFactory } from './request-logger.js';
import { registerRequestSpans } from './request-spans.js';
import { lazySchemaCompilers } from './schema-compilers.js';
import { type Stage, validatePipeline, type WebContext } from './stage.js';

export interface BuildOptions {
  settings: Readonly<Settings>;
  database: Database;
  logger: Logger;
  /** Overrides for tests; production uses the lists in pipeline.ts and installed-apps.ts. */
  pipeline?: readonly Stage[];
  apps?: readonly KeenApp[];
  /** The one-time first-run token (set when no superuser exists yet). */
  setupToken?: string | null;
  /** Static files from the sources instead of the collected manifest (tests; see docs/static-files.md). */
  staticMode?: StaticMode;
  /** Stores opened by the caller; by default the app opens those the settings name and closes them. */
  stores?: Stores;
  /** Spans for requests and jobs, when OTEL_EXPORTER_OTLP_ENDPOINT is set (src/tracing/); the caller flushes it. */
  tracing?: Tracing | null;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds (but does not start) the Fastify app. Throws a coded error on a bad pipeline or app list. */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const stages = options.pipeline ?? defaultPipeline;
  const apps = options.apps ?? installedApps;
  validatePipeline(stages);
  validateInstalledApps(apps);
  const { settings } = options;
  validateCatalogues(apps, settings.languages);
  // The same rule Fastify applies to X-Forwarded-For (TRUSTED_PROXIES).
  const isTrustedProxy =
    settings.trustedProxies.length > 0 ? proxyAddr.compile([...settings.trustedProxies]) : () => false;

  const app = Fastify({
    loggerInstance: options.logger,
    // Our own access log (./access-log.ts) replaces Fastify's per-request lines.
    logController: new LogController({ disableRequestLogging: true }),
    // request.log is made on first use: most requests never write to it (./request-logger.ts).
    childLoggerFactory: lazyChildLoggerFactory,
    // Forwarded headers count only from these peers (Gunicorn's forwarded_allow_ips).
    trustProxy: settings.trustedProxies.length > 0 ? [...settings.trustedProxies] : false,
    bodyLimit: settings.dataUploadMaxMemorySize,
    // The proxy's request id is kept when it looks like one and the peer is a trusted proxy (a client
    // must not choose the id that ties its lines together in the logs); otherwise a fresh one.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      const peer = request.socket?.remoteAddress;
      const fromProxy = peer !== undefined && isTrustedProxy(peer, 0);
      return fromProxy && typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Slugs may be up to 200 characters (find-my-way's default limit is 100, answered with 414).
    routerOptions: { ignoreDuplicateSlashes: false, maxParamLength: 255 },
    return503OnClosing: true,
    schemaController: { compilersFactory: lazySchemaCompilers },
    // A path the router cannot decode (a broken escape, bytes that are not UTF-8) is routed again under
    // a decodable target, so the common stage refuses it with the site's own 400 page, headers and log
    // line (see request-bytes.ts). Anything else (a parameter over maxParamLength: 414) is answered
    // the way Fastify answers it by default.
    frameworkErrors: (error, request, reply) => {
      if (error.code === 'FST_ERR_BAD_URL' && prepareReroute(request.raw)) {
        request.server.routing(request.raw, reply.raw);
        return;
      }
      const status = error.statusCode ?? 400;
      const body = JSON.stringify({ error: STATUS_CODES[status], code: error.code, statusCode: status });
      reply.raw.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      reply.raw.end(body);
    },
  }) as unknown as FastifyInstance;

  // Stores a caller opened (a test, keen serve) stay the caller's to close; those opened here close with the app.
  const stores = options.stores ?? (await openStores(options));
  if (!options.stores) app.addHook('onClose', async () => stores.close());
  const context: WebContext = {
    settings,
    database: options.database,
    stores,
    logger: options.logger,
    apps,
    staticMode: options.staticMode,
  };
  app.decorate('keen', { ...context, setupToken: options.setupToken ?? null });
  app.decorateRequest('routePolicy', null); // ./route-policy.ts
  app.decorateRequest('trace', null); // ./request-spans.ts
  // The queue is built here and started by the process that serves (src/server/worker.ts) or works
  // (`keen worker`): an app built for a test or a command does not start it.
  const tracing = options.tracing ?? null;
  const jobs = queueForApps(apps, options.database, options.logger, tracing);
  jobs.attach(app);
  app.decorate('jobs', jobs);
  app.addHook('onClose', async () => jobs.stop(settings.gracefulTimeout * 1000));
  // Before every other hook, so they all run inside the request's span.
  if (tracing) registerRequestSpans(app, tracing, isTrustedProxy);
  registerAccessLog(app, context);
  registerErrorBoundary(app, context);
  for (const stage of stages) stage.register(app, context);
  for (const keenApp of apps) keenApp.routes?.(app, context);
  await app.ready();
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    keen: WebContext & { setupToken: string | null };
    /** The background job queue (src/contrib/jobs/). */
    jobs: JobQueue;
  }
}
