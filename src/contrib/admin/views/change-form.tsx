import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { atomic } from '../../../db/transaction.js';
import { localText } from '../../../i18n/messages.js';
import type { FormErrors } from '../../../web/forms.js';
import type { AuthenticatedUser } from '../../auth/current-user.js';
import { refreshPublicPages } from '../../cache/invalidate-pages.js';
import {
  deleteStoredFile,
  type StoredFile,
  saveFile,
  saveImage,
  withStoredFiles,
} from '../../media/fields.js';
import type { FormFields } from '../../media/multipart-form.js';
import { type ReceivedForm, receiveForm } from '../../media/upload.js';
import { demand, type ModelPermissions, NO_PERMISSIONS, permissionsFor } from '../access.js';
import { formErrorsFromDatabaseError } from '../form/database-errors.js';
import type { AdminTranslate } from '../messages.js';
import { loadObject, objectIdOf, type Row } from '../objects.js';
import { passwordFromForm } from '../passwords.js';
import { type Choice, choicesOf, MULTI_SELECT_LIMIT } from '../relations.js';
import { StaleVersion, saveObject, versionOf } from '../save.js';
import type { AdminSite, ModelAdmin, ResolvedInline } from '../site.js';
import {
  editableFields,
  postedValue,
  readonlyFieldsFor,
  readSubmission,
  type Submission,
  uploadKindsFor,
} from '../submission.js';
import { isUploadRefusal, uploadErrorText } from '../upload-errors.js';
import { ChangeForm } from './change-form-page.js';
import {
  type ForeignKeyChoices,
  type FormState,
  foreignKeyChoices,
  type Mode,
  stateFromDatabase,
  stateFromSubmission,
} from './change-form-state.js';
import { type AdminEnvironment, capitalise, modelCrumbs, modelRequest, sendAdminPage } from './shared.js';

class FormRejected extends Error {}
async function inlinePermissionsOf(
  user: AuthenticatedUser,
  model: ModelAdmin,
  parent: ModelPermissions,
): Promise<Map<ResolvedInline, ModelPermissions>> {
  const result = new Map<ResolvedInline, ModelPermissions>();
  for (const inline of model.inlines) {
    result.set(
      inline,
      inline.model === model.model ? parent : await permissionsFor(user, model.app, inline.model),
    );
  }
  return result;
}

/** A posted inline row the user may not add, change or delete is refused (the form never offers one). */
function demandInlinePermissions(
  submission: Submission,
  permissions: Map<ResolvedInline, ModelPermissions>,
): void {
  for (const [inline, rows] of submission.inlines) {
    const allowed = permissions.get(inline) ?? NO_PERMISSIONS;
    for (const row of rows) {
      const action = row.delete ? 'delete' : row.id ? 'change' : 'add';
      demand(allowed, action, `${inline.label} (${inline.model})`);
    }
  }
}

async function renderForm(
  environment: AdminEnvironment,
  request: FastifyRequest,
  reply: FastifyReply,
  input: {
    site: AdminSite;
    model: ModelAdmin;
    t: AdminTranslate;
    timeZone: string;
    mode: Mode;
    row: Row | null;
    state: FormState;
    permissions: ModelPermissions;
    user: AuthenticatedUser;
  },
  status = 200,
): Promise<FastifyReply> {
  const { site, model, mode, row, state, t } = input;
  const inlinePermissions = await inlinePermissionsOf(input.user, model, input.permissions);
  const fields = model.fieldsets.flatMap((set) => set.fields);
  const fkChoices = await foreignKeyChoices(environment, site, model, fields, state.raw);
  const m2mChoices = new Map<string, { choices: Choice[]; more: boolean }>();
  for (const relation of model.manyToMany) {
    m2mChoices.set(
      relation.options.name,
      await choicesOf(environment.db, site, relation.target, MULTI_SELECT_LIMIT),
    );
  }
  const inlineFkChoices = new Map<ResolvedInline, Map<string, ForeignKeyChoices>>();
  for (const inline of model.inlines) {
    inlineFkChoices.set(inline, await foreignKeyChoices(environment, site, model, inline.formFields, {}));
  }
  const name = row ? model.describe(row) : '';
  const title = t(
    mode === 'add' ? 'form.titleAdd' : mode === 'change' ? 'form.titleChange' : 'form.titleView',
    {
      model: model.verboseNameAccusative,
    },
  );
  const objectUrl = row ? `${model.url}${encodeURIComponent(objectIdOf(model, row))}/` : null;
  const siteUrl = row && model.options.viewOnSite ? model.options.viewOnSite(row as never) : null;
  const moreLinks = row && model.options.objectLinks ? model.options.objectLinks(row as never) : [];
  // The read-only view page has no inputs for an editor script to improve.
  const formAssets = mode === 'view' ? undefined : model.options.formAssets;
  return sendAdminPage(
    environment,
    request,
    reply,
    {
      title: row ? `${name} | ${title}` : title,
      kind: 'AdminPage--form',
      status,
      breadcrumbs: [...modelCrumbs(model, site.basePath), { label: row ? name : title }],
      assets: formAssets,
    },
    [
      <h1>{title}</h1>,
      row ? <h2 class="AdminObjectName">{name}</h2> : null,
      objectUrl ? (
        <ul class="AdminObjectTools">
          <li>
            <a href={`${objectUrl}history/`}>{t('form.history')}</a>
          </li>
          {siteUrl && (
            <li>
              <a href={siteUrl}>{t('form.viewOnSite')}</a>
            </li>
          )}
          {moreLinks.map((link) => (
            <li>
              <a href={link.url}>{localText(link.label, request.language)}</a>
            </li>
          ))}
        </ul>
      ) : null,
      <ChangeForm
        {...input}
        fkChoices={fkChoices}
        m2mChoices={m2mChoices}
        inlineFkChoices={inlineFkChoices}
        inlinePermissions={inlinePermissions}
        csrfToken={request.csrfToken()}
        request={request}
        environment={environment}
        formData={formAssets?.data?.({ language: request.language, adminPath: site.basePath })}
      />,
    ],
  );
}

