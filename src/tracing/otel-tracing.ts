/**
 * The OpenTelemetry SDK behind ./tracing.ts: a tracer provider with a batch span processor and the
 * OTLP/HTTP (JSON) exporter, one per process. Nothing is registered globally (no global tracer
 * provider, propagator or context manager): Keen's spans come only from here, and another library that
 * asks the global API for a tracer gets the API's no-op.
 */
import {
  type Attributes,
  type Context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
  HTTP_REQUEST_METHOD_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { exportHeaders, type TracingSettings } from '../settings/tracing.js';
import { ReportingExporter } from './reporting-exporter.js';
import type { QuerySpan, RequestStart, RequestTrace, Tracing } from './tracing.js';

/** The methods the semantic conventions name; any other is reported as `_OTHER`. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

/** The longest statement text kept on a span: long enough for any query Keen writes. */
const MAX_QUERY_TEXT = 8192;

/** The first keyword of a statement (SELECT, INSERT, WITH…), the span's low-cardinality name. */
function operationOf(text: string): string {
  const match = /^\s*([A-Za-z]+)/.exec(text);
  return match?.[1] ? match[1].toUpperCase() : 'SQL';
}

/** What kind of error it was, never its message (a constraint's message can quote the row's values). */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code; // SQLSTATE
  return error instanceof Error ? error.name : 'Error';
}

export function createTracing(settings: Readonly<TracingSettings>, logger: Logger): Tracing {
  const exporter = new ReportingExporter(
    new OTLPTraceExporter({ url: settings.tracesUrl, headers: exportHeaders(settings) }),
    logger,
    settings.tracesUrl,
  );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
    // A trusted proxy's decision to sample (or not) is kept; a trace started here is kept at the ratio.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('keen');
  const contexts = new AsyncLocalStorageContextManager().enable();
  const propagator = new W3CTraceContextPropagator();

  function endWithError(span: Span, error: unknown): void {
    span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }

  return {
    startRequest(start: RequestStart, next: (trace: RequestTrace) => void): void {
      const parent: Context = start.parent
        ? propagator.extract(ROOT_CONTEXT, start.parent, defaultTextMapGetter)
        : ROOT_CONTEXT;
      const method = KNOWN_METHODS.has(start.method) ? start.method : HTTP_REQUEST_METHOD_VALUE_OTHER;
      const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: method };
      if (start.route !== null) attributes[ATTR_HTTP_ROUTE] = start.route;
      const span = tracer.startSpan(
        start.route === null ? method : `${method} ${start.route}`,
        { kind: SpanKind.SERVER, attributes },
        parent,
      );
      const active = trace.setSpan(parent, span);
      // A body arrives in events of the socket, outside this call: its listeners run in the span too.
      contexts.bind(active, start.emitter);
      let ended = false;
      const requestTrace: RequestTrace = {
        traceId: span.spanContext().traceId,
        end(status: number) {
          if (ended) return;
          ended = true;
          span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
          if (status >= 500) {
            span.setAttribute(ATTR_ERROR_TYPE, String(status));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
      contexts.with(active, next, undefined, requestTrace);
    },

    startQuery(text: string): QuerySpan | null {
      const active = contexts.active();
      if (!trace.getSpan(active)) return null;
      const operation = operationOf(text);
      const span = tracer.startSpan(
        operation,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
            [ATTR_DB_OPERATION_NAME]: operation,
            [ATTR_DB_QUERY_TEXT]: text.length > MAX_QUERY_TEXT ? text.slice(0, MAX_QUERY_TEXT) : text,
          },
        },
        active,
      );
      return {
        end(error?: unknown) {
          if (error !== undefined) endWithError(span, error);
          span.end();
        },
      };
    },

    async traceJob<T>(name: string, id: string, run: () => Promise<T>): Promise<T> {
      const span = tracer.startSpan(
        `job ${name}`,
        { kind: SpanKind.CONSUMER, attributes: { 'keen.job.name': name, 'keen.job.id': id } },
        ROOT_CONTEXT,
      );
      try {
        return await contexts.with(trace.setSpan(ROOT_CONTEXT, span), run);
      } catch (error) {
        endWithError(span, error);
        throw error;
      } finally {
        span.end();
      }
    },

    flush: () => provider.forceFlush(),

    async shutdown() {
      await provider.shutdown();
      contexts.disable();
    },
  };
}
