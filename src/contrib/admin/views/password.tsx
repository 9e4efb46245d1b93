/**
 * Password pages: a staff user changes their own password (old one required, Django's
 * PasswordChangeView), and `<id>/password/` sets another account's password (needs the change
 * permission on the model; Django's UserAdmin.user_change_password). Both keep the changer logged in
 * and log out the account's other sessions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../../errors.js';
import { Field, type FormErrors, formField, PostForm } from '../../../web/forms.js';
import { setPassword } from '../../auth/login.js';
import { CHANGE_PASSWORD_NAMES, checkNewPassword, NewPasswordFields } from '../../auth/new-password.js';
import { verifyPassword } from '../../auth/passwords/hashers.js';
import { users } from '../../auth/schema.js';
import { demand, requireStaff } from '../access.js';
import { logActions } from '../history.js';
import { adminTranslator } from '../messages.js';
import { loadObject, objectIdOf } from '../objects.js';
import { type AdminEnvironment, modelCrumbs, modelRequest, sendAdminPage } from './shared.js';

export function registerPasswordViews(app: FastifyInstance, environment: AdminEnvironment): void {
  const { basePath } = environment.site;
  const secret = environment.settings.secretKey.reveal();
  const ownUrl = `${basePath}password_change/`;

  const ownPage = (request: FastifyRequest, reply: FastifyReply, errors?: FormErrors) => {
    const t = adminTranslator(request.language);
    const title = t('password.changeTitle');
    return sendAdminPage(
      environment,
      request,
      reply,
      { title, breadcrumbs: [{ label: title }], status: errors ? 400 : 200 },
      [
        <h1>{title}</h1>,
        <p>{t('password.changeIntro')}</p>,
        <PostForm action={ownUrl} csrfToken={request.csrfToken()} errors={errors}>
          <Field
            errors={errors}
            name="old_password"
            label={t('password.old')}
            type="password"
            autocomplete="current-password"
            autofocus
          />
          <NewPasswordFields names={CHANGE_PASSWORD_NAMES} errors={errors} language={request.language} />
          <button type="submit" class="AdminButton AdminButton--primary">
            {t('password.changeMine')}
          </button>
        </PostForm>,
      ],
    );
  };

  app.get(ownUrl, async (request, reply) => {
    if (!requireStaff(request, reply)) return reply;
    return ownPage(request, reply);
  });

  app.post(ownUrl, async (request, reply) => {
    const user = requireStaff(request, reply);
    if (!user) return reply;
    const errors: FormErrors = {};
    const t = adminTranslator(request.language);
    if (!(await verifyPassword(formField(request.body, 'old_password'), user.row.password)).ok) {
      errors.old_password = [t('password.wrongOld')];
    }
    const identity = { username: user.username, email: user.email };
    const password = checkNewPassword(
      request.body,
      CHANGE_PASSWORD_NAMES,
      identity,
      errors,
      request.language,
    );
    if (password === null || Object.keys(errors).length > 0) return ownPage(request, reply, errors);
    await setPassword(environment.db, environment.stores.sessions, secret, user.id, password, request);
    request.messages.success(t('password.changedOwn'));
    return reply.redirect(basePath, 303);
  });

  const setUrl = `${basePath}:app/:model/:id/password/`;

  async function setContext(request: FastifyRequest, reply: FastifyReply) {
    const context = await modelRequest(environment, request, reply);
    if (!context) return null;
    const { model } = context;
    // Only the user table stores passwords that log in; other models have no such page.
    if (!model.passwordField || model.table !== users) throw new NotFoundError('no password on this model');
    demand(context.permissions, 'change', `${model.app}.${model.model}`);
    const row = await loadObject(environment.db, model, (request.params as { id: string }).id);
    return { ...context, row };
  }

  const setPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    context: NonNullable<Awaited<ReturnType<typeof setContext>>>,
    errors?: FormErrors,
  ) => {
    const { t } = context;
    const name = context.model.describe(context.row);
    const objectUrl = `${context.model.url}${encodeURIComponent(objectIdOf(context.model, context.row))}/`;
    return sendAdminPage(
      environment,
      request,
      reply,
      {
        title: t('password.setTitle', { name }),
        status: errors ? 400 : 200,
        breadcrumbs: [
          ...modelCrumbs(context.model, basePath),
          { label: name, url: `${objectUrl}change/` },
          { label: t('password.setCrumb') },
        ],
      },
      [
        <h1>{t('password.setTitle', { name })}</h1>,
        <p>{t('password.setIntro', { name })}</p>,
        <PostForm action={`${objectUrl}password/`} csrfToken={request.csrfToken()} errors={errors}>
          <NewPasswordFields names={CHANGE_PASSWORD_NAMES} errors={errors} language={request.language} />
          <button type="submit" class="AdminButton AdminButton--primary">
            {t('password.setCrumb')}
          </button>
        </PostForm>,
      ],
    );
  };

  app.get(setUrl, async (request, reply) => {
    const context = await setContext(request, reply);
    if (!context) return reply;
    return setPage(request, reply, context);
  });

  app.post(setUrl, async (request, reply) => {
    const context = await setContext(request, reply);
    if (!context) return reply;
    const row = context.row as typeof users.$inferSelect;
    const errors: FormErrors = {};
    const identity = { username: row.username, email: row.email };
    const password = checkNewPassword(
      request.body,
      CHANGE_PASSWORD_NAMES,
      identity,
      errors,
      request.language,
    );
    if (password === null) return setPage(request, reply, context, errors);
    await setPassword(environment.db, environment.stores.sessions, secret, row.id, password, request);
    await logActions(environment.db, [
      {
        user: context.user,
        app: context.model.app,
        model: context.model.model,
        objectId: String(row.id),
        objectRepr: context.model.describe(row),
        action: 'change',
        changes: { passwordChanged: true },
      },
    ]);
    request.messages.success(context.t('password.setDone'));
    return reply.redirect(`${context.model.url}${row.id}/change/`, 303);
  });
}
