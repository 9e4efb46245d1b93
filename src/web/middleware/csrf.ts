/**
 * Stage 7, csrf (Django's CsrfViewMiddleware): every POST/PUT/PATCH/DELETE must carry a token made from
 * this browser's secret (form field `_csrf` or header `X-CSRF-Token`) and, when the browser sends Origin,
 * come from this site or CSRF_TRUSTED_ORIGINS; over HTTPS without Origin, a same-origin Referer is
 * required. Failures are 403 with the reason shown only in DEBUG.
 *
 * Where the secret lives: a logged-in user's is in the session; an anonymous visitor's is in a signed
 * cookie (`csrftoken`, `__Host-csrftoken` over HTTPS), so showing a form to a visitor writes no session
 * row. Logging in rotates it: a new secret goes into the session and the cookie is dropped.
 */
import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import type { Session } from '../../contrib/sessions/session.js';
import { CsrfError, PipelineError } from '../../errors.js';
import { signValue, unsignValue } from '../../signing.js';
import { addVary, clearCookie, requestCookie, setCookie } from '../cookies.js';
import { maskSecret, newCsrfSecret, tokenFormatProblem, tokenMatchesSecret } from '../csrf-token.js';
import { isSecure, requestHost, requestOrigin } from '../request-info.js';
import { addRouteHooks, hasSession } from '../route-hooks.js';
import { routePolicy } from '../route-policy.js';
import type { Stage } from '../stage.js';

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADERS = ['x-csrf-token', 'x-csrftoken'] as const;
/** Session key holding a logged-in user's secret. */
export const CSRF_SESSION_KEY = '_csrf_secret';
/** The cookie holding an anonymous visitor's signed secret. */
export const CSRF_COOKIE = 'csrftoken';
/** A year, like Django's CSRF_COOKIE_AGE: a form left open in a tab still posts. */
const CSRF_COOKIE_AGE = 365 * 24 * 60 * 60;
const COOKIE_PURPOSE = 'keen.csrf';
const SECRET_SHAPE = /^[A-Za-z0-9]{32}$/;

/** Per request: the anonymous secret in use, and what the response must do with the cookie. */
interface CookieState {
  secret: string | null;
  /** A new secret was made for this visitor: send the cookie. */
  issue: boolean;
  /** The secret was rotated (login): drop the cookie. */
  drop: boolean;
}
const cookieStates = new WeakMap<FastifyRequest, CookieState>();
/** Requests that made a token (the page cache never stores their page). */
const tokensIssued = new WeakSet<FastifyRequest>();

/** True when `csrfToken()` was called for this request: its response holds a token. */
export function csrfTokenIssued(request: FastifyRequest): boolean {
  return tokensIssued.has(request);
}

function cookieStateOf(request: FastifyRequest): CookieState {
  let state = cookieStates.get(request);
  if (!state) {
    state = { secret: null, issue: false, drop: false };
    cookieStates.set(request, state);
  }
  return state;
}

/** The anonymous secret from the request's cookie, if it is there and genuine. */
function cookieSecret(request: FastifyRequest, signingKey: string): string | null {
  const raw = requestCookie(request, CSRF_COOKIE);
  return raw ? unsignValue(signingKey, COOKIE_PURPOSE, raw, SECRET_SHAPE) : null;
}

/**
 * Gives the request's session a new secret and drops the anonymous cookie (Django's rotate_token),
 * so a token seen before login is worthless after it. Called by the auth app's login().
 */
