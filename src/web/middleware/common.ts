/**
 * Stage 6, common (Django's CommonMiddleware and ALLOWED_HOSTS check): refuses Host headers outside
 * ALLOWED_HOSTS (400, against Host-header poisoning and DNS rebinding), enforces request limits (header
 * count 431, body size 413, form field count 400), refuses text the database cannot store (NUL, broken
 * escapes, invalid UTF-8 in the path, query or form: 400, see ../request-bytes.ts), and redirects
 * `/path` to `/path/` when only the slashed route exists.
 */
import type { FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { BoundedMemo } from '../../bounded-memo.js';
import { registerMultipartForms } from '../../contrib/media/multipart-form.js';
import { BadRequestError, DisallowedHostError, NotFoundError, TooManyHeadersError } from '../../errors.js';
import { encodedTextProblem, jsonTextProblem, requestTargetProblem } from '../request-bytes.js';
import { requestHost, requestPath } from '../request-info.js';
import { routePolicy } from '../route-policy.js';
import type { Stage } from '../stage.js';

/** Gunicorn's limit_request_fields. */
export const MAX_HEADER_COUNT = 100;

const HOST_PATTERN = /^([a-z0-9.-]+|\[[a-f0-9:.]+\])(:\d+)?$/;

/** The host without its port, or null when the Host header is malformed. */
export function splitHost(host: string): string | null {
  const match = HOST_PATTERN.exec(host);
  if (!match?.[1]) return null;
  return match[1].replace(/\.$/, '');
}

/** Django's rule: exact match, `.example.com` for the domain and its subdomains, `*` for any. */
export function isAllowedHost(hostname: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.startsWith('.')) return hostname === pattern.slice(1) || hostname.endsWith(pattern);
    return hostname === pattern;
  });
}

/**
 * Throws {@link DisallowedHostError} unless the request's Host is allowed (or the route opts out).
 * The security stage calls it too, before building a redirect from the Host.
 */
export function assertAllowedHost(request: FastifyRequest, allowedHosts: readonly string[]): void {
  if (routePolicy(request).hostCheck === false) return;
  const host = requestHost(request);
  if (!hostVerdict(host, allowedHosts)) throw new DisallowedHostError(host);
}

/** Host verdicts for one allow-list (./bounded-memo.ts): the check ran on every request. */
const hostVerdicts = new WeakMap<readonly string[], BoundedMemo<boolean>>();

function hostVerdict(host: string, allowedHosts: readonly string[]): boolean {
  let memo = hostVerdicts.get(allowedHosts);
  if (!memo) {
    memo = new BoundedMemo((candidate) => {
      const hostname = splitHost(candidate);
      return hostname !== null && isAllowedHost(hostname, allowedHosts);
    });
    hostVerdicts.set(allowedHosts, memo);
  }
  return memo.get(host);
}

export const common: Stage = {
  name: 'common',
  register(app, { settings }) {
    // A callback hook, not async: it runs first on every request (no promise each).
    app.addHook('onRequest', (request, _reply, done) => {
      const headerCount = request.raw.rawHeaders.length / 2;
      if (headerCount > MAX_HEADER_COUNT) return done(new TooManyHeadersError(headerCount, MAX_HEADER_COUNT));
      try {
        assertAllowedHost(request, settings.allowedHosts);
      } catch (error) {
        return done(error as Error);
      }
      // Also catches the targets the router could not decode (app.ts routes them here again).
      const problem = requestTargetProblem(request.raw);
      if (problem) return done(new BadRequestError('Bad request.', `the URL contains ${problem}`));
      done();
    });

    // JSON bodies: Fastify's own parser, then the same byte check as forms (multipart: in its reader).
    // A parser, not a hook, so requests without a JSON body pay nothing.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      parseJson(request, body as string, (error, parsed) => {
        if (error) return done(error);
        const problem = jsonTextProblem(parsed);
        if (problem) return done(new BadRequestError('Bad request.', `the body contains ${problem}`));
        done(null, parsed);
      });
    });

    // Forms: parsed here so the field-count limit applies (the body-size limit is Fastify's bodyLimit).
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: settings.dataUploadMaxMemorySize },
      (_request, body, done) => {
        const problem = encodedTextProblem(body as string);
        if (problem) {
          done(new BadRequestError('Bad request.', `the form contains ${problem}`));
          return;
        }
        const params = new URLSearchParams(body as string);
        const fields: Record<string, string | string[]> = {};
        let count = 0;
        for (const [name, value] of params) {
          if (++count > settings.dataUploadMaxNumberFields) {
            done(
              new BadRequestError(
                'Bad request.',
                `more than ${settings.dataUploadMaxNumberFields} form fields`,
              ),
            );
            return;
          }
          const existing = fields[name];
          if (existing === undefined) fields[name] = value;
          else fields[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
        }
        done(null, fields);
      },
    );

    // Multipart forms (file uploads) stream instead: see contrib/media/multipart-form.ts for the limits.
    registerMultipartForms(app, settings);

    // A mirror of the route table, to ask "would /path/ match?" for a concrete URL.
    const routes = FindMyWay();
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'GET' && !routes.hasRoute('GET', route.url)) routes.on('GET', route.url, () => {});
      }
    });

    app.setNotFoundHandler(async (request, reply) => {
      const path = requestPath(request);
      const safeMethod = request.method === 'GET' || request.method === 'HEAD';
      if (safeMethod && !path.endsWith('/') && routes.find('GET', `${path}/`)) {
        const query = request.url.slice(path.length);
        // Permanent, like Django's APPEND_SLASH; a path starting with // must not become a protocol-relative URL.
        return reply.redirect(`/${path.replace(/^\/+/, '')}/${query}`, 301);
      }
      throw new NotFoundError(`No route for ${request.method} ${path}`);
    });
  },
};