function mergeErrors(target: FormErrors, more: FormErrors): void {
  for (const [name, messages] of Object.entries(more)) target[name] = [...(target[name] ?? []), ...messages];
}

/** Stores the uploads of the form's file fields (or notes them cleared); errors go to the submission. */
async function storeUploads(
  request: FastifyRequest,
  model: ModelAdmin,
  submission: Submission,
  { files: uploads, refused }: ReceivedForm,
  existing: Row | null,
  track: <V extends StoredFile | null | undefined>(value: V) => V,
  readonlyFields: ReadonlySet<string>,
  t: AdminTranslate,
): Promise<Record<string, StoredFile | null>> {
  const media = request.server.media;
  const files: Record<string, StoredFile | null> = {};
  for (const field of editableFields(model, readonlyFields)) {
    if (field.kind !== 'file' && field.kind !== 'image') continue;
    const upload = uploads[field.key];
    const refusal = refused[field.key];
    if (refusal) {
      submission.errors[field.key] = [uploadErrorText(refusal, t, request.language)];
    } else if (upload) {
      try {
        files[field.key] = track(
          field.kind === 'image' ? await saveImage(media, upload) : await saveFile(media, upload),
        );
      } catch (error) {
        if (!isUploadRefusal(error)) throw error;
        submission.errors[field.key] = [uploadErrorText(error, t, request.language)];
      }
    } else if (submission.cleared.has(field.key)) {
      if (field.notNull) submission.errors[field.key] = [t('field.required')];
      else files[field.key] = null;
    } else if (field.notNull && !existing?.[field.key]) {
      submission.errors[field.key] = [t('field.required')];
    }
  }
  return files;
}

