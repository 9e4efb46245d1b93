/** Stage 9, messages (Django's MessageMiddleware): `request.messages`, stored in the session. */
import { Messages } from '../../contrib/messages/messages.js';
import type { Stage } from '../stage.js';

export const messages: Stage = {
  name: 'messages',
  requires: ['sessions'],
  register(app) {
    app.decorateRequest('messages', null as unknown as Messages);
    app.addHook('preHandler', async (request) => {
      request.messages = new Messages(request.session);
    });
  },
};

declare module 'fastify' {
  interface FastifyRequest {
    /** One-shot messages for the next page. */
    messages: Messages;
  }
}
