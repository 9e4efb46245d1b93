/**
 * Reading a posted change form: each editable field parsed by its column kind, many-to-many ids, and
 * inline child rows (`<prefix>-<n>-<field>`, like Django's formsets). Nothing is written here.
 */
import type { FormErrors } from '../../web/forms.js';
import type { FormFields } from '../media/multipart-form.js';
import { DEFAULT_ACCEPT, type FileKindName, IMAGE_ACCEPT } from '../media/sniff.js';
import { type AdminField, tableNameOf } from './fields.js';
import { parseFieldValue, type ValueOptions } from './form/values.js';
import type { AdminTranslate } from './messages.js';
import type { Row } from './objects.js';
import type { ModelAdmin, ResolvedInline } from './site.js';

/** The posted value of a field as one string (the first when repeated). */
export function postedValue(fields: FormFields, name: string): string | undefined {
  const value = fields[name];
  return Array.isArray(value) ? value[0] : value;
}

/** All posted values of a (multiple) field. */
export function postedValues(fields: FormFields, name: string): string[] {
  const value = fields[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The fields `editor` may not change on this model: the read-only ones, and superuser-only ones for others. */
export function readonlyFieldsFor(model: ModelAdmin, editor: { isSuperuser: boolean }): ReadonlySet<string> {
  if (editor.isSuperuser || model.superuserOnly.size === 0) return model.readonly;
  return new Set([...model.readonly, ...model.superuserOnly]);
}

/** The fields the form takes input for: in the fieldsets and not read-only (files are read by the upload step). */
export function editableFields(
  model: ModelAdmin,
  readonly: ReadonlySet<string> = model.readonly,
): AdminField[] {
  return model.fieldsets.flatMap((set) => set.fields).filter((field) => !readonly.has(field.key));
}

/**
 * The file types the upload named `name` may have: an image field takes images only, a file field the
 * default file types. Used while receiving the form, so a refusal names exactly what the field takes.
 */
export function uploadKindsFor(model: ModelAdmin): (name: string) => readonly FileKindName[] | undefined {
  const kindsOf = (field: AdminField | undefined) =>
    field?.kind === 'image' ? IMAGE_ACCEPT : field?.kind === 'file' ? DEFAULT_ACCEPT : undefined;
  const topLevel = new Map(model.fields.map((field) => [field.key, field]));
  return (name) => {
    const own = topLevel.get(name);
    if (own) return kindsOf(own);
    for (const inline of model.inlines) {
      const prefix = `${inlinePrefix(inline)}-`;
      if (!name.startsWith(prefix)) continue;
      const key = name.slice(prefix.length).replace(/^\d+-/, '');
      return kindsOf(inline.formFields.find((field) => field.key === key));
    }
    return undefined;
  };
}

/** Inline rows post as `<table>-<n>-<field>`, e.g. `blog_post_link-0-title`. */
export function inlinePrefix(inline: ResolvedInline): string {
  return tableNameOf(inline.table);
}

export interface InlineRowSubmission {
  /** The child's id when it exists already. */
  id: string | null;
  index: number;
  delete: boolean;
  values: Row;
  /** Raw posted strings, to show the form again. */
  raw: Record<string, string>;
}

export interface Submission {
  values: Row;
  /** Raw posted strings by field key, to show the form again. */
  raw: Record<string, string>;
  manyToMany: Map<string, string[]>;
  inlines: Map<ResolvedInline, InlineRowSubmission[]>;
  /** Files fields whose "clear" box was ticked. */
  cleared: Set<string>;
  errors: FormErrors;
  /** The `_version` the form was rendered with (change forms). */
  version: string;
}

const MAX_INLINE_ROWS = 1000;

function addError(errors: FormErrors, name: string, message: string): void {
  errors[name] = [...(errors[name] ?? []), message];
}

/** Parses a posted form; `errors` is empty when every field is valid. */
export function readSubmission(
  model: ModelAdmin,
  fields: FormFields,
  options: ValueOptions & { t: AdminTranslate },
  readonly: ReadonlySet<string> = model.readonly,
): Submission {
  const { t } = options;
  const values: Row = {};
  const raw: Record<string, string> = {};
  const errors: FormErrors = {};
  const cleared = new Set<string>();
  for (const field of editableFields(model, readonly)) {
    if (field.kind === 'file' || field.kind === 'image') {
      if (postedValue(fields, `${field.key}-clear`)) cleared.add(field.key);
      continue;
    }
    const posted = postedValue(fields, field.key);
    raw[field.key] = posted ?? '';
    const parsed = parseFieldValue(field, posted, options);
    if (parsed.ok) values[field.key] = parsed.value;
    else addError(errors, field.key, parsed.error);
  }

  const manyToMany = new Map<string, string[]>();
  for (const relation of model.manyToMany) {
    const ids = postedValues(fields, relation.options.name).filter((id) => id !== '');
    if (ids.some((id) => !/^\d{1,15}$/.test(id))) {
      addError(errors, relation.options.name, t('field.invalidChoices'));
    }
    manyToMany.set(relation.options.name, [...new Set(ids)]);
  }

  const inlines = new Map<ResolvedInline, InlineRowSubmission[]>();
  for (const inline of model.inlines) {
    const prefix = inlinePrefix(inline);
    const total = Number(postedValue(fields, `${prefix}-TOTAL`) ?? '0');
    const rows: InlineRowSubmission[] = [];
    const count = Number.isInteger(total) && total >= 0 ? Math.min(total, MAX_INLINE_ROWS) : 0;
    for (let index = 0; index < count; index++) {
      const name = (key: string) => `${prefix}-${index}-${key}`;
      const id = postedValue(fields, name('id')) || null;
      const rowRaw: Record<string, string> = {};
      for (const field of inline.formFields) rowRaw[field.key] = postedValue(fields, name(field.key)) ?? '';
      const remove = Boolean(postedValue(fields, name('DELETE')));
      const untouched = inline.formFields.every((field) => {
        const value = rowRaw[field.key] ?? '';
        return value === '' || (field.kind === 'integer' && value === String(field.column.default ?? ''));
      });
      // An empty extra row is not a new child.
      if (!id && (untouched || remove)) continue;
      const rowValues: Row = {};
      if (!remove) {
        for (const field of inline.formFields) {
          const parsed = parseFieldValue(field, rowRaw[field.key], options);
          if (parsed.ok) rowValues[field.key] = parsed.value;
          else addError(errors, name(field.key), parsed.error);
        }
      }
      rows.push({ id, index, delete: remove, values: rowValues, raw: rowRaw });
    }
    const kept = rows.filter((row) => !row.delete).length;
    if (inline.options.maxNum !== undefined && kept > inline.options.maxNum) {
      addError(
        errors,
        '__all__',
        t('inline.tooMany', { max: inline.options.maxNum, name: inline.label.toLowerCase() }),
      );
    }
    inlines.set(inline, rows);
  }
  return {
    values,
    raw,
    manyToMany,
    inlines,
    cleared,
    errors,
    version: postedValue(fields, '_version') ?? '',
  };
}
