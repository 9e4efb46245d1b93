/**
 * Add, change and view pages of one object (Django's changeform_view): a form generated from the
 * columns, many-to-many selects, inline child rows and file uploads; saved in one transaction with a
 * log row; stale edits refused. Users with only the view permission get the same page read-only.
 */

import { eq, is, SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { atomic } from '../../../db/transaction.js';
import { FileTypeError, InvalidImageError } from '../../../errors.js';
import type { FormErrors } from '../../../web/forms.js';
import type { AuthenticatedUser } from '../../auth/current-user.js';
import { NewPasswordFields } from '../../auth/new-password.js';
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
import type { AdminField } from '../fields.js';
import { formErrorsFromDatabaseError } from '../form/database-errors.js';
import { displayValue, formatFieldValue } from '../form/values.js';
import { FieldErrors, FieldWidget } from '../form/widgets.js';
import { loadObject, objectIdOf, type Row } from '../objects.js';
import { ADD_PASSWORD_NAMES, passwordFromForm } from '../passwords.js';
import { type Choice, choicesOf, labelsOf, MULTI_SELECT_LIMIT, SELECT_LIMIT } from '../relations.js';
import { StaleVersion, saveObject, versionOf } from '../save.js';
import type { ModelAdmin, ResolvedInline } from '../site.js';
import {
  editableFields,
  inlinePrefix,
  postedValue,
  readonlyFieldsFor,
  readSubmission,
  type Submission,
  uploadKindsFor,
} from '../submission.js';
import { type AdminEnvironment, capitalise, modelCrumbs, modelRequest, sendAdminPage } from './shared.js';

type Mode = 'add' | 'change' | 'view';

type ForeignKeyChoices =
  | { mode: 'select'; options: Choice[] }
  | { mode: 'autocomplete'; url: string; selectedLabel: string };

interface InlineRowView {
  id: string | null;
  raw: Record<string, string>;
  delete: boolean;
}

/** Everything the form page shows; built from the database (GET) or from the posted form (POST). */
interface FormState {
  raw: Record<string, string>;
  errors: FormErrors;
  version: string;
  manyToMany: Map<string, string[]>;
  inlines: Map<ResolvedInline, InlineRowView[]>;
}

/** Raised inside the save to stop it when an upload is refused (its stored files are then deleted). */
class FormRejected extends Error {}

const timeZoneOf = (environment: AdminEnvironment) => ({ timeZone: environment.settings.timeZone });

function formatRow(
  environment: AdminEnvironment,
  fields: readonly AdminField[],
  row: Row,
): Record<string, string> {
  return Object.fromEntries(
    fields.map((field) => [field.key, formatFieldValue(field, row[field.key], timeZoneOf(environment))]),
  );
}

/** Initial values of an add form: the columns' own defaults (SQL ones such as now() stay empty). */
function defaultsOf(environment: AdminEnvironment, fields: readonly AdminField[]): Record<string, string> {
  return Object.fromEntries(
    fields.map((field) => {
      const value = field.column.default;
      const known = value !== undefined && !is(value, SQL);
      return [field.key, known ? formatFieldValue(field, value, timeZoneOf(environment)) : ''];
    }),
  );
}

async function stateFromDatabase(
  environment: AdminEnvironment,
  model: ModelAdmin,
  row: Row | null,
): Promise<FormState> {
  const manyToMany = new Map<string, string[]>();
  const inlines = new Map<ResolvedInline, InlineRowView[]>();
  if (row) {
    const id = row[model.primaryKey.key];
    for (const relation of model.manyToMany) {
      const { through, sourceColumn, targetColumn } = relation.options;
      const links = (await environment.db
        .select({ id: targetColumn })
        .from(through)
        .where(eq(sourceColumn, id as never))) as { id: unknown }[];
      manyToMany.set(
        relation.options.name,
        links.map((link) => String(link.id)),
      );
    }
    for (const inline of model.inlines) {
      const children = (await environment.db
        .select()
        .from(inline.table as PgTable)
        .where(eq(inline.foreignKey.column, id as never))
        .orderBy(...inline.ordering.map((key) => key.field.column))) as Row[];
      inlines.set(
        inline,
        children.map((child) => ({
          id: String(child[inline.primaryKey.key]),
          raw: formatRow(environment, inline.formFields, child),
          delete: false,
        })),
      );
    }
  }
  return {
    raw: row ? formatRow(environment, model.fields, row) : defaultsOf(environment, model.fields),
    errors: {},
    version: row ? versionOf(model, row) : '',
    manyToMany,
    inlines,
  };
}

function stateFromSubmission(submission: Submission, version: string): FormState {
  const inlines = new Map<ResolvedInline, InlineRowView[]>();
  for (const [inline, rows] of submission.inlines) {
    inlines.set(
      inline,
      rows.map((row) => ({ id: row.id, raw: row.raw, delete: row.delete })),
    );
  }
  return {
    raw: submission.raw,
    errors: submission.errors,
    version,
    manyToMany: submission.manyToMany,
    inlines,
  };
}

/** The choices of every foreign key in the form: a select for small tables, a search box otherwise. */
async function foreignKeyChoices(
  environment: AdminEnvironment,
  model: ModelAdmin,
  fields: readonly AdminField[],
  raw: Record<string, string>,
): Promise<Map<string, ForeignKeyChoices>> {
  const result = new Map<string, ForeignKeyChoices>();
  const forced = new Set<string>(model.options.autocompleteFields ?? []);
  for (const field of fields) {
    if (field.kind !== 'foreignKey' || !field.references) continue;
    const target = field.references.table;
    const small = forced.has(field.key)
      ? null
      : await choicesOf(environment.db, environment.site, target, SELECT_LIMIT);
    if (small && !small.more) {
      result.set(field.key, { mode: 'select', options: small.choices });
      continue;
    }
    const selected = raw[field.key] ?? '';
    const labels = /^\d{1,15}$/.test(selected)
      ? await labelsOf(environment.db, environment.site, target, [Number(selected)])
      : new Map<string, string>();
    const query = new URLSearchParams({ app: model.app, model: model.model, field: field.key });
    result.set(field.key, {
      mode: 'autocomplete',
      url: `${environment.site.basePath}autocomplete/?${query}`,
      selectedLabel: labels.get(selected) ?? '',
    });
  }
  return result;
}

function fileValueOf(request: FastifyRequest, field: AdminField, row: Row | null) {
  const stored = row?.[field.key] as StoredFile | null | undefined;
  if (!stored) return null;
  return {
    name: stored.originalName || stored.name,
    url: request.server.media.url(stored.name),
    isImage: field.kind === 'image',
  };
}

interface PageData {
  model: ModelAdmin;
  mode: Mode;
  row: Row | null;
  state: FormState;
  permissions: ModelPermissions;
  fkChoices: Map<string, ForeignKeyChoices>;
  m2mChoices: Map<string, { choices: Choice[]; more: boolean }>;
  inlineFkChoices: Map<ResolvedInline, Map<string, ForeignKeyChoices>>;
  /** The user's permissions on each inline's model (Django's per-inline permissions). */
  inlinePermissions: Map<ResolvedInline, ModelPermissions>;
  csrfToken: string;
  request: FastifyRequest;
  environment: AdminEnvironment;
}

function FormErrorsList({ errors, hasFieldErrors }: { errors: string[]; hasFieldErrors: boolean }) {
  if (errors.length === 0 && !hasFieldErrors) return null;
  return (
    <div class="AdminFormErrors" role="alert">
      <p>
        {errors.length + (hasFieldErrors ? 1 : 0) > 1
          ? 'Please correct the errors below.'
          : 'Please correct the error below.'}
      </p>
      <ul>
        {errors.map((error) => (
          <li>{error}</li>
        ))}
      </ul>
    </div>
  );
}

function Widget({
  data,
  field,
  name,
  raw,
  errors,
  readonly,
  choices,
}: {
  data: PageData;
  field: AdminField;
  name?: string;
  raw: Record<string, string>;
  errors?: string[];
  readonly: boolean;
  choices?: ForeignKeyChoices;
}) {
  const { model, row, environment, request } = data;
  const isModelField = name === undefined;
  const prepopulate = isModelField
    ? ((model.options.prepopulatedFields as Record<string, readonly string[]> | undefined)?.[field.key] ??
      undefined)
    : undefined;
  const help = isModelField
    ? (model.options.help as Record<string, string> | undefined)?.[field.key]
    : undefined;
  if (isModelField && field === model.passwordField) return <PasswordWidget data={data} />;
  if (readonly && isModelField && row) {
    return (
      <FieldWidget
        field={field}
        value={displayValue(field, row[field.key], timeZoneOf(environment))}
        readonly
        help={help}
      />
    );
  }
  return (
    <FieldWidget
      field={field}
      name={name}
      value={raw[field.key] ?? ''}
      errors={errors}
      help={help}
      readonly={readonly}
      timeZone={environment.settings.timeZone}
      foreignKeyChoices={choices}
      prepopulateFrom={prepopulate ? [...prepopulate] : undefined}
      fileValue={
        isModelField && (field.kind === 'file' || field.kind === 'image')
          ? fileValueOf(request, field, row)
          : undefined
      }
    />
  );
}

/** The password column: two inputs on the add form, a link to the set-password page afterwards. */
function PasswordWidget({ data }: { data: PageData }) {
  const { model, row, mode, state } = data;
  if (!row) {
    return (
      <NewPasswordFields
        names={ADD_PASSWORD_NAMES}
        errors={state.errors}
        labels={['Password', 'Password confirmation']}
      />
    );
  }
  return (
    <div class="AdminField AdminField--password">
      <span class="AdminField-label">Password</span>
      <div class="AdminField-readonly">
        Raw passwords are not stored, so there is no way to see this user’s password.
        {mode === 'change' && (
          <>
            {' '}
            <a href={`${model.url}${encodeURIComponent(objectIdOf(model, row))}/password/`}>
              Set a new password
            </a>
            .
          </>
        )}
      </div>
    </div>
  );
}

function ManyToManyField({ data, name, label }: { data: PageData; name: string; label: string }) {
  const options = data.m2mChoices.get(name) ?? { choices: [], more: false };
  const selected = new Set(data.state.manyToMany.get(name) ?? []);
  const errors = data.state.errors[name] ?? [];
  const readonly = data.mode === 'view';
  const id = `id_${name}`;
  if (readonly) {
    const names = options.choices
      .filter((choice) => selected.has(choice.value))
      .map((choice) => choice.label);
    return (
      <div class="AdminField AdminField--manyToMany">
        <span class="AdminField-label">{label}</span>
        <div class="AdminField-readonly">{names.join(', ') || '-'}</div>
      </div>
    );
  }
  return (
    <div
      class={
        errors.length
          ? 'AdminField AdminField--manyToMany AdminField--invalid'
          : 'AdminField AdminField--manyToMany'
      }
    >
      <label for={id}>{label}</label>
      <select
        id={id}
        name={name}
        multiple
        size={Math.min(8, Math.max(3, options.choices.length))}
        data-filterable
        aria-invalid={errors.length > 0 ? 'true' : undefined}
        aria-describedby={errors.length > 0 ? `${id}_errors ${id}_help` : `${id}_help`}
      >
        {options.choices.map((choice) => (
          <option value={choice.value} selected={selected.has(choice.value)}>
            {choice.label}
          </option>
        ))}
      </select>
      <p class="AdminField-help" id={`${id}_help`}>
        Hold Ctrl (⌘ on a Mac) to select more than one.
        {options.more && ` Only the first ${MULTI_SELECT_LIMIT} are listed.`}
      </p>
      <FieldErrors id={id} errors={errors} />
    </div>
  );
}

function InlineSection({ data, inline }: { data: PageData; inline: ResolvedInline }) {
  // Like Django: any permission on the inline's model shows it; existing rows need view (or change),
  // and rows the user may not change are shown without inputs, so they are never posted.
  const permissions = data.inlinePermissions.get(inline) ?? NO_PERMISSIONS;
  if (!Object.values(permissions).some(Boolean)) return null;
  const prefix = inlinePrefix(inline);
  const readonly = data.mode === 'view' || !permissions.change;
  const existing = permissions.view ? (data.state.inlines.get(inline) ?? []) : [];
  const extra = data.mode === 'view' || !permissions.add ? 0 : Math.max(0, inline.options.extra ?? 1);
  const limit = inline.options.maxNum ?? Number.POSITIVE_INFINITY;
  const blanks = Math.max(0, Math.min(extra, limit - existing.length));
  const rows: InlineRowView[] = [
    ...existing,
    ...Array.from({ length: blanks }, () => ({ id: null, raw: {}, delete: false })),
  ];
  const style = inline.options.style ?? 'tabular';
  const choices = data.inlineFkChoices.get(inline) ?? new Map();
  return (
    <section class={`AdminInline AdminInline--${style}`} aria-labelledby={`${prefix}-heading`}>
      <h2 id={`${prefix}-heading`}>{inline.label}</h2>
      <input type="hidden" name={`${prefix}-TOTAL`} value={String(rows.length)} />
      {rows.length === 0 && <p>None.</p>}
      {rows.map((row, index) => (
        <fieldset class="AdminInline-row">
          <legend>
            {row.id
              ? `${inline.label.replace(/s$/, '')} #${index + 1}`
              : `New ${inline.label.replace(/s$/, '').toLowerCase()}`}
          </legend>
          {row.id && !readonly && <input type="hidden" name={`${prefix}-${index}-id`} value={row.id} />}
          {inline.formFields.map((field) => (
            <Widget
              data={data}
              field={field}
              name={`${prefix}-${index}-${field.key}`}
              raw={row.raw}
              errors={data.state.errors[`${prefix}-${index}-${field.key}`]}
              readonly={readonly && row.id !== null}
              choices={choices.get(field.key)}
            />
          ))}
          {row.id && data.mode !== 'view' && permissions.delete && (
            <label class="AdminInline-delete">
              <input type="checkbox" name={`${prefix}-${index}-DELETE`} checked={row.delete} /> Delete
            </label>
          )}
        </fieldset>
      ))}
    </section>
  );
}

function ChangeForm(data: PageData) {
  const { model, mode, row, state, permissions, csrfToken } = data;
  const readonly = mode === 'view';
  const readonlyFields = readonlyFieldsFor(model, data.request.user);
  const objectUrl = row ? `${model.url}${encodeURIComponent(objectIdOf(model, row))}/` : null;
  const action = mode === 'add' ? `${model.url}add/` : `${objectUrl}change/`;
  const fieldErrors = Object.entries(state.errors).filter(([name]) => name !== '__all__');
  const body = (
    <>
      {model.fieldsets.map((set) => {
        const content = (
          <>
            {set.description && <p class="AdminFieldset-description">{set.description}</p>}
            {set.fields.map((field) => (
              <Widget
                data={data}
                field={field}
                raw={state.raw}
                errors={state.errors[field.key]}
                readonly={readonly || readonlyFields.has(field.key)}
                choices={data.fkChoices.get(field.key)}
              />
            ))}
          </>
        );
        const hasErrors = set.fields.some((field) => state.errors[field.key]?.length);
        return set.collapsed ? (
          <details class="AdminFieldset AdminFieldset--collapsed" open={hasErrors}>
            <summary>{set.title ?? 'More'}</summary>
            {content}
          </details>
        ) : (
          <fieldset class="AdminFieldset">
            {set.title && <legend>{set.title}</legend>}
            {content}
          </fieldset>
        );
      })}
      {model.manyToMany.length > 0 && (
        <fieldset class="AdminFieldset">
          {model.manyToMany.map((relation) => (
            <ManyToManyField data={data} name={relation.options.name} label={relation.label} />
          ))}
        </fieldset>
      )}
      {model.inlines.map((inline) => (
        <InlineSection data={data} inline={inline} />
      ))}
    </>
  );
  if (readonly) return <div class="AdminForm AdminForm--readonly">{body}</div>;
  return (
    <form method="post" action={action} enctype="multipart/form-data" class="AdminForm" novalidate>
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="_version" value={state.version} />
      <FormErrorsList errors={state.errors.__all__ ?? []} hasFieldErrors={fieldErrors.length > 0} />
      {body}
      <div class="AdminSubmitRow">
        <button type="submit" name="_save" value="1" class="AdminButton AdminButton--primary">
          Save
        </button>
        {permissions.add && (
          <button type="submit" name="_addanother" value="1" class="AdminButton">
            Save and add another
          </button>
        )}
        <button type="submit" name="_continue" value="1" class="AdminButton">
          Save and continue editing
        </button>
        {mode === 'change' && permissions.delete && (
          <a class="AdminButton AdminButton--danger" href={`${objectUrl}delete/`}>
            Delete
          </a>
        )}
      </div>
    </form>
  );
}

/** Each inline's permissions: those of its own model, or the parent's when it names none. */
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
    model: ModelAdmin;
    mode: Mode;
    row: Row | null;
    state: FormState;
    permissions: ModelPermissions;
    user: AuthenticatedUser;
  },
  status = 200,
): Promise<FastifyReply> {
  const { model, mode, row, state } = input;
  const inlinePermissions = await inlinePermissionsOf(input.user, model, input.permissions);
  const fields = model.fieldsets.flatMap((set) => set.fields);
  const fkChoices = await foreignKeyChoices(environment, model, fields, state.raw);
  const m2mChoices = new Map<string, { choices: Choice[]; more: boolean }>();
  for (const relation of model.manyToMany) {
    m2mChoices.set(
      relation.options.name,
      await choicesOf(environment.db, environment.site, relation.target, MULTI_SELECT_LIMIT),
    );
  }
  const inlineFkChoices = new Map<ResolvedInline, Map<string, ForeignKeyChoices>>();
  for (const inline of model.inlines) {
    inlineFkChoices.set(inline, await foreignKeyChoices(environment, model, inline.formFields, {}));
  }
  const name = row ? model.describe(row) : '';
  const verb = mode === 'add' ? 'Add' : mode === 'change' ? 'Change' : 'View';
  const title = `${verb} ${model.verboseName}`;
  const objectUrl = row ? `${model.url}${encodeURIComponent(objectIdOf(model, row))}/` : null;
  const siteUrl = row && model.options.viewOnSite ? model.options.viewOnSite(row as never) : null;
  return sendAdminPage(
    environment,
    request,
    reply,
    {
      title: row ? `${name} | ${title}` : title,
      kind: 'AdminPage--form',
      status,
      breadcrumbs: [...modelCrumbs(model, environment.site.basePath), { label: row ? name : title }],
    },
    [
      <h1>{title}</h1>,
      row ? <h2 class="AdminObjectName">{name}</h2> : null,
      objectUrl ? (
        <ul class="AdminObjectTools">
          <li>
            <a href={`${objectUrl}history/`}>History</a>
          </li>
          {siteUrl && (
            <li>
              <a href={siteUrl}>View on site</a>
            </li>
          )}
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
): Promise<Record<string, StoredFile | null>> {
  const media = request.server.media;
  const files: Record<string, StoredFile | null> = {};
  for (const field of editableFields(model, readonlyFields)) {
    if (field.kind !== 'file' && field.kind !== 'image') continue;
    const upload = uploads[field.key];
    const refusal = refused[field.key];
    if (refusal) {
      submission.errors[field.key] = [refusal.message];
    } else if (upload) {
      try {
        files[field.key] = track(
          field.kind === 'image' ? await saveImage(media, upload) : await saveFile(media, upload),
        );
      } catch (error) {
        if (!(error instanceof FileTypeError || error instanceof InvalidImageError)) throw error;
        submission.errors[field.key] = [error.message];
      }
    } else if (submission.cleared.has(field.key)) {
      if (field.notNull) submission.errors[field.key] = ['This field is required.'];
      else files[field.key] = null;
    } else if (field.notNull && !existing?.[field.key]) {
      submission.errors[field.key] = ['This field is required.'];
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
  const { model, permissions, user } = context;
  demand(permissions, mode, `${model.app}.${model.model}`);
  const idText = mode === 'change' ? (request.params as { id: string }).id : null;
  const existing = idText === null ? null : await loadObject(environment.db, model, idText);
  const form = await receiveForm(request, { collectRefusals: true, acceptFor: uploadKindsFor(model) });
  const readonlyFields = readonlyFieldsFor(model, user);
  const submission = readSubmission(model, form.fields, environment.settings.timeZone, readonlyFields);
  demandInlinePermissions(submission, await inlinePermissionsOf(user, model, permissions));
  if (mode === 'add' && model.passwordField) {
    const identity = {
      username: String(submission.values.username ?? ''),
      email: String(submission.values.email ?? ''),
    };
    const hash = await passwordFromForm(form.fields, identity, submission.errors);
    if (hash) submission.values[model.passwordField.key] = hash;
  }
  if (Object.keys(submission.errors).length === 0 && model.options.validate) {
    mergeErrors(
      submission.errors,
      await model.options.validate(submission.values as never, existing as never),
    );
  }
  const again = (status: number, version = submission.version) =>
    renderForm(
      environment,
      request,
      reply,
      { model, mode, row: existing, state: stateFromSubmission(submission, version), permissions, user },
      status,
    );
  if (Object.keys(submission.errors).length > 0) return again(400);

  let saved: Awaited<ReturnType<typeof saveObject>>;
  try {
    saved = await withStoredFiles(request.server.media, async (track) => {
      const files = await storeUploads(request, model, submission, form, existing, track, readonlyFields);
      if (Object.keys(submission.errors).length > 0) throw new FormRejected();
      return atomic(environment.db, (tx) => saveObject(tx, model, submission, files, idText, user));
    });
  } catch (error) {
    if (error instanceof FormRejected) return again(400);
    if (error instanceof StaleVersion) {
      submission.errors.__all__ = [
        'Someone else changed this object after you opened it, so your changes were not saved. ' +
          'The form still shows your values: check the current version (open it in a new tab), then save again to overwrite it.',
      ];
      return again(409, versionOf(model, error.current));
    }
    // Inline rows' violations name no row, so they land on the whole form.
    const databaseErrors = formErrorsFromDatabaseError(error, model.fields, undefined, {
      verboseName: capitalise(model.verboseName),
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
  // Django sends a user who may not see the change list to the index instead.
  const listUrl = permissions.view ? model.url : environment.site.basePath;
  return afterSave(request, reply, model, saved.row, mode, pressedButton(form.fields), listUrl);
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
  model: ModelAdmin,
  row: Row,
  mode: 'add' | 'change',
  button: SaveButton,
  listUrl: string,
) {
  const name = `The ${model.verboseName} “${model.describe(row)}”`;
  const objectUrl = `${model.url}${encodeURIComponent(objectIdOf(model, row))}/change/`;
  if (button === '_continue') {
    request.messages.success(
      `${name} was ${mode === 'add' ? 'added' : 'changed'} successfully. You may edit it again below.`,
    );
    return reply.redirect(objectUrl, 303);
  }
  if (button === '_addanother') {
    request.messages.success(
      `${name} was ${mode === 'add' ? 'added' : 'changed'} successfully. You may add another ${model.verboseName} below.`,
    );
    return reply.redirect(`${model.url}add/`, 303);
  }
  request.messages.success(`${name} was ${mode === 'add' ? 'added' : 'changed'} successfully.`);
  return reply.redirect(listUrl, 303);
}

export function registerChangeFormViews(app: FastifyInstance, environment: AdminEnvironment): void {
  const { basePath } = environment.site;

  app.get(`${basePath}:app/:model/add/`, async (request, reply) => {
    const context = await modelRequest(environment, request, reply);
    if (!context) return reply;
    demand(context.permissions, 'add', `${context.model.app}.${context.model.model}`);
    const state = await stateFromDatabase(environment, context.model, null);
    return renderForm(environment, request, reply, { ...context, mode: 'add', row: null, state });
  });

  app.get(`${basePath}:app/:model/:id/change/`, async (request, reply) => {
    const context = await modelRequest(environment, request, reply);
    if (!context) return reply;
    demand(context.permissions, 'view', `${context.model.app}.${context.model.model}`);
    const row = await loadObject(environment.db, context.model, (request.params as { id: string }).id);
    const state = await stateFromDatabase(environment, context.model, row);
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
