/**
 * `preferences/`: a staff user's own admin language and time zone (the user table's `language` and
 * `timeZone`), without needing the permission to change users. The fields are the user admin's, so
 * their labels, choices and checks are the same as on the user form.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FormErrors, PostForm } from '../../../web/forms.js';
import { users } from '../../auth/schema.js';
import { requireStaff } from '../access.js';
import type { AdminField } from '../fields.js';
import { parseFieldValue } from '../form/values.js';
import { FieldWidget } from '../form/widgets.js';
import { adminTranslator } from '../messages.js';
import { type AdminEnvironment, adminTimeZone, sendAdminPage } from './shared.js';

const KEYS = ['language', 'timeZone'] as const;

/** The user admin's `language` and `timeZone` fields in the page's language, or null without a user admin. */
function preferenceFields(environment: AdminEnvironment, language: string): AdminField[] | null {
  const model = environment.site.in(language).forTable(users);
  const fields = KEYS.map((key) => model?.field(key));
  return fields.every((field) => field !== undefined) ? (fields as AdminField[]) : null;
}

export function registerPreferencesView(app: FastifyInstance, environment: AdminEnvironment): void {
  const url = `${environment.site.basePath}preferences/`;

  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    fields: AdminField[],
    values: Record<string, string>,
    errors?: FormErrors,
  ) => {
    const t = adminTranslator(request.language);
    const title = t('preferences.title');
    return sendAdminPage(
      environment,
      request,
      reply,
      { title, breadcrumbs: [{ label: title }], status: errors ? 400 : 200 },
      [
        <h1>{title}</h1>,
        <p>{t('preferences.intro')}</p>,
        <PostForm action={url} csrfToken={request.csrfToken()} errors={errors}>
          {fields.map((field) => (
            <FieldWidget
              field={field}
              value={values[field.key] ?? ''}
              errors={errors?.[field.key]}
              help={environment.site.in(request.language).forTable(users)?.help.get(field.key)}
              t={t}
            />
          ))}
          <button type="submit" class="AdminButton AdminButton--primary">
            {t('form.save')}
          </button>
        </PostForm>,
      ],
    );
  };

  app.get(url, async (request, reply) => {
    const user = requireStaff(request, reply);
    if (!user) return reply;
    const fields = preferenceFields(environment, request.language);
    if (!fields) return reply.callNotFound();
    return page(request, reply, fields, { language: user.row.language, timeZone: user.row.timeZone });
  });

  app.post(url, async (request, reply) => {
    const user = requireStaff(request, reply);
    if (!user) return reply;
    const fields = preferenceFields(environment, request.language);
    if (!fields) return reply.callNotFound();
    const t = adminTranslator(request.language);
    const body = request.body as Record<string, unknown> | undefined;
    const posted: Record<string, string> = {};
    const values: Record<string, string> = {};
    const errors: FormErrors = {};
    for (const field of fields) {
      const raw = typeof body?.[field.key] === 'string' ? (body[field.key] as string) : '';
      posted[field.key] = raw;
      const parsed = parseFieldValue(field, raw, { timeZone: adminTimeZone(environment, request), t });
      if (parsed.ok) values[field.key] = typeof parsed.value === 'string' ? parsed.value : '';
      else errors[field.key] = [parsed.error];
    }
    if (Object.keys(errors).length > 0) return page(request, reply, fields, posted, errors);
    await environment.db.update(users).set(values).where(eq(users.id, user.id));
    // The new language shows from the next page on: say so in it.
    request.messages.success(adminTranslator(values.language || request.language)('preferences.saved'));
    return reply.redirect(url, 303);
  });
}
