/**
 * The Prometheus endpoint of `keen serve` (METRICS_BIND): opened by the supervisor on a port of its
 * own, so it never shares the site's port or passes through nginx. A scrape asks every ready worker for
 * its registry over the cluster channel and answers their sum (prom-client's aggregation: counters and
 * histograms add up, the database's figures keep the largest). A worker that does not answer within the
 * deadline (busy, or just replaced) is left out of that scrape, never holding it up.
 */
import type { Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { MetricsSettings } from '../settings/metrics.js';
import { constantTimeEqual } from '../signing.js';
import { isWorkerMessage, type SupervisorMessage } from './messages.js';

const WORKER_DEADLINE_MS = 2000;

/** One worker's registry as JSON, or null when it did not answer in time. */
function askWorker(worker: Worker): Promise<unknown[] | null> {
  const id = randomUUID();
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (isWorkerMessage(message) && message.type === 'keen:metrics' && message.id === id) {
        finish(message.metrics);
      }
    };
    const timer = setTimeout(() => finish(null), WORKER_DEADLINE_MS);
    const finish = (result: unknown[] | null) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve(result);
    };
    worker.on('message', onMessage);
    const request: SupervisorMessage = { type: 'keen:metrics', id };
    if (!worker.send(request)) finish(null);
  });
}

function authorized(header: string | undefined, token: MetricsSettings['token']): boolean {
  return token === null || constantTimeEqual(header ?? '', `Bearer ${token.reveal()}`);
}

/** Starts the endpoint; `workers` lists the workers serving right now. */
export async function startMetricsEndpoint(
  settings: Readonly<MetricsSettings>,
  workers: () => Worker[],
  log: Logger,
): Promise<Server> {
  // Loaded only when metrics are on: the supervisor stays small otherwise.
  const { AggregatorRegistry } = await import('prom-client');
  const server = createServer((request, response) => {
    if (request.url !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape /metrics\n');
      return;
    }
    if (!authorized(request.headers.authorization, settings.token)) {
      response
        .writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' })
        .end('unauthorized\n');
      return;
    }
    void (async () => {
      const answers = await Promise.all(workers().map(askWorker));
      const registry = AggregatorRegistry.aggregate(
        answers.filter((answer): answer is unknown[] => answer !== null),
      );
      const body = await registry.metrics();
      response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    })().catch((error: unknown) => {
      log.error({ err: error }, 'metrics scrape failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('metrics failed; see the log\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  log.info(
    { bind: `${settings.host}:${settings.port}`, token: settings.token !== null },
    'metrics endpoint open',
  );
  return server;
}