export function rotateCsrfToken(request: FastifyRequest): void {
  request.session?.set(CSRF_SESSION_KEY, newCsrfSecret());
  const state = cookieStateOf(request);
  state.secret = null;
  state.issue = false;
  state.drop = true;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** True if `origin` (scheme://host[:port]) equals or wildcard-matches a trusted origin. */
export function isTrustedOrigin(origin: string, trusted: readonly string[]): boolean {
  return trusted.some((entry) => {
    if (entry === origin) return true;
    const star = entry.indexOf('://*.');
    if (star === -1) return false;
    const scheme = entry.slice(0, star);
    const suffix = entry.slice(star + 4); // ".example.com"
    return origin.startsWith(`${scheme}://`) && origin.endsWith(suffix);
  });
}

/**
 * The token from the form field or the header. A multipart form's fields are read up to its first
 * file, so `_csrf` must come before the file inputs (it does when it is the form's first field).
 */
async function submittedToken(request: FastifyRequest): Promise<string | undefined> {
  const body =
    // isMultipart comes with the common stage, which a test pipeline may leave out.
    (request.isMultipart?.() ? (await request.multipartForm()).fields : request.body) as
      | Record<string, unknown>
      | undefined;
  const field = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
  if (typeof field === 'string') return field;
  for (const name of CSRF_HEADERS) {
    const header = request.headers[name];
    if (typeof header === 'string') return header;
  }
  return undefined;
}

function checkOrigin(request: FastifyRequest, trusted: readonly string[]): void {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const normalised = origin.toLowerCase();
    if (
      normalised === 'null' ||
      (normalised !== requestOrigin(request) && !isTrustedOrigin(normalised, trusted))
    ) {
      throw new CsrfError(`Origin checking failed - ${origin} does not match any trusted origins.`);
    }
    return;
  }
  if (!isSecure(request)) return;
  // HTTPS without Origin (older browsers): the Referer must show the same site.
  const referer = request.headers.referer;
  if (!referer) throw new CsrfError('Referer checking failed - no Referer.');
  let parsed: URL;
  try {
    parsed = new URL(referer);
  } catch {
    throw new CsrfError('Referer checking failed - Referer is malformed.');
  }
  if (parsed.protocol !== 'https:')
    throw new CsrfError('Referer checking failed - Referer is insecure while host is secure.');
  const refererOrigin = `https://${parsed.host}`.toLowerCase();
  if (parsed.host.toLowerCase() !== requestHost(request) && !isTrustedOrigin(refererOrigin, trusted)) {
    throw new CsrfError(`Referer checking failed - ${referer} does not match any trusted origins.`);
  }
}

/** Sends, or drops, the anonymous visitor's cookie as this request decided. */
function settleCookie(request: FastifyRequest, reply: FastifyReply, signingKey: string): void {
  const state = cookieStates.get(request);
  if (!state) return;
  if (state.drop) {
    if (requestCookie(request, CSRF_COOKIE) !== undefined) clearCookie(request, reply, CSRF_COOKIE);
  } else if (state.issue && state.secret) {
    setCookie(
      request,
      reply,
      CSRF_COOKIE,
      signValue(signingKey, COOKIE_PURPOSE, state.secret),
      CSRF_COOKIE_AGE,
    );
  }
}

export const csrf: Stage = {
  name: 'csrf',
  requires: ['sessions'],
  register(app, { settings }) {
    const signingKey = settings.secretKey.reveal();

    app.decorateRequest('csrfToken', function csrfToken(this: FastifyRequest): string {
      const session = this.session;
      tokensIssued.add(this);
      if (!session) throw new PipelineError('csrfToken() needs a session; this route has session: false');
      if (session.userId !== null) {
        let secret = session.get<string>(CSRF_SESSION_KEY);
        if (!secret) {
          secret = newCsrfSecret();
          session.set(CSRF_SESSION_KEY, secret);
        }
        return maskSecret(secret);
      }
      const state = cookieStateOf(this);
      if (!state.secret) {
        state.secret = state.drop ? null : cookieSecret(this, signingKey);
        if (!state.secret) {
          state.secret = newCsrfSecret();
          state.issue = true;
          state.drop = false;
        }
      }
      return maskSecret(state.secret);
    });

    /** The check of an unsafe request (a form post): the origin, then the token against the secret. */
    async function checkUnsafe(request: FastifyRequest, session: Session): Promise<void> {
      checkOrigin(request, settings.csrfTrustedOrigins);
      // A logged-in user's token comes from the session only; an anonymous visitor's from the cookie,
      // or from an anonymous session made before the cookie existed.
      const secrets = [session.get<string>(CSRF_SESSION_KEY)];
      if (session.userId === null) secrets.push(cookieSecret(request, signingKey) ?? undefined);
      const known = secrets.filter((secret): secret is string => typeof secret === 'string');
      if (known.length === 0)
        throw new CsrfError('CSRF cookie not set (the page is too old, or cookies are blocked).');
      const token = await submittedToken(request);
      if (!token) throw new CsrfError('CSRF token missing.');
      const problem = tokenFormatProblem(token);
      if (problem) throw new CsrfError(problem);
      if (!known.some((secret) => tokenMatchesSecret(token, secret)))
        throw new CsrfError('CSRF token incorrect.');
    }

    // Callback hooks, the route's own (../route-hooks.ts): reads (GET, HEAD) pass without a promise;
    // only unsafe methods do async work.
    const checkRequest: preHandlerHookHandler = (request, _reply, done) => {
      const config = routePolicy(request);
      const session = request.session;
      // Like Django, the check guards views: a URL with no route is a 404, not a CSRF failure.
      if (SAFE_METHODS.has(request.method) || config.csrf === false || !session || request.is404)
        return done();
      checkUnsafe(request, session).then(() => done(), done);
    };

    const sendCookie: onSendHookHandler = (request, reply, payload, done) => {
      settleCookie(request, reply, signingKey);
      // A page with a token depends on this browser's cookies: no shared cache may keep it.
      if (cookieStates.has(request)) {
        addVary(reply, 'Cookie');
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private');
      }
      done(null, payload);
    };

    addRouteHooks(app, hasSession, { preHandler: checkRequest, onSend: sendCookie });
  },
};

declare module 'fastify' {
  interface FastifyRequest {
    /** A fresh masked CSRF token for a form. */
    csrfToken(): string;
  }
}
