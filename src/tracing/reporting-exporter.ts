/**
 * The OTLP exporter, with its failures in Keen's log: the SDK drops a batch it could not send without a
 * word (its diagnostics logger is off by default). One warning when the collector stops answering, one
 * line when it answers again, so an outage is visible without a line per batch.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';

export class ReportingExporter implements SpanExporter {
  #failing = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly logger: Logger,
    /** Where spans go, for the log line (checked to hold no credentials; headers are never logged). */
    private readonly url: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.FAILED && !this.#failing) {
        this.#failing = true;
        this.logger.warn(
          { url: this.url, spans: spans.length, reason: result.error?.message },
          'traces could not be sent to the collector; dropping them until it answers',
        );
      } else if (result.code === ExportResultCode.SUCCESS && this.#failing) {
        this.#failing = false;
        this.logger.info({ url: this.url }, 'traces are reaching the collector again');
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
