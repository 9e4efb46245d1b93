/**
 * Per-route policy, read by the pipeline stages from the route's `config` (like Django's
 * `csrf_exempt` or `xframe_options_exempt` decorators), never from path patterns inside a stage.
 *
 * @example app.get('/healthz', { config: PROBE_POLICY }, handler)
 *
 * What a stage adds to the request (`request.session`, `request.user`…) is declared in that stage's file.
 */
import type { FastifyRequest } from 'fastify';

export interface RoutePolicy {
  /** false: no session is loaded or saved (static files, health probes). Also skips csrf/auth/messages. */
  session?: boolean;
  /** false: exempt from the CSRF check. */
  csrf?: boolean;
  /** false: answered whatever the Host header (health probes use internal host names). */
  hostCheck?: boolean;
  /** false: never redirected to HTTPS (probes over internal HTTP). */
  sslRedirect?: boolean;
  /** X-Frame-Options for this route; false sends none and leaves frame-ancestors out of the CSP. */
  frameOptions?: 'DENY' | 'SAMEORIGIN' | false;
  /**
   * true: a public page, which moves under `/<language>/` when LANGUAGE_URL_PREFIXES is on (see
   * middleware/language-prefix.ts). Links to it from other pages go through `localizedPath`.
   */
  localized?: boolean;
  /**
   * Answers to anonymous GETs are stored for `seconds` and served to anonymous GETs and HEADs (see
   * middleware/page-cache.ts for what is never stored). Per-visitor values go in holes (`pageValue`).
   * `query` names the query parameters the page reads; a request with any other is answered uncached,
   * so made-up query strings cannot fill the cache.
   */
  pageCache?: { seconds: number; query?: readonly string[] };
  /** Set by the language-prefix stage on its copies of a localized route, never by an app: the prefix. */
  urlLanguage?: string;
}

/** Health probes: no session, any host, plain HTTP allowed. */
export const PROBE_POLICY: RoutePolicy = Object.freeze({
  session: false,
  hostCheck: false,
  sslRedirect: false,
});

/**
 * The policy of the route `request` matched. Fastify's `request.routeOptions` builds a new object on
 * every read, and the stages read it several times a request: the first read is kept on the request.
 */
export function routePolicy(request: FastifyRequest): RoutePolicy {
  request.routePolicy ??= request.routeOptions.config;
  return request.routePolicy;
}

/** The route's pattern (`/blog/:slug/`), which Fastify keeps in the route's config; undefined for a 404. */
export function routeUrl(request: FastifyRequest): string | undefined {
  return (routePolicy(request) as { url?: string }).url;
}

declare module 'fastify' {
  interface FastifyContextConfig extends RoutePolicy {}
  interface FastifyRequest {
    /** Kept by routePolicy(); read it through that function. */
    routePolicy: RoutePolicy | null;
  }
}
