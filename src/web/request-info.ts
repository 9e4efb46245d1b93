/** Facts about a request that several stages need, computed the same way everywhere. */
import type { FastifyRequest } from 'fastify';

/** True when the client reached us over HTTPS (directly, or per a trusted proxy's X-Forwarded-Proto). */
export function isSecure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/** The Host the client asked for, lower-cased, port included (X-Forwarded-Host only from trusted proxies). */
export function requestHost(request: FastifyRequest): string {
  return (request.host ?? '').toLowerCase();
}

/** The request path without the query string. */
export function requestPath(request: FastifyRequest): string {
  const url = request.url;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** `scheme://host` of this request, as a browser would send it in Origin. */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${requestHost(request)}`;
}
