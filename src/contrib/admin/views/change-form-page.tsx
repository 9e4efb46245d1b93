import type { FastifyRequest } from 'fastify';
import { NewPasswordFields } from '../../auth/new-password.js';
import type { StoredFile } from '../../media/fields.js';
import { type ModelPermissions, NO_PERMISSIONS } from '../access.js';
import type { AdminField } from '../fields.js';
import { displayValue } from '../form/values.js';
import { FieldErrors, FieldWidget } from '../form/widgets.js';
import type { AdminTranslate } from '../messages.js';
import { objectIdOf, type Row } from '../objects.js';
import { ADD_PASSWORD_NAMES } from '../passwords.js';
import { type Choice, MULTI_SELECT_LIMIT } from '../relations.js';
import type { ModelAdmin, ResolvedInline } from '../site.js';
import { inlinePrefix, readonlyFieldsFor } from '../submission.js';
import type { ForeignKeyChoices, FormState, InlineRowView, Mode } from './change-form-state.js';
import { type AdminEnvironment, capitalise } from './shared.js';

function fileValueOf(request: FastifyRequest, field: AdminField, row: Row | null) {
  const stored = row?.[field.key] as StoredFile | null | undefined;
  if (!stored) return null;
  return {
    name: stored.originalName || stored.name,
    url: request.server.media.url(stored.name),
    isImage: field.kind === 'image',
  };
}

export interface PageData {
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
  /** The admin's messages in the page's language. */
  t: AdminTranslate;
  /** The zone times are shown and entered in. */
  timeZone: string;
  /** `data-*` attributes for the form's scripts (the model's form assets). */
  formData?: Record<string, string>;
}

const DATA_KEY = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * The model's form-asset data as `data-<key>` attributes; the values are escaped like any attribute.
 * A key that is not a plain lower-case name is a mistake in the registration, so it fails loudly.
 */
function dataAttributes(data: Record<string, string> | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(data ?? {})) {
    if (!DATA_KEY.test(key))
      throw new Error(`formAssets.data: "${key}" is not a lower-case, hyphenated name`);
    attributes[`data-${key}`] = value;
  }
  return attributes;
}

function FormErrorsList({
  errors,
  hasFieldErrors,
  t,
}: {
  errors: string[];
  hasFieldErrors: boolean;
  t: AdminTranslate;
}) {
  if (errors.length === 0 && !hasFieldErrors) return null;
  return (
    <div class="AdminFormErrors" role="alert">
      <p>{t('form.correctErrors', { count: errors.length + (hasFieldErrors ? 1 : 0) })}</p>
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
  const { model, row, request, t } = data;
  const isModelField = name === undefined;
  const prepopulate = isModelField
    ? ((model.options.prepopulatedFields as Record<string, readonly string[]> | undefined)?.[field.key] ??
      undefined)
    : undefined;
  const help = isModelField ? model.help.get(field.key) : undefined;
  if (isModelField && field === model.passwordField) return <PasswordWidget data={data} />;
  if (readonly && isModelField && row) {
    return (
      <FieldWidget
        field={field}
        value={displayValue(field, row[field.key], { timeZone: data.timeZone, t })}
        readonly
        help={help}
        t={t}
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
      timeZone={data.timeZone}
      t={t}
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
  const { model, row, mode, state, t } = data;
  if (!row) {
    return (
      <NewPasswordFields
        names={ADD_PASSWORD_NAMES}
        errors={state.errors}
        language={data.request.language}
        labels={[t('password.label'), t('password.confirmation')]}
      />
    );
  }
  return (
    <div class="AdminField AdminField--password">
      <span class="AdminField-label">{t('password.label')}</span>
      <div class="AdminField-readonly">
        {t('password.notStored')}
        {mode === 'change' && (
          <>
            {' '}
            <a href={`${model.url}${encodeURIComponent(objectIdOf(model, row))}/password/`}>
              {t('password.setNew')}
            </a>
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
        {data.t('manyToMany.help')}
        {options.more && ` ${data.t('manyToMany.more', { limit: MULTI_SELECT_LIMIT })}`}
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
  const { t } = data;
  return (
    <section class={`AdminInline AdminInline--${style}`} aria-labelledby={`${prefix}-heading`}>
      <h2 id={`${prefix}-heading`}>{inline.label}</h2>
      <input type="hidden" name={`${prefix}-TOTAL`} value={String(rows.length)} />
      {rows.length === 0 && <p>{t('inline.none')}</p>}
      {rows.map((row, index) => (
        <fieldset class="AdminInline-row">
          <legend>
            {row.id
              ? t('inline.row', { name: capitalise(inline.verboseName), number: index + 1 })
              : t('inline.new', { name: inline.verboseName })}
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
              <input type="checkbox" name={`${prefix}-${index}-DELETE`} checked={row.delete} />{' '}
              {t('inline.delete')}
            </label>
          )}
        </fieldset>
      ))}
    </section>
  );
}

export function ChangeForm(data: PageData) {
  const { model, mode, row, state, permissions, csrfToken, t } = data;
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
            <summary>{set.title ?? t('form.more')}</summary>
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
    <form
      method="post"
      action={action}
      enctype="multipart/form-data"
      class="AdminForm"
      novalidate
      {...dataAttributes(data.formData)}
    >
      <input type="hidden" name="_csrf" value={csrfToken} />
      <input type="hidden" name="_version" value={state.version} />
      <FormErrorsList errors={state.errors.__all__ ?? []} hasFieldErrors={fieldErrors.length > 0} t={t} />
      {body}
      <div class="AdminSubmitRow">
        <button type="submit" name="_save" value="1" class="AdminButton AdminButton--primary">
          {t('form.save')}
        </button>
        {permissions.add && (
          <button type="submit" name="_addanother" value="1" class="AdminButton">
            {t('form.saveAndAdd')}
          </button>
        )}
        <button type="submit" name="_continue" value="1" class="AdminButton">
          {t('form.saveAndContinue')}
        </button>
        {mode === 'change' && permissions.delete && (
          <a class="AdminButton AdminButton--danger" href={`${objectUrl}delete/`}>
            {t('form.delete')}
          </a>
        )}
      </div>
    </form>
  );
}

/** Each inline's permissions: those of its own model, or the parent's when it names none. */
