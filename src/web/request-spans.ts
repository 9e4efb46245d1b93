/**
 * A server span per request, when tracing is on (src/tracing/): named `METHOD <route template>` (never
 * the path, which can hold a password-reset token), with the status at the end. The trace id goes into
 * the access log line and the `X-Request-Id` response header. An incoming `traceparent` continues the
 * caller's trace only from a TRUSTED_PROXIES peer, the rule app.ts applies to X-Request-Id: anyone else
 * could otherwise pick the trace id, or force every one of their requests to be sampled.
 */
import type { FastifyInstance } from 'fastify';
import type { RequestTrace, Tracing } from '../tracing/tracing.js';
import { routeUrl } from './route-policy.js';

/** nginx's "client closed request", as in the access log. */
const CLIENT_CLOSED = 499;

export function registerRequestSpans(
  app: FastifyInstance,
  tracing: Tracing,
  isTrustedProxy: (address: string, hop: number) => boolean,
): void {
  // The first onRequest hook: every later hook, the handler and the queries they run are in the span.
  app.addHook('onRequest', (request, reply, done) => {
    const { traceparent, tracestate } = request.headers;
    const peer = request.socket?.remoteAddress;
    const trusted = typeof traceparent === 'string' && peer !== undefined && isTrustedProxy(peer, 0);
    const parent = trusted
      ? { traceparent, ...(typeof tracestate === 'string' ? { tracestate } : {}) }
      : null;
    tracing.startRequest(
      { method: request.method, route: routeUrl(request) ?? null, parent, emitter: request.raw },
      (trace) => {
        request.trace = trace;
        reply.header('x-request-id', trace.traceId);
        done();
      },
    );
  });
  app.addHook('onResponse', (request, reply, done) => {
    request.trace?.end(reply.statusCode);
    done();
  });
  // The visitor hung up before the response: the span still ends, as the access log's 499.
  app.addHook('onRequestAbort', (request, done) => {
    request.trace?.end(CLIENT_CLOSED);
    done();
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's span when tracing is on; null otherwise. */
    trace: RequestTrace | null;
  }
}
