/** The frame of the account pages (password reset, two-factor): the site's layout, a heading, the body. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { Layout } from '../../web/layout.js';
import { pageContext, sendPage } from '../../web/render.js';

/** Django's never_cache: pages with password fields or codes must not be stored by any cache. */
export const NEVER_CACHE = 'max-age=0, no-cache, no-store, must-revalidate, private';

export function sendAccountPage(
  request: FastifyRequest,
  reply: FastifyReply,
  title: string,
  body: ComponentChildren,
  status = 200,
): FastifyReply {
  return sendPage(
    reply,
    <Layout title={title} context={pageContext(request)}>
      <h1>{title}</h1>
      {body}
    </Layout>,
    status,
  );
}
