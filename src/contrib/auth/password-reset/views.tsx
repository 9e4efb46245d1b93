/**
 * Password reset (Django's flow): ask for the address → "sent" (the same page whether or not an account
 * has it) → the emailed link, moved into the session and out of the URL → a new password, checked by the
 * validators → every session of the user ends → "done". Requests are throttled per address and client.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isEmailAddress } from '../../../settings/email.js';
import { Field, type FormErrors, formField, PostForm } from '../../../web/forms.js';
import { siteOrigin } from '../../../web/site-url.js';
import type { WebContext } from '../../../web/stage.js';
import { NEVER_CACHE, sendAccountPage } from '../account-page.js';
import { setPassword } from '../login.js';
import { authTranslator } from '../messages.js';
import { CHANGE_PASSWORD_NAMES, checkNewPassword, NewPasswordFields } from '../new-password.js';
import { type UserRow, users } from '../schema.js';
import { throttleAttempt } from '../throttle.js';
import { LOGIN_URL } from '../urls.js';
import { mailResetLinks, passwordResetJob, RESET_CONFIRM_PATH, type ResetRequest } from './job.js';
import { checkResetToken, decodeUid } from './tokens.js';

export const RESET_URL = '/accounts/password_reset/';
const SENT_URL = '/accounts/password_reset/done/';
const DONE_URL = '/accounts/reset/done/';
const SET_PASSWORD = 'set-password';
/** The token, once the link was opened: kept here so it is not in the address (or a Referer) any more. */
const TOKEN_KEY = '_password_reset_token';

function sendRequestPage(request: FastifyRequest, reply: FastifyReply, email = '', errors?: FormErrors) {
  const t = authTranslator(request.language);
  return sendAccountPage(
    request,
    reply,
    t('reset.title'),
    <>
      <p>{t('reset.intro')}</p>
      <PostForm action={RESET_URL} csrfToken={request.csrfToken()} errors={errors}>
        <Field
          errors={errors}
          name="email"
          label={t('field.email')}
          type="email"
          value={email}
          autocomplete="email"
          autofocus
        />
        <button type="submit">{t('reset.submit')}</button>
      </PostForm>
    </>,
    errors ? 400 : 200,
  );
}

function sendInvalidPage(request: FastifyRequest, reply: FastifyReply) {
  const t = authTranslator(request.language);
  return sendAccountPage(
    request,
    reply,
    t('reset.invalidTitle'),
    <>
      <p>{t('reset.invalid')}</p>
      <p>
        <a href={RESET_URL}>{t('reset.again')}</a>
      </p>
    </>,
    400,
  );
}

function sendSetPasswordPage(
  request: FastifyRequest,
  reply: FastifyReply,
  action: string,
  errors?: FormErrors,
) {
  const t = authTranslator(request.language);
  return sendAccountPage(
    request,
    reply,
    t('reset.confirmTitle'),
    <>
      <p>{t('reset.confirmIntro')}</p>
      <PostForm action={action} csrfToken={request.csrfToken()} errors={errors}>
        <NewPasswordFields names={CHANGE_PASSWORD_NAMES} errors={errors} language={request.language} />
        <button type="submit">{t('reset.confirmSubmit')}</button>
      </PostForm>
    </>,
    errors ? 400 : 200,
  );
}

export function registerPasswordResetRoutes(
  app: FastifyInstance,
  { settings, database, stores }: WebContext,
): void {
  const db = database.db;
  const secret = settings.secretKey.reveal();

  /** The user of a reset link if `token` is still good for them, else null. */
  async function userFor(uid: string, token: string | undefined): Promise<UserRow | null> {
    const id = decodeUid(uid);
    if (id === null || !token) return null;
    const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
    if (!user?.isActive) return null;
    return checkResetToken(secret, user, token, Date.now(), settings.passwordResetTimeout) ? user : null;
  }

  app.get(RESET_URL, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    return sendRequestPage(request, reply);
  });

  app.post(RESET_URL, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    const email = formField(request.body, 'email').trim();
    if (email.length > 254 || !isEmailAddress(email) || email.includes('<')) {
      return sendRequestPage(request, reply, email.slice(0, 254), {
        email: [authTranslator(request.language)('reset.badEmail')],
      });
    }
    await throttleAttempt(stores.throttle, request, {
      action: 'password_reset',
      account: email,
      client: request.ip,
    });
    const job: ResetRequest = { email, origin: siteOrigin(request), language: request.language };
    // The same work for every address: the lookup and the mail happen in the job.
    if (app.jobs.isStarted) await app.jobs.enqueue(passwordResetJob.name, job);
    else await mailResetLinks(app, job);
    request.log.info({ ip: request.ip }, 'password reset requested');
    return reply.redirect(SENT_URL, 303);
  });

  app.get(SENT_URL, async (request, reply) => {
    const t = authTranslator(request.language);
    return sendAccountPage(
      request,
      reply,
      t('reset.sentTitle'),
      <>
        <p>{t('reset.sent')}</p>
        <p>{t('reset.sentHint')}</p>
      </>,
    );
  });

  app.get(`${RESET_CONFIRM_PATH}:uid/:token/`, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    const { uid, token } = request.params as { uid: string; token: string };
    if (token === SET_PASSWORD || !(await userFor(uid, token))) return sendInvalidPage(request, reply);
    request.session?.set(TOKEN_KEY, token);
    return reply.redirect(`${RESET_CONFIRM_PATH}${encodeURIComponent(uid)}/${SET_PASSWORD}/`, 302);
  });

  app.get(`${RESET_CONFIRM_PATH}:uid/${SET_PASSWORD}/`, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    const { uid } = request.params as { uid: string };
    if (!(await userFor(uid, request.session?.get<string>(TOKEN_KEY))))
      return sendInvalidPage(request, reply);
    return sendSetPasswordPage(request, reply, request.url);
  });

  app.post(`${RESET_CONFIRM_PATH}:uid/${SET_PASSWORD}/`, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    const { uid } = request.params as { uid: string };
    const user = await userFor(uid, request.session?.get<string>(TOKEN_KEY));
    if (!user) return sendInvalidPage(request, reply);
    const errors: FormErrors = {};
    const password = checkNewPassword(
      request.body,
      CHANGE_PASSWORD_NAMES,
      { username: user.username, email: user.email },
      errors,
      request.language,
    );
    if (password === null) return sendSetPasswordPage(request, reply, request.url, errors);
    // A new hash: this link and every other one stop working, and all of the user's sessions end.
    await setPassword(db, stores.sessions, secret, user.id, password);
    request.session?.delete(TOKEN_KEY);
    request.log.info({ userId: user.id }, 'password reset');
    return reply.redirect(DONE_URL, 303);
  });

  app.get(DONE_URL, async (request, reply) => {
    const t = authTranslator(request.language);
    return sendAccountPage(
      request,
      reply,
      t('reset.doneTitle'),
      <>
        <p>{t('reset.done')}</p>
        <p>
          <a href={LOGIN_URL}>{t('reset.login')}</a>
        </p>
      </>,
    );
  });
}
