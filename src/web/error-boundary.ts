/**
 * The one place errors become responses. Reporting and rendering are separate steps: the log level
 * follows the status (5xx error with the stack, 4xx warn, 404 info), and the body is an HTML page or
 * a JSON envelope `{"error":{"code","message"}}` depending on Accept. Outside DEBUG no detail or stack
 * trace ever reaches the client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { multipartBodyError } from '../contrib/media/multipart-form.js';
import { staticUrlsOf } from '../contrib/staticfiles/static-urls.js';
import { isConnectionError } from '../db/client.js';
import {
  ClientAbortError,
  ClientError,
  DatabaseUnavailableError,
  GoneError,
  InternalError,
  KeenError,
  ThrottledError,
} from '../errors.js';
import { ErrorPage, errorTitle } from './pages/error-page.js';
import { sendPage } from './render.js';
import { requestPath } from './request-info.js';
import type { WebContext } from './stage.js';

/** Where a page that is not here went: 301 to its new address, or 410 when it was removed. */
export type MovedPage = { status: 301; location: string } | { status: 410 };

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Asked before a GET or HEAD answers 404 (the redirects app sets it; without it every 404 stays one),
     * so pages that exist never pay for the lookup.
     */
    movedPageFor?: (path: string) => Promise<MovedPage | null>;
  }
}

/** The moved-page answer for a request about to be a 404, or null (a failed lookup leaves the 404). */
async function movedPage(request: FastifyRequest): Promise<MovedPage | null> {
  const lookUp = request.server.movedPageFor;
  if (!lookUp || (request.method !== 'GET' && request.method !== 'HEAD')) return null;
  try {
    return await lookUp(requestPath(request));
  } catch (error) {
    request.log.warn({ err: error }, 'redirect lookup failed; answering 404');
    return null;
  }
}

/** True when the client has gone: it closed the connection before its request was read or answered. */
function clientWentAway(request: FastifyRequest | undefined): boolean {
  if (!request) return false;
  return request.raw.aborted || (request.raw.destroyed && !request.raw.complete);
}

/**
 * Normalises anything thrown into a KeenError with the right status, by cause: the client hanging up,
 * the database being unreachable, a client error Fastify found, or a bug.
 */
export function toKeenError(error: unknown, request?: FastifyRequest): KeenError {
  if (error instanceof KeenError) return error;
  // A multipart body that broke while a view read one of its files (the parser's own error).
  const malformedBody = multipartBodyError(error);
  if (malformedBody) return malformedBody;
  // Only an error that came from the database is an outage, even if the client has gone meanwhile.
  if (isConnectionError(error)) return new DatabaseUnavailableError(error);
  // The same socket codes (ECONNRESET, EPIPE, 'aborted') on the request stream: the visitor hung up.
  if (clientWentAway(request)) {
    return new ClientAbortError(error instanceof Error ? `${error.name}: ${error.message}` : undefined);
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own client errors (body too large, bad JSON, unsupported media type…).
    return new ClientError(
      status,
      `${errorTitle(status)}.`,
      `${fastifyError.code ?? ''} ${fastifyError.message ?? ''}`.trim(),
    );
  }
  return new InternalError();
}

function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function registerErrorBoundary(app: FastifyInstance, { settings }: WebContext): void {
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    let keenError = toKeenError(error, request);
    if (keenError.statusCode === 404) {
      const moved = await movedPage(request);
      // A day: long enough to spare the lookup, short enough for an editor's correction to reach browsers.
      if (moved?.status === 301)
        return reply.header('cache-control', 'public, max-age=86400').redirect(moved.location, 301);
      if (moved?.status === 410) keenError = new GoneError(keenError.detail);
    }
    const status = keenError.statusCode;
    const log = { code: keenError.code, status };
    if (keenError instanceof ClientAbortError) request.log.info(log, 'client closed the request');
    else if (status >= 500) request.log.error({ ...log, err: error }, keenError.message);
    else if (status === 404) request.log.info(log, keenError.detail ?? keenError.message);
    else request.log.warn(log, keenError.detail ?? keenError.message);

    if (keenError instanceof ThrottledError) reply.header('retry-after', String(keenError.retryAfter));
    // A half-built response (headers from the view) must not leak into the error page.
    reply.removeHeader('content-disposition');
    reply.header('cache-control', 'no-store');
    const debug = settings.debug
      ? { detail: keenError.detail, stack: error instanceof Error ? error.stack : String(error) }
      : undefined;
    if (wantsJson(request)) {
      const body: Record<string, unknown> = { code: keenError.code, message: keenError.message };
      if (debug) body.debug = debug;
      return reply.code(status).type('application/json').send({ error: body });
    }
    // The language stage may be missing from a test pipeline; the page is English then.
    const language = (request as { language?: string }).language ?? settings.languageCode;
    return sendPage(
      reply,
      h(ErrorPage, {
        status,
        code: keenError.code,
        message: keenError.message,
        debug,
        context: { staticUrl: staticUrlsOf(request.server).url, siteName: 'Keen', language },
      }),
      status,
    );
  });
}
