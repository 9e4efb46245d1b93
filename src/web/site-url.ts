/**
 * Absolute addresses of the site's pages, for feeds, the sitemap, canonical and OpenGraph tags:
 * SITE_URL when it is set, else the request's own origin. The request's Host has been checked
 * against ALLOWED_HOSTS by the common stage, so it cannot be a stranger's; SITE_URL is still the
 * better choice behind a proxy, where one site may answer to several names.
 */
import type { FastifyRequest } from 'fastify';
import { requestOrigin } from './request-info.js';

export function siteOrigin(request: FastifyRequest): string {
  const configured = request.server.keen.settings.siteUrl;
  if (configured) return configured;
  return requestOrigin(request);
}

/** `path` (site-relative, or already absolute) as an absolute URL. */
export function absoluteUrl(request: FastifyRequest, path: string): string {
  return /^https?:\/\//i.test(path)
    ? path
    : `${siteOrigin(request)}${path.startsWith('/') ? '' : '/'}${path}`;
}
