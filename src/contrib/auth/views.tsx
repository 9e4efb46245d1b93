/**
 * Account pages: log in, log out (POST only), change password, and the first-run setup page that
 * creates the first admin from a one-time link printed by the server.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { capForLog } from '../../log.js';
import { constantTimeEqual } from '../../signing.js';
import { Field, type FormErrors, formField, PostForm } from '../../web/forms.js';
import { Layout } from '../../web/layout.js';
import { pageContext, sendPage } from '../../web/render.js';
import type { WebContext } from '../../web/stage.js';
import { NEVER_CACHE } from './account-page.js';
import { authenticate, login, logout, setPassword } from './login.js';
import { authTranslator } from './messages.js';
import { CHANGE_PASSWORD_NAMES, checkNewPassword, NewPasswordFields } from './new-password.js';
import { verifyPassword } from './passwords/hashers.js';
import { passwordHelp } from './passwords/validators.js';
import { safeNextUrl } from './safe-next.js';
import { type Attempt, throttleAttempt } from './throttle.js';
import { deviceOf } from './two-factor/devices.js';
import { startPendingLogin } from './two-factor/session-state.js';
import { VERIFY_URL } from './two-factor/views.js';
import { LOGIN_URL, redirectToLogin } from './urls.js';
import { hasSuperuser, insertUser, validateNewUser } from './users.js';

export { LOGIN_URL, redirectToLogin };

/** The username column's length: anything longer is refused before any query. */
const MAX_USERNAME_LENGTH = 150;

function LoginPage(props: { request: FastifyRequest; username: string; next: string; errors?: FormErrors }) {
  const context = pageContext(props.request);
  const t = authTranslator(context.language);
  return (
    <Layout title={t('login.title')} context={context}>
      <h1>{t('login.title')}</h1>
      <PostForm action={LOGIN_URL} csrfToken={props.request.csrfToken()} errors={props.errors}>
        <input type="hidden" name="next" value={props.next} />
        <Field
          errors={props.errors}
          name="username"
          label={t('field.username')}
          value={props.username}
          autocomplete="username"
          autofocus
        />
        <Field
          errors={props.errors}
          name="password"
          label={t('field.password')}
          type="password"
          autocomplete="current-password"
        />
        <button type="submit">{t('login.submit')}</button>
      </PostForm>
      <p class="Login-forgot">
        <a href="/accounts/password_reset/">{t('login.forgot')}</a>
      </p>
    </Layout>
  );
}

function PasswordChangePage(props: { request: FastifyRequest; errors?: FormErrors }) {
  const context = pageContext(props.request);
  const t = authTranslator(context.language);
  return (
    <Layout title={t('passwordChange.title')} context={context}>
      <h1>{t('passwordChange.title')}</h1>
      <PostForm
        action="/accounts/password_change/"
        csrfToken={props.request.csrfToken()}
        errors={props.errors}
      >
        <Field
          errors={props.errors}
          name="old_password"
          label={t('field.oldPassword')}
          type="password"
          autocomplete="current-password"
          autofocus
        />
        <NewPasswordFields names={CHANGE_PASSWORD_NAMES} errors={props.errors} language={context.language} />
        <button type="submit">{t('passwordChange.submit')}</button>
      </PostForm>
    </Layout>
  );
}

function SetupPage(props: {
  request: FastifyRequest;
  token: string;
  values: Record<string, string>;
  errors?: FormErrors;
}) {
  const context = pageContext(props.request);
  const t = authTranslator(context.language);
  return (
    <Layout title={t('setup.title')} context={context}>
      <h1>{t('setup.title')}</h1>
      <p>{t('setup.intro')}</p>
      <PostForm action="/setup/" csrfToken={props.request.csrfToken()} errors={props.errors}>
        <input type="hidden" name="token" value={props.token} />
        <Field
          errors={props.errors}
          name="username"
          label={t('field.username')}
          value={props.values.username}
          autocomplete="username"
          autofocus
        />
        <Field
          errors={props.errors}
          name="email"
          label={t('field.email')}
          type="email"
          value={props.values.email}
          autocomplete="email"
          required={false}
        />
        <Field
          errors={props.errors}
          name="password"
          label={t('field.password')}
          type="password"
          autocomplete="new-password"
          help={passwordHelp(context.language)}
        />
        <Field
          errors={props.errors}
          name="password2"
          label={t('field.passwordAgain')}
          type="password"
          autocomplete="new-password"
        />
        <button type="submit">{t('setup.submit')}</button>
      </PostForm>
    </Layout>
  );
}

function sameToken(given: string, expected: string | null): boolean {
  return expected !== null && constantTimeEqual(given, expected);
}

