/**
 * 500 errors mailed to ADMINS (Django's AdminEmailHandler), when ADMINS is set and DEBUG is off. The
 * mail names the route's pattern (never the URL itself, which may hold a reset token), the method, the
 * request id, the user's id and the error with its stack; never headers, cookies, the body or settings.
 * At most one mail per error and route every 10 minutes, and 10 an hour per process, so a broken page
 * under load does not flood the inbox.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { ClientAbortError } from '../../errors.js';
import { toKeenError } from '../../web/error-boundary.js';
import { mailAdmins } from './send.js';

export const SAME_ERROR_EVERY_MS = 10 * 60_000;
export const MAILS_PER_HOUR = 10;

export class ErrorMailLimiter {
  readonly #lastSent = new Map<string, number>();
  #hourStart = 0;
  #sentThisHour = 0;

  /** True if a mail for `signature` may go now (and counts it). */
  allow(signature: string, now = Date.now()): boolean {
    if (now - this.#hourStart >= 3_600_000) {
      this.#hourStart = now;
      this.#sentThisHour = 0;
    }
    const last = this.#lastSent.get(signature);
    if (last !== undefined && now - last < SAME_ERROR_EVERY_MS) return false;
    if (this.#sentThisHour >= MAILS_PER_HOUR) return false;
    this.#sentThisHour++;
    this.#lastSent.set(signature, now);
    if (this.#lastSent.size > 1000) this.#lastSent.delete(this.#lastSent.keys().next().value as string);
    return true;
  }
}

function describe(request: FastifyRequest, error: Error, route: string): string {
  const user = (request as { user?: { id: number | null } }).user;
  return [
    `${error.name}: ${error.message}`.slice(0, 1000),
    '',
    `Route: ${request.method} ${route}`,
    `Request id: ${request.id}`,
    // With tracing on, the id of the failed request's trace (and of its X-Request-Id header).
    ...(request.trace ? [`Trace id: ${request.trace.traceId}`] : []),
    `User id: ${user?.id ?? 'anonymous'}`,
    `Time: ${new Date().toISOString()}`,
    '',
    (error.stack ?? '').slice(0, 8000),
  ].join('\n');
}

export function mailServerErrors(app: FastifyInstance): void {
  const { settings } = app.keen;
  if (settings.debug || settings.email.admins.length === 0) return;
  const limiter = new ErrorMailLimiter();
  app.addHook('onError', async (request, _reply, error: FastifyError) => {
    const keenError = toKeenError(error, request);
    if (keenError.statusCode < 500 || keenError instanceof ClientAbortError) return;
    const route = request.routeOptions.url ?? '(no route)';
    if (!limiter.allow(`${keenError.code} ${error.message} ${route}`)) return;
    mailAdmins(
      app,
      `Error (${keenError.statusCode}) at ${request.method} ${route}`.slice(0, 150),
      describe(request, error, route),
    ).catch((failure: unknown) => request.log.warn({ err: failure }, 'could not mail the error to ADMINS'));
  });
}
