/** Sends server-rendered HTML: preact components rendered to a string (escaped by default). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { CurrentUser } from '../contrib/auth/current-user.js';
import type { Message } from '../contrib/messages/messages.js';
import type { StaticAsset } from '../contrib/staticfiles/asset.js';
import { staticUrlsOf } from '../contrib/staticfiles/static-urls.js';

/** What the layout needs from the request, gathered once per page. */
export interface PageContext {
  user: CurrentUser;
  messages: Message[];
  /** A masked CSRF token, present when the user is logged in (for the logout button). */
  csrfToken: string | null;
  /** The URL of a declared static file (`staticAsset(...)` at module level): hashed in production. */
  staticUrl: (asset: StaticAsset) => string;
  siteName: string;
  /** LANGUAGE_CODE, for `<html lang>`. */
  language: string;
}

/** Builds the layout's context from a request that went through the pipeline. */
export function pageContext(request: FastifyRequest): PageContext {
  const { languageCode } = request.server.keen.settings;
  const hasSession = request.session !== null;
  return {
    user: request.user,
    messages: hasSession ? request.messages.consume() : [],
    csrfToken: hasSession && request.user.isAuthenticated ? request.csrfToken() : null,
    staticUrl: staticUrlsOf(request.server).url,
    siteName: 'Keen',
    language: languageCode,
  };
}

/** Renders `page` as a full HTML document and sends it. */
// biome-ignore lint/suspicious/noExplicitAny: any component's vnode; props are checked where it is built.
export function sendPage(reply: FastifyReply, page: VNode<any>, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>${renderToString(page)}`);
}

export type { ComponentChildren };
