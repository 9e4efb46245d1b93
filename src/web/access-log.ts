/**
 * One log line per request: method, path (never the query string, which may hold tokens), status,
 * duration, request id, user id and client IP. 5xx are logged by the error boundary with the stack;
 * here they are errors too, 4xx warnings (404 info), and slow requests warnings.
 */
import type { FastifyInstance } from 'fastify';
import { requestPath } from './request-info.js';
import type { WebContext } from './stage.js';

export function registerAccessLog(app: FastifyInstance, { settings }: WebContext): void {
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    const line = {
      method: request.method,
      path: requestPath(request),
      status,
      ms,
      userId: request.user?.id ?? null,
      ip: request.ip,
    };
    if (status >= 500) request.log.error(line, 'request failed');
    else if (status >= 400 && status !== 404) request.log.warn(line, 'request refused');
    else if (ms > settings.slowRequestMs) request.log.warn(line, 'slow request');
    else request.log.info(line, 'request');
  });
}
