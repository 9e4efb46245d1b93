/** Stage 9, messages (Django's MessageMiddleware): `request.messages`, stored in the session. */
import { Messages } from '../../contrib/messages/messages.js';
import { addRouteHooks, hasSession } from '../route-hooks.js';
import type { Stage } from '../stage.js';

export const messages: Stage = {
  name: 'messages',
  requires: ['sessions'],
  register(app) {
    app.decorateRequest('messages', null as unknown as Messages);
    addRouteHooks(app, hasSession, {
      preHandler: (request, _reply, done) => {
        request.messages = new Messages(request.session);
        done();
      },
    });
  },
};

declare module 'fastify' {
  interface FastifyRequest {
    /** One-shot messages for the next page. */
    messages: Messages;
  }
}
