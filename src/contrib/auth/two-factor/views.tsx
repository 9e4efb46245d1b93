/**
 * Two-factor pages: `/accounts/2fa/` (set up an authenticator app with a QR code drawn on the server as
 * SVG, see and renew recovery codes, turn it off) and `/accounts/login/verify/` (the code asked after a
 * right password). Codes are throttled like passwords (the `two_factor` counters).
 */

import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../../db/client.js';
import { formatDate } from '../../../i18n/dates.js';
import { Field, type FormErrors, formField, PostForm } from '../../../web/forms.js';
import { pageContext } from '../../../web/render.js';
import type { WebContext } from '../../../web/stage.js';
import { NEVER_CACHE, sendAccountPage } from '../account-page.js';
import { login } from '../login.js';
import { authTranslator } from '../messages.js';
import { verifyPassword } from '../passwords/hashers.js';
import { safeNextUrl } from '../safe-next.js';
import { users } from '../schema.js';
import { throttleAttempt } from '../throttle.js';
import { LOGIN_URL, redirectToLogin } from '../urls.js';
import {
  deviceOf,
  disableTwoFactor,
  enrolDevice,
  recoveryCodesLeft,
  replaceRecoveryCodes,
  verifySecondFactor,
} from './devices.js';
import {
  clearPendingLogin,
  enrolmentSecret,
  finishEnrolment,
  pendingEnrolmentSecret,
  pendingLogin,
  VERIFIED_KEY,
} from './session-state.js';
import { groupedSecret, newSecret, provisioningUri } from './totp.js';

export const TWO_FACTOR_URL = '/accounts/2fa/';
export const VERIFY_URL = '/accounts/login/verify/';

type Translate = ReturnType<typeof authTranslator>;

function CodeField({ t, errors, label }: { t: Translate; errors?: FormErrors; label?: string }) {
  return (
    <Field
      errors={errors}
      name="code"
      label={label ?? t('field.twoFactorCode')}
      autocomplete="one-time-code"
      autofocus
    />
  );
}

async function sendEnrolPage(
  request: FastifyRequest,
  reply: FastifyReply,
  issuer: string,
  next: string,
  errors?: FormErrors,
) {
  const context = pageContext(request);
  const t = authTranslator(context.language);
  const user = request.user;
  const secret = enrolmentSecret(request, newSecret);
  const uri = provisioningUri(secret, user.isAuthenticated ? user.username : '', issuer);
  // SVG markup only (paths, no script or style attribute), so the page's CSP allows it inline.
  // Loaded on the first enrolment page, not when a worker boots.
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return sendAccountPage(
    request,
    reply,
    t('twoFactor.title'),
    <>
      {next && (
        <ul class="Messages">
          <li class="Message Message--info">{t('twoFactor.required')}</li>
        </ul>
      )}
      <p>{t('twoFactor.introOff')}</p>
      <p>{t('twoFactor.scan')}</p>
      <div
        class="TwoFactor-qr"
        role="img"
        aria-label={t('twoFactor.qrLabel')}
        dangerouslySetInnerHTML={{ __html: svg }}
      />
      <p>
        {t('twoFactor.manual')}
        <br />
        <code class="TwoFactor-secret">{groupedSecret(secret)}</code>
      </p>
      <PostForm action={TWO_FACTOR_URL} csrfToken={request.csrfToken()} errors={errors}>
        <input type="hidden" name="next" value={next} />
        <CodeField t={t} errors={errors} label={t('twoFactor.confirm')} />
        <button type="submit">{t('twoFactor.enable')}</button>
      </PostForm>
    </>,
    errors ? 400 : 200,
  );
}

