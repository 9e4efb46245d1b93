/**
 * Sending: `sendEmail` is what apps call. Where the job queue runs (keen serve, keen worker) the
 * message becomes an `email.send` job (in the caller's transaction when given, so a rolled-back save
 * sends nothing) and is retried with growing delays if the SMTP server fails; elsewhere (a command, a
 * test) it is sent at once.
 */
import type { FastifyInstance } from 'fastify';
import type { Tx } from '../../db/client.js';
import { defineJob } from '../jobs/queue.js';
import type { EmailMessage } from './message.js';
import { checkHeaders } from './message.js';

export const sendEmailJob = defineJob<EmailMessage>({
  name: 'email.send',
  retryLimit: 6,
  retryDelaySeconds: 30,
  async handler(message, { app }) {
    await deliver(app, message);
  },
});

/** Sends now through the app's backend (the job's handler, and where no queue runs). */
export async function deliver(app: FastifyInstance, message: EmailMessage): Promise<void> {
  checkHeaders(message);
  await app.email.send({ ...message, from: message.from ?? app.keen.settings.email.defaultFrom });
}

/** Sends `message` by a background job where one runs, else now. */
export async function sendEmail(
  app: FastifyInstance,
  message: EmailMessage,
  options: { tx?: Tx } = {},
): Promise<void> {
  // deliver() checks the headers itself; a job's message is checked before it is stored.
  if (!app.jobs.isStarted) return deliver(app, message);
  checkHeaders(message);
  await app.jobs.enqueue(sendEmailJob.name, message, options.tx ? { tx: options.tx } : {});
}

/** A message to ADMINS from SERVER_EMAIL, its subject prefixed with EMAIL_SUBJECT_PREFIX (Django's mail_admins). */
export async function mailAdmins(app: FastifyInstance, subject: string, text: string): Promise<void> {
  const { email } = app.keen.settings;
  if (email.admins.length === 0) return;
  await sendEmail(app, {
    to: [...email.admins],
    from: email.serverEmail,
    subject: `${email.subjectPrefix}${subject}`.replace(/[\r\n]+/g, ' ').slice(0, 200),
    text,
  });
}
