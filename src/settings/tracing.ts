/**
 * OpenTelemetry traces, under the standard OTel names: OTEL_EXPORTER_OTLP_ENDPOINT (the collector's
 * OTLP/HTTP base address; empty = off), OTEL_EXPORTER_OTLP_HEADERS (sent with every export, often an
 * API key), OTEL_SERVICE_NAME and OTEL_TRACES_SAMPLER_ARG (the share of new traces kept). They are read
 * here, not by the SDK from process.env, so `.env` works and a bad value stops the start like any other.
 */
import { SettingsError } from '../errors.js';
import { type Env, text } from './env-values.js';
import { Secret } from './secret.js';

export interface TracingSettings {
  /** Where spans are sent: the endpoint's base with `/v1/traces` appended, as the OTel spec says. */
  tracesUrl: string;
  /** Headers for the collector (may hold credentials, hence secret). */
  headers: Secret | null;
  serviceName: string;
  /** 0 to 1: the share of traces started here that are kept (a trusted parent's decision wins). */
  sampleRatio: number;
}

/** `key=value,key2=value2`, values URL-encoded (the OTel spec's format); checked, then kept whole. */
function checkHeaders(raw: string): void {
  for (const pair of raw.split(',')) {
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals).trim();
    if (equals < 1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      // The value is not echoed: it is usually a credential.
      throw new SettingsError('OTEL_EXPORTER_OTLP_HEADERS', 'must be name=value pairs separated by commas');
    }
  }
}

/** The endpoint's base URL, checked: http(s), no credentials in it, no query. */
function tracesUrlFrom(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingsError(
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      `"${raw.slice(0, 100)}" is not a URL (like http://127.0.0.1:4318)`,
    );
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new SettingsError(
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'must be an http(s) URL with no query, such as http://127.0.0.1:4318',
    );
  }
  if (url.username || url.password) {
    throw new SettingsError(
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'must not hold credentials: put them in OTEL_EXPORTER_OTLP_HEADERS',
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/v1/traces`;
}

function sampleRatioFrom(env: Env): number {
  const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (!raw) return 1;
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new SettingsError(
      'OTEL_TRACES_SAMPLER_ARG',
      `must be a number from 0 to 1 (got "${raw.slice(0, 20)}")`,
    );
  }
  return ratio;
}

export function tracingFromEnv(env: Env): { tracing: Readonly<TracingSettings> | null } {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const sampleRatio = sampleRatioFrom(env);
  const headers = env.OTEL_EXPORTER_OTLP_HEADERS?.trim() || null;
  if (headers !== null) checkHeaders(headers);
  const serviceName = text(env, 'OTEL_SERVICE_NAME', 'keen');
  if (!endpoint) return { tracing: null };
  return {
    tracing: Object.freeze({
      tracesUrl: tracesUrlFrom(endpoint),
      headers: headers === null ? null : new Secret(headers),
      serviceName,
      sampleRatio,
    }),
  };
}

/** OTEL_EXPORTER_OTLP_HEADERS as the exporter takes them. */
export function exportHeaders(settings: TracingSettings): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!settings.headers) return headers;
  for (const pair of settings.headers.reveal().split(',')) {
    const equals = pair.indexOf('=');
    const value = pair.slice(equals + 1).trim();
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // Not URL-encoded after all: sent as written.
    }
    headers[pair.slice(0, equals).trim()] = decoded;
  }
  return headers;
}
