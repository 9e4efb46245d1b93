/**
 * The `auth.password_reset` job: the request page only enqueues the address, so it does the same work
 * (and takes the same time) whether or not an account has it; this job looks the address up and mails
 * each active account a link. At most 5 mails per address every 15 minutes, so nobody can flood an
 * inbox through the form.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { sendEmail } from '../../email/send.js';
import { defineJob } from '../../jobs/queue.js';
import { users } from '../schema.js';
import { resetMail } from './mail.js';
import { encodeUid, makeResetToken } from './tokens.js';

export interface ResetRequest {
  email: string;
  /** Scheme and host the link points at (SITE_URL, or the request's checked origin). */
  origin: string;
  language: string;
}

export const RESET_CONFIRM_PATH = '/accounts/reset/';

/** Mails a reset link to every active account with `email`; returns how many were sent. */
export async function mailResetLinks(app: FastifyInstance, request: ResetRequest): Promise<number> {
  const { db } = app.keen.database;
  const { settings, stores } = app.keen;
  // A client of its own ("mail") in the throttle counters: the per-address cap of mails sent.
  const decision = await stores.throttle.reserve({
    action: 'password_reset',
    account: request.email,
    client: 'mail',
  });
  if (!decision.allowed) {
    app.log.warn({ reason: 'per-address cap' }, 'password reset mail not sent');
    return 0;
  }
  const accounts = await db
    .select()
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, request.email.toLowerCase()), eq(users.isActive, true)));
  const site = app.siteIdentity?.().siteName ?? 'Keen';
  let sent = 0;
  for (const user of accounts) {
    // Django's unusable password ("!…"): an account that must not log in with a password.
    if (user.password.startsWith('!')) continue;
    const token = makeResetToken(settings.secretKey.reveal(), user);
    const link = `${request.origin}${RESET_CONFIRM_PATH}${encodeUid(user.id)}/${token}/`;
    await sendEmail(
      app,
      resetMail({
        to: user.email,
        username: user.username,
        link,
        site,
        language: request.language,
        timeoutSeconds: settings.passwordResetTimeout,
      }),
    );
    sent++;
  }
  return sent;
}

export const passwordResetJob = defineJob<ResetRequest>({
  name: 'auth.password_reset',
  retryLimit: 3,
  async handler(data, { app, log }) {
    const sent = await mailResetLinks(app, data);
    log.info({ sent }, 'password reset handled');
  },
});
