/**
 * Stage 5, csrf (Django's CsrfViewMiddleware with CSRF_USE_SESSIONS): every POST/PUT/PATCH/DELETE must
 * carry the session's token (form field `_csrf` or header `X-CSRF-Token`) and, when the browser sends
 * Origin, come from this site or CSRF_TRUSTED_ORIGINS; over HTTPS without Origin, a same-origin
 * Referer is required. Failures are 403 with the reason shown only in DEBUG.
 */
import type { FastifyRequest } from 'fastify';
import { CsrfError, PipelineError } from '../../errors.js';
import { maskSecret, newCsrfSecret, tokenFormatProblem, tokenMatchesSecret } from '../csrf-token.js';
import { isSecure, requestHost, requestOrigin } from '../request-info.js';
import type { Stage } from '../stage.js';

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADERS = ['x-csrf-token', 'x-csrftoken'] as const;
/** Session key holding the secret; the auth app deletes it at login to rotate the token. */
export const CSRF_SESSION_KEY = '_csrf_secret';

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

export const csrf: Stage = {
  name: 'csrf',
  requires: ['sessions'],
  register(app, { settings }) {
    app.decorateRequest('csrfToken', function csrfToken(this: FastifyRequest): string {
      const session = this.session;
      if (!session) throw new PipelineError('csrfToken() needs a session; this route has session: false');
      let secret = session.get<string>(CSRF_SESSION_KEY);
      if (!secret) {
        secret = newCsrfSecret();
        session.set(CSRF_SESSION_KEY, secret);
      }
      return maskSecret(secret);
    });

    app.addHook('preHandler', async (request) => {
      const config = request.routeOptions.config;
      // Like Django, the check guards views: a URL with no route is a 404, not a CSRF failure.
      if (SAFE_METHODS.has(request.method) || config.csrf === false || !request.session || request.is404)
        return;
      checkOrigin(request, settings.csrfTrustedOrigins);
      const secret = request.session.get<string>(CSRF_SESSION_KEY);
      if (!secret)
        throw new CsrfError('CSRF session token not set (the session expired or cookies are blocked).');
      const token = await submittedToken(request);
      if (!token) throw new CsrfError('CSRF token missing.');
      const problem = tokenFormatProblem(token);
      if (problem) throw new CsrfError(problem);
      if (!tokenMatchesSecret(token, secret)) throw new CsrfError('CSRF token incorrect.');
    });
  },
};