function sendCodesPage(request: FastifyRequest, reply: FastifyReply, codes: string[], next: string) {
  const context = pageContext(request);
  const t = authTranslator(context.language);
  return sendAccountPage(
    request,
    reply,
    t('twoFactor.codesTitle'),
    <>
      <p>{t('twoFactor.codesIntro')}</p>
      <ol class="TwoFactor-codes">
        {codes.map((code) => (
          <li>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <p>
        <a href={next || TWO_FACTOR_URL}>{t('twoFactor.continue')}</a>
      </p>
    </>,
  );
}

async function sendManagePage(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  since: Date,
  errors?: FormErrors,
) {
  const context = pageContext(request);
  const t = authTranslator(context.language);
  const left = await recoveryCodesLeft(db, request.user.id ?? 0);
  return sendAccountPage(
    request,
    reply,
    t('twoFactor.title'),
    <>
      <p>{t('twoFactor.on', { date: formatDate(since, context.language, context.timeZone, 'day') })}</p>
      <p>{t('twoFactor.codesLeft', { count: left })}</p>
      <h2>{t('twoFactor.newCodes')}</h2>
      <p>{t('twoFactor.newCodesHelp')}</p>
      <PostForm action={`${TWO_FACTOR_URL}recovery-codes/`} csrfToken={request.csrfToken()} errors={errors}>
        <CodeField t={t} errors={errors} />
        <button type="submit">{t('twoFactor.newCodes')}</button>
      </PostForm>
      <h2>{t('twoFactor.disable')}</h2>
      <p>{t('twoFactor.disableHelp')}</p>
      <PostForm action={`${TWO_FACTOR_URL}disable/`} csrfToken={request.csrfToken()}>
        <Field
          errors={errors}
          name="password"
          label={t('field.password')}
          type="password"
          autocomplete="current-password"
        />
        <button type="submit">{t('twoFactor.disable')}</button>
      </PostForm>
    </>,
    errors ? 400 : 200,
  );
}

function sendVerifyPage(request: FastifyRequest, reply: FastifyReply, errors?: FormErrors) {
  const context = pageContext(request);
  const t = authTranslator(context.language);
  return sendAccountPage(
    request,
    reply,
    t('verify.title'),
    <>
      <p>{t('verify.intro')}</p>
      <PostForm action={VERIFY_URL} csrfToken={request.csrfToken()} errors={errors}>
        <CodeField t={t} errors={errors} label={t('field.twoFactorCode')} />
        <button type="submit">{t('verify.submit')}</button>
      </PostForm>
    </>,
    errors ? 400 : 200,
  );
}

export function registerTwoFactorRoutes(
  app: FastifyInstance,
  { settings, database, stores }: WebContext,
): void {
  const db = database.db;
  const secretKey = settings.secretKey.reveal();
  const issuer = () => app.siteIdentity?.().siteName ?? 'Keen';
  const attemptFor = (request: FastifyRequest, username: string) =>
    ({ action: 'two_factor', account: username, client: request.ip }) as const;

  app.get(VERIFY_URL, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    if (!pendingLogin(request)) return reply.redirect(LOGIN_URL, 302);
    return sendVerifyPage(request, reply);
  });

  app.post(VERIFY_URL, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    const t = authTranslator(request.language);
    const pending = pendingLogin(request);
    if (!pending) {
      request.messages.error(t('verify.expired'));
      return reply.redirect(LOGIN_URL, 303);
    }
    const [user] = await db.select().from(users).where(eq(users.id, pending.userId)).limit(1);
    // Deactivated, or the password changed since it was checked: the password must be given again.
    if (!user?.isActive || user.password !== pending.passwordHash) {
      clearPendingLogin(request);
      request.messages.error(t('verify.expired'));
      return reply.redirect(LOGIN_URL, 303);
    }
    const code = formField(request.body, 'code').trim();
    if (!code) return sendVerifyPage(request, reply, { code: [t('error.required')] });
    const attempt = attemptFor(request, user.username);
    await throttleAttempt(stores.throttle, request, attempt);
    const factor = await verifySecondFactor(db, user.id, code);
    if (!factor) {
      request.log.warn({ userId: user.id, ip: request.ip }, 'two-factor code refused');
      return sendVerifyPage(request, reply, { code: [t('twoFactor.wrongCode')] });
    }
    await stores.throttle.succeeded(attempt);
    clearPendingLogin(request);
    await login(db, request, secretKey, user);
    request.session?.set(VERIFIED_KEY, true);
    request.log.info({ userId: user.id, factor }, 'login');
    if (factor === 'recovery') {
      request.messages.warning(t('verify.recoveryUsed', { count: await recoveryCodesLeft(db, user.id) }));
    }
    return reply.redirect(pending.next || '/', 303);
  });

  app.get(TWO_FACTOR_URL, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    if (redirectToLogin(request, reply)) return reply;
    const device = await deviceOf(db, request.user.id ?? 0);
    if (device) return sendManagePage(db, request, reply, device.confirmedAt);
    const next = safeNextUrl((request.query as Record<string, string>).next, '');
    return sendEnrolPage(request, reply, issuer(), next);
  });

  app.post(TWO_FACTOR_URL, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    if (redirectToLogin(request, reply)) return reply;
    const user = request.user;
    if (!user.isAuthenticated) return reply;
    const next = safeNextUrl(formField(request.body, 'next'), '');
    const secret = pendingEnrolmentSecret(request);
    if (!secret || (await deviceOf(db, user.id))) return reply.redirect(TWO_FACTOR_URL, 303);
    const t = authTranslator(request.language);
    const attempt = attemptFor(request, user.username);
    await throttleAttempt(stores.throttle, request, attempt);
    const codes = await enrolDevice(db, user.id, secret, formField(request.body, 'code'));
    if (!codes) return sendEnrolPage(request, reply, issuer(), next, { code: [t('twoFactor.wrongCode')] });
    await stores.throttle.succeeded(attempt);
    finishEnrolment(request);
    request.log.info({ userId: user.id }, 'two-factor authentication turned on');
    return sendCodesPage(request, reply, codes, next);
  });

  app.post(`${TWO_FACTOR_URL}recovery-codes/`, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    if (redirectToLogin(request, reply)) return reply;
    const user = request.user;
    if (!user.isAuthenticated) return reply;
    const device = await deviceOf(db, user.id);
    if (!device) return reply.redirect(TWO_FACTOR_URL, 303);
    const attempt = attemptFor(request, user.username);
    await throttleAttempt(stores.throttle, request, attempt);
    if ((await verifySecondFactor(db, user.id, formField(request.body, 'code').trim())) !== 'totp') {
      const t = authTranslator(request.language);
      return sendManagePage(db, request, reply, device.confirmedAt, { code: [t('twoFactor.wrongCode')] });
    }
    await stores.throttle.succeeded(attempt);
    request.log.info({ userId: user.id }, 'new recovery codes made');
    return sendCodesPage(request, reply, await replaceRecoveryCodes(db, user.id), '');
  });

  app.post(`${TWO_FACTOR_URL}disable/`, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    if (redirectToLogin(request, reply)) return reply;
    const user = request.user;
    if (!user.isAuthenticated) return reply;
    const device = await deviceOf(db, user.id);
    if (!device) return reply.redirect(TWO_FACTOR_URL, 303);
    const t = authTranslator(request.language);
    // The password is a guess like a login's: the password-change counters.
    const attempt = { action: 'password_change', account: user.username, client: request.ip } as const;
    await throttleAttempt(stores.throttle, request, attempt);
    if (!(await verifyPassword(formField(request.body, 'password'), user.row.password)).ok) {
      return sendManagePage(db, request, reply, device.confirmedAt, {
        password: [t('error.wrongOldPassword')],
      });
    }
    await stores.throttle.succeeded(attempt);
    await disableTwoFactor(db, user.id);
    request.session?.delete(VERIFIED_KEY);
    request.log.info({ userId: user.id }, 'two-factor authentication turned off');
    request.messages.success(t('twoFactor.disabled'));
    return reply.redirect(TWO_FACTOR_URL, 303);
  });
}