async function handleSave(
  environment: AdminEnvironment,
  request: FastifyRequest,
  reply: FastifyReply,
  mode: 'add' | 'change',
): Promise<FastifyReply> {
  const context = await modelRequest(environment, request, reply);
  if (!context) return reply;
  const { model, permissions, user, t } = context;
  demand(permissions, mode, `${model.app}.${model.model}`);
  const idText = mode === 'change' ? (request.params as { id: string }).id : null;
  const existing = idText === null ? null : await loadObject(environment.db, model, idText);
  const form = await receiveForm(request, { collectRefusals: true, acceptFor: uploadKindsFor(model) });
  const readonlyFields = readonlyFieldsFor(model, user);
  const submission = readSubmission(model, form.fields, { timeZone: context.timeZone, t }, readonlyFields);
  demandInlinePermissions(submission, await inlinePermissionsOf(user, model, permissions));
  if (mode === 'add' && model.passwordField) {
    const identity = {
      username: String(submission.values.username ?? ''),
      email: String(submission.values.email ?? ''),
    };
    const hash = await passwordFromForm(form.fields, identity, submission.errors, request.language);
    if (hash) submission.values[model.passwordField.key] = hash;
  }
  if (Object.keys(submission.errors).length === 0 && model.options.validate) {
    mergeErrors(
      submission.errors,
      await model.options.validate(submission.values as never, existing as never, {
        language: request.language,
      }),
    );
  }
  const again = (status: number, version = submission.version) =>
    renderForm(
      environment,
      request,
      reply,
      { ...context, mode, row: existing, state: stateFromSubmission(submission, version) },
      status,
    );
  if (Object.keys(submission.errors).length > 0) return again(400);

  let saved: Awaited<ReturnType<typeof saveObject>>;
  try {
    saved = await withStoredFiles(request.server.media, async (track) => {
      const files = await storeUploads(request, model, submission, form, existing, track, readonlyFields, t);
      if (Object.keys(submission.errors).length > 0) throw new FormRejected();
      return atomic(environment.db, (tx) =>
        saveObject(tx, model, submission, files, idText, user, request.language, environment.stores),
      );
    });
  } catch (error) {
    if (error instanceof FormRejected) return again(400);
    if (error instanceof StaleVersion) {
      submission.errors.__all__ = [t('form.stale')];
      return again(409, versionOf(model, error.current));
    }
    // Inline rows' violations name no row, so they land on the whole form.
    const databaseErrors = formErrorsFromDatabaseError(error, model.fields, undefined, {
      verboseName: capitalise(model.verboseName),
      t,
    });
    if (databaseErrors) {
      mergeErrors(submission.errors, databaseErrors);
      return again(400);
    }
    throw error;
  }
  // Files no row points at any more; after the commit, so a failed save never loses the old file.
  for (const file of saved.replacedFiles) {
    deleteStoredFile(request.server.media, file).catch((error: unknown) =>
      request.log.warn({ err: error, name: file.name }, 'could not delete a replaced upload'),
    );
  }
  await refreshPublicPages(request);
  model.options
    .afterCommit?.(saved.row as never, request.server)
    .catch((error: unknown) =>
      request.log.error({ err: error, model: `${model.app}.${model.model}` }, 'after-commit work failed'),
    );
  // Django sends a user who may not see the change list to the index instead.
  const listUrl = permissions.view ? model.url : context.site.basePath;
  return afterSave(request, reply, context, saved.row, mode, pressedButton(form.fields), listUrl);
}

/** Which submit button was pressed: Save, Save and continue editing, Save and add another. */
type SaveButton = '_save' | '_continue' | '_addanother';

function pressedButton(fields: FormFields): SaveButton {
  if (postedValue(fields, '_continue')) return '_continue';
  if (postedValue(fields, '_addanother')) return '_addanother';
  return '_save';
}

function afterSave(
  request: FastifyRequest,
  reply: FastifyReply,
  { model, t }: { model: ModelAdmin; t: AdminTranslate },
  row: Row,
  mode: 'add' | 'change',
  button: SaveButton,
  listUrl: string,
) {
  const values = { model: model.verboseName, name: model.describe(row) };
  const saved = t(mode === 'add' ? 'form.added' : 'form.changed', values);
  const objectUrl = `${model.url}${encodeURIComponent(objectIdOf(model, row))}/change/`;
  if (button === '_continue') {
    request.messages.success(`${saved} ${t('form.editAgain')}`);
    return reply.redirect(objectUrl, 303);
  }
  if (button === '_addanother') {
    request.messages.success(`${saved} ${t('form.addAnother', values)}`);
    return reply.redirect(`${model.url}add/`, 303);
  }
  request.messages.success(saved);
  return reply.redirect(listUrl, 303);
}

export function registerChangeFormViews(app: FastifyInstance, environment: AdminEnvironment): void {
  const { basePath } = environment.site;

  app.get(`${basePath}:app/:model/add/`, async (request, reply) => {
    const context = await modelRequest(environment, request, reply);
    if (!context) return reply;
    demand(context.permissions, 'add', `${context.model.app}.${context.model.model}`);
    const state = await stateFromDatabase(environment, context.model, null, context.timeZone);
    return renderForm(environment, request, reply, { ...context, mode: 'add', row: null, state });
  });

  app.get(`${basePath}:app/:model/:id/change/`, async (request, reply) => {
    const context = await modelRequest(environment, request, reply);
    if (!context) return reply;
    demand(context.permissions, 'view', `${context.model.app}.${context.model.model}`);
    const row = await loadObject(environment.db, context.model, (request.params as { id: string }).id);
    const state = await stateFromDatabase(environment, context.model, row, context.timeZone);
    const mode: Mode = context.permissions.change ? 'change' : 'view';
    return renderForm(environment, request, reply, { ...context, mode, row, state });
  });

  // Django redirects <pk>/ to <pk>/change/.
  app.get(`${basePath}:app/:model/:id/`, async (request, reply) => {
    const context = await modelRequest(environment, request, reply);
    if (!context) return reply;
    return reply.redirect(
      `${context.model.url}${encodeURIComponent((request.params as { id: string }).id)}/change/`,
      302,
    );
  });

  app.post(`${basePath}:app/:model/add/`, (request, reply) => handleSave(environment, request, reply, 'add'));
  app.post(`${basePath}:app/:model/:id/change/`, (request, reply) =>
    handleSave(environment, request, reply, 'change'),
  );
}
