/**
 * Stage 7, pageCache (Django's per-view cache, `cache_page`): a route with `config.pageCache` has its
 * 200 answers to anonymous GETs stored for `seconds`, and served from the cache to anonymous GETs and
 * HEADs (storage, freshness and invalidation: src/contrib/cache/page-cache.ts).
 *
 * Anonymous: the request carries no cookie but the anonymous CSRF secret and the language choice, and
 * no Authorization. The CSRF secret only fills holes (src/contrib/cache/page-holes.ts), filled per
 * request; the language choice is part of the key (through request.language). Any other cookie (a
 * session above all) means the page may depend on it: such a request is neither served nor stored.
 *
 * Never stored: a status other than 200, a response that sets a cookie or says private, no-store or
 * no-cache, `Vary: *`, a body that is a stream, and a page that took a CSRF token outside a hole.
 * The key is the scheme, host, path and query, and on localized routes the language; the request
 * headers named in the response's Vary are stored with the page and must match to serve it.
 *
 * It sits after common (the Host is checked before anything is served) and before csrf, so a hit and
 * a fresh page alike get their holes filled before the csrf stage's onSend sends the visitor's cookie,
 * and every later stage's onSend (security headers, clickjacking) runs on hits as on any response.
 */
import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import { PageCache, pageKey, type ReadyPage, type StoredPage } from '../../contrib/cache/page-cache.js';
import {
  fillEncoded,
  fillHoles,
  holeMarker,
  splitAtHoles,
  startRecording,
  stopRecording,
} from '../../contrib/cache/page-holes.js';
import { requestCookies } from '../cookies.js';
import { isSecure, requestHost } from '../request-info.js';
import { addRouteHooks } from '../route-hooks.js';
import { routePolicy } from '../route-policy.js';
import type { Stage } from '../stage.js';
import { CSRF_COOKIE, csrfTokenIssued } from './csrf.js';
import { LANGUAGE_COOKIE } from './locale.js';

/** Cookies whose effect on a page is per request (holes) or in the key (the language). */
const HARMLESS_COOKIES = new Set([CSRF_COOKIE, LANGUAGE_COOKIE].flatMap((name) => [name, `__Host-${name}`]));

/**
 * Headers not stored with a page: those of the connection and this one response, and those the
 * security and clickjacking stages add to every response (they add them to hits too, as configured now).
 */
const UNSTORED_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'date',
  'set-cookie',
  'x-keen-cache',
  // This request's own id (the trace id, with tracing on): a hit must not repeat another request's.
  'x-request-id',
  'x-frame-options',
  'strict-transport-security',
  'x-content-type-options',
  'permissions-policy',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'content-security-policy',
]);

/** What a recorded request will be stored under. */
interface Recording {
  key: string;
  generation: string;
  seconds: number;
}

function isAnonymousRead(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (request.headers.authorization !== undefined) return false;
  if (request.headers.cookie === undefined) return true;
  return Object.keys(requestCookies(request)).every((name) => HARMLESS_COOKIES.has(name));
}

/** The query string holds only parameters the page reads (`pageCache.query`), each once. */
function queryKnown(url: string, known: readonly string[]): boolean {
  const start = url.indexOf('?');
  if (start === -1) return true;
  const names = [...new URLSearchParams(url.slice(start + 1)).keys()];
  return names.every((name) => known.includes(name)) && new Set(names).size === names.length;
}

function headerText(value: string | string[] | number | undefined): string {
  return Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value);
}

function varyTokens(reply: FastifyReply): string[] {
  return headerText(reply.getHeader('vary') as string | string[] | undefined)
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '');
}

/** The stored page's Vary headers and language match this request. */
function matches(page: StoredPage, request: FastifyRequest): boolean {
  for (const [name, value] of Object.entries(page.vary)) {
    if (headerText(request.headers[name]) !== value) return false;
  }
  return page.language === null || page.language === request.language;
}

function storable(request: FastifyRequest, reply: FastifyReply, payload: unknown): boolean {
  if (request.method !== 'GET' || reply.statusCode !== 200) return false;
  if (reply.hasHeader('set-cookie') || csrfTokenIssued(request)) return false;
  if (/private|no-store|no-cache/i.test(headerText(reply.getHeader('cache-control') as string | undefined)))
    return false;
  if (varyTokens(reply).includes('*')) return false;
  return typeof payload === 'string' || Buffer.isBuffer(payload);
}