/** Registers /accounts/… and /setup/. */
export function registerAuthRoutes(app: FastifyInstance, { settings, database, stores }: WebContext): void {
  const db = database.db;
  const secret = settings.secretKey.reveal();

  app.get(LOGIN_URL, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    const next = safeNextUrl((request.query as Record<string, string>).next, '');
    return sendPage(reply, <LoginPage request={request} username="" next={next} />);
  });

  app.post(LOGIN_URL, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    const username = formField(request.body, 'username').trim();
    const password = formField(request.body, 'password');
    const next = safeNextUrl(formField(request.body, 'next'), '');
    const t = authTranslator(request.language);
    const refuse = (errors: FormErrors, shown = username) =>
      sendPage(reply, <LoginPage request={request} username={shown} next={next} errors={errors} />, 400);
    // No query for what cannot be an account: too long, or a field left empty.
    if (username.length > MAX_USERNAME_LENGTH) {
      request.log.warn(
        { username: capForLog(username, 150), ip: request.ip },
        'login refused: username too long',
      );
      return refuse({ username: [t('error.usernameTooLong', { max: MAX_USERNAME_LENGTH })] }, '');
    }
    if (!username || !password) {
      const errors: FormErrors = {};
      if (!username) errors.username = [t('error.required')];
      if (!password) errors.password = [t('error.required')];
      return refuse(errors);
    }
    const attempt: Attempt = { action: 'login', account: username, client: request.ip };
    await throttleAttempt(stores.throttle, request, attempt);
    const user = await authenticate(db, username, password);
    if (!user) {
      request.log.warn({ username: capForLog(username, 150), ip: request.ip }, 'login failed');
      return refuse({ __all__: [t('error.wrongCredentials')] });
    }
    await stores.throttle.succeeded(attempt);
    if (await deviceOf(db, user.id)) {
      // The password was right; the login waits for the code from the user's authenticator app.
      startPendingLogin(request, user, next);
      return reply.redirect(VERIFY_URL, 303);
    }
    await login(db, request, secret, user);
    request.log.info({ userId: user.id }, 'login');
    return reply.redirect(next || '/', 303);
  });

  app.post('/accounts/logout/', async (request, reply) => {
    logout(request);
    request.messages.info(authTranslator(request.language)('logout.done'));
    return reply.redirect('/', 303);
  });
  // Logging out changes state, so it is POST only (like Django 5).
  app.get('/accounts/logout/', async (_request, reply) =>
    reply.code(405).header('allow', 'POST').send('Method Not Allowed'),
  );

  app.get('/accounts/password_change/', async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    if (redirectToLogin(request, reply)) return reply;
    return sendPage(reply, <PasswordChangePage request={request} />);
  });

  app.post('/accounts/password_change/', async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    if (redirectToLogin(request, reply)) return reply;
    const user = request.user;
    if (!user.isAuthenticated) return reply;
    const oldPassword = formField(request.body, 'old_password');
    const t = authTranslator(request.language);
    const errors: FormErrors = {};
    // The old password is a password guess like a login: the same limits, its own counters.
    const attempt: Attempt = { action: 'password_change', account: user.username, client: request.ip };
    await throttleAttempt(stores.throttle, request, attempt);
    if ((await verifyPassword(oldPassword, user.row.password)).ok) {
      await stores.throttle.succeeded(attempt);
    } else {
      errors.old_password = [t('error.wrongOldPassword')];
    }
    const identity = { username: user.username, email: user.email };
    const password = checkNewPassword(
      request.body,
      CHANGE_PASSWORD_NAMES,
      identity,
      errors,
      request.language,
    );
    if (password === null || Object.keys(errors).length > 0) {
      return sendPage(reply, <PasswordChangePage request={request} errors={errors} />, 400);
    }
    await setPassword(db, stores.sessions, secret, user.id, password, request);
    request.messages.success(t('passwordChange.done'));
    return reply.redirect('/', 303);
  });

  app.get('/setup/', async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    const token = (request.query as Record<string, string>).token ?? '';
    if (await hasSuperuser(db)) throw new NotFoundError('setup is closed: an admin account exists');
    if (!sameToken(token, app.keen.setupToken)) throw new ForbiddenError('setup link is invalid or expired');
    return sendPage(reply, <SetupPage request={request} token={token} values={{}} />);
  });

  app.post('/setup/', async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    const token = formField(request.body, 'token');
    if (await hasSuperuser(db)) throw new NotFoundError('setup is closed: an admin account exists');
    if (!sameToken(token, app.keen.setupToken)) throw new ForbiddenError('setup link is invalid or expired');
    const values = {
      username: formField(request.body, 'username').trim(),
      email: formField(request.body, 'email').trim(),
    };
    const password = formField(request.body, 'password');
    const errors = await validateNewUser(db, { ...values, password });
    if (password !== formField(request.body, 'password2'))
      errors.password2 = [authTranslator(request.language)('error.mismatch')];
    if (Object.keys(errors).length > 0) {
      return sendPage(
        reply,
        <SetupPage request={request} token={token} values={values} errors={errors} />,
        400,
      );
    }
    const user = await insertUser(db, { ...values, password, isStaff: true, isSuperuser: true });
    app.keen.setupToken = null;
    await login(db, request, secret, user);
    request.log.info({ userId: user.id }, 'first admin account created through the setup page');
    request.messages.success(authTranslator(request.language)('setup.done', { username: user.username }));
    return reply.redirect('/', 303);
  });
}
