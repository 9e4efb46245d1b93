/**
 * The email app: the backend EMAIL_BACKEND names (`app.email`), `sendEmail` / `mailAdmins` for other
 * apps, the `email.send` job that delivers with retries, and 500-error mails to ADMINS. See
 * docs/email.md.
 */
import type { KeenApp } from '../../web/keen-app.js';
import { createEmailSender, type EmailSender } from './backends.js';
import { mailServerErrors } from './error-mails.js';
import { sendEmailJob } from './send.js';

export { createEmailSender, type EmailSender } from './backends.js';
export type { EmailMessage } from './message.js';
export { deliver, mailAdmins, sendEmail } from './send.js';

export const emailApp: KeenApp = {
  name: 'email',
  jobs: [sendEmailJob],
  routes(app, { settings }) {
    const sender = createEmailSender(settings.email);
    app.decorate('email', sender);
    app.addHook('onClose', async () => sender.close());
    mailServerErrors(app);
  },
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The email backend (the email app). */
    email: EmailSender;
  }
}