function pageFrom(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: string | Buffer,
  recording: Recording,
  holes: boolean,
): StoredPage {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value === undefined || UNSTORED_HEADERS.has(name)) continue;
    headers[name] = typeof value === 'number' ? String(value) : value;
  }
  const vary: Record<string, string> = {};
  let language: string | null = null;
  for (const name of varyTokens(reply)) {
    // The language is worked out from Accept-Language and the language cookie: the page follows it,
    // not the header's exact text. Cookies are covered by isAnonymousRead.
    if (name === 'accept-language') language = request.language;
    else if (name !== 'cookie') vary[name] = headerText(request.headers[name]);
  }
  const binary = typeof payload !== 'string';
  return {
    generation: recording.generation,
    expiresAt: Date.now() + recording.seconds * 1000,
    status: reply.statusCode,
    headers,
    vary,
    language,
    body: binary ? payload.toString('base64') : payload,
    binary,
    holes,
  };
}

function sendHit(request: FastifyRequest, reply: FastifyReply, ready: ReadyPage): void {
  reply.code(ready.page.status);
  for (const [name, value] of Object.entries(ready.page.headers)) reply.header(name, value);
  reply.header('x-keen-cache', 'hit');
  reply.send(fillEncoded(ready.parts, request));
}

export const pageCache: Stage = {
  name: 'pageCache',
  requires: ['sessions', 'locale', 'common'],
  register(app, { settings, stores, logger }) {
    const pages = new PageCache(stores.cache, holeMarker(settings.secretKey.reveal()), logger);
    app.decorate('pageCache', pages);
    const recordings = new WeakMap<FastifyRequest, Recording>();

    // Callback hooks, the own hooks of routes with `pageCache` (../route-hooks.ts).
    const answerFromCache: preHandlerHookHandler = (request, reply, done) => {
      const policy = routePolicy(request).pageCache;
      if (!policy || !isAnonymousRead(request) || !queryKnown(request.url, policy.query ?? [])) return done();
      const { localized, urlLanguage } = routePolicy(request);
      const key = pageKey({
        scheme: isSecure(request) ? 'https' : 'http',
        host: requestHost(request),
        url: request.url,
        language: localized || urlLanguage ? request.language : null,
      });
      pages.lookup(key).then(
        ({ ready, generation }) => {
          try {
            // A hit answers here: the later preHandlers and the view do not run; every onSend does.
            if (ready && matches(ready.page, request)) return sendHit(request, reply, ready);
          } catch (error) {
            // A hole that cannot be filled here fails as it would in the view (error boundary).
            return done(error as Error);
          }
          if (request.method === 'GET') {
            recordings.set(request, { key, generation, seconds: policy.seconds });
            startRecording(request, pages.marker);
          }
          done();
        },
        (error: unknown) => {
          pages.warn(error, 'page cache: lookup failed');
          done();
        },
      );
    };

    const storePage: onSendHookHandler = (request, reply, payload, done) => {
      const recording = recordings.get(request);
      if (!recording) return done(null, payload);
      recordings.delete(request);
      const holes = stopRecording(request);
      if (storable(request, reply, payload))
        pages.store(
          recording.key,
          pageFrom(request, reply, payload as string | Buffer, recording, holes),
          recording.seconds,
        );
      reply.header('x-keen-cache', 'miss');
      if (!holes) return done(null, payload);
      const text = Buffer.isBuffer(payload) ? payload.toString() : payload;
      if (typeof text !== 'string') return done(null, payload);
      // The placeholders only name known holes (pageValue checks), so the split cannot fail here.
      const segments = splitAtHoles(text, pages.marker);
      done(null, segments ? fillHoles(segments, request) : text);
    };

    addRouteHooks(app, (route) => route.config?.pageCache !== undefined, {
      preHandler: answerFromCache,
      onSend: storePage,
    });
  },
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The page cache, when the pipeline has its stage: admin saves call `invalidate()`. */
    pageCache?: PageCache;
  }
}
