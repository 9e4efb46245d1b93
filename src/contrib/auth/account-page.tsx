/** The frame of the account pages (password reset, two-factor): the site's layout, a heading, the body. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { Layout } from '../../web/layout.js';
import { pageContext, sendPage } from '../../web/render.js';

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
