/**
 * What Keen asks of OpenTelemetry, in Keen's own terms: a span per request, per database query and per
 * background job. This file loads nothing from OpenTelemetry: with OTEL_EXPORTER_OTLP_ENDPOINT empty
 * {@link startTracing} returns null and the SDK is never imported, so a site without traces pays one
 * null check per request. The SDK side is ./otel-tracing.ts, imported only when tracing is on.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { TracingSettings } from '../settings/tracing.js';

/** A request's server span, once started. */
export interface RequestTrace {
  /** 32 hex characters: the access log's `traceId` and the `X-Request-Id` response header. */
  readonly traceId: string;
  /** Ends the span with the response's status (5xx marks it failed). */
  end(status: number): void;
}

/** A query's span, ended when the query settles. */
export interface QuerySpan {
  end(error?: unknown): void;
}

export interface RequestStart {
  method: string;
  /** The route template (`/blog/:slug/`), or null when no route matched. Never the path itself. */
  route: string | null;
  /** `traceparent`/`tracestate` from a trusted proxy, or null to start a new trace. */
  parent: { traceparent: string; tracestate?: string } | null;
  /** The incoming request: its body events must run inside the span too. */
  emitter: EventEmitter;
}

export interface Tracing {
  /** Starts a request's span and runs `next` (the rest of the request) inside it. */
  startRequest(start: RequestStart, next: (trace: RequestTrace) => void): void;
  /**
   * Starts a span for one SQL statement (its text only: values travel apart as $1, $2…), or returns
   * null outside a request or job: the job queue's polling and other background queries are no trace.
   */
  startQuery(text: string): QuerySpan | null;
  /** Runs one background job inside a span of its own (a new trace). */
  traceJob<T>(name: string, id: string, run: () => Promise<T>): Promise<T>;
  /** Sends the spans still buffered. */
  flush(): Promise<void>;
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

/** Tracing for this process when the settings turn it on (the SDK is loaded here, and only then). */
export async function startTracing(
  settings: Readonly<TracingSettings> | null,
  logger: Logger,
): Promise<Tracing | null> {
  if (!settings) return null;
  const { createTracing } = await import('./otel-tracing.js');
  const tracing = createTracing(settings, logger);
  logger.info(
    { url: settings.tracesUrl, service: settings.serviceName, sampleRatio: settings.sampleRatio },
    'traces are sent to an OpenTelemetry collector',
  );
  return tracing;
}
