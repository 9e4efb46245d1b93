/**
 * One log line per request: method, path (never the query string, which may hold tokens), status,
 * duration, request id, user id, client IP and, with tracing on, the trace id. 5xx are logged by the error boundary with the stack;
 * here they are errors too, 4xx warnings (404 info), and slow requests warnings.
 */
import type { FastifyInstance } from 'fastify';
import type { WebContext } from './stage.js';

/** nginx's "client closed request": the error boundary's status for a client that hung up. */
const CLIENT_CLOSED = 499;

export function registerAccessLog(app: FastifyInstance, { settings, logger }: WebContext): void {
  // A callback hook, not async: it runs after every response (no promise each).
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    const [level, message] =
      status === CLIENT_CLOSED
        ? (['info', 'client closed the request'] as const)
        : status >= 500
          ? (['error', 'request failed'] as const)
          : status >= 400 && status !== 404
            ? (['warn', 'request refused'] as const)
            : ms > settings.slowRequestMs
              ? (['warn', 'slow request'] as const)
              : (['info', 'request'] as const);
    // Most requests are info lines; with LOG_LEVEL=warn they are dropped, so don't build them.
    if (!logger.isLevelEnabled(level)) return done();
    // The target as it arrived: a path the router could not decode was routed again under another.
    const target = request.originalUrl;
    const query = target.indexOf('?');
    // The process logger with the request id in the line: the same line request.log would write,
    // without building the request's child logger (./request-logger.ts).
    const line: Record<string, unknown> = {
      reqId: request.id,
      method: request.method,
      path: query === -1 ? target : target.slice(0, query),
      status,
      ms,
      userId: request.user?.id ?? null,
      ip: request.ip,
    };
    // With tracing on: the id that finds this request's trace (src/web/request-spans.ts).
    if (request.trace !== null) line.traceId = request.trace.traceId;
    logger[level](line, message);
    done();
  });
}
