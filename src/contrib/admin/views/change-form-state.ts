/**
 * What the add/change form shows, gathered for the page: the values (from the database on GET, from the
 * posted form after a refused POST), many-to-many selections, inline rows, and the foreign-key choices.
 */
import { eq, is, SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { FormErrors } from '../../../web/forms.js';
import type { AdminField } from '../fields.js';
import { formatFieldValue } from '../form/values.js';
import type { Row } from '../objects.js';
import { type Choice, choicesOf, labelsOf, SELECT_LIMIT } from '../relations.js';
import { versionOf } from '../save.js';
import type { AdminSite, ModelAdmin, ResolvedInline } from '../site.js';
import type { Submission } from '../submission.js';
import type { AdminEnvironment } from './shared.js';

export type Mode = 'add' | 'change' | 'view';

export type ForeignKeyChoices =
  | { mode: 'select'; options: Choice[] }
  | { mode: 'autocomplete'; url: string; selectedLabel: string };

export interface InlineRowView {
  id: string | null;
  raw: Record<string, string>;
  delete: boolean;
}

/** Everything the form page shows; built from the database (GET) or from the posted form (POST). */
export interface FormState {
  raw: Record<string, string>;
  errors: FormErrors;
  version: string;
  manyToMany: Map<string, string[]>;
  inlines: Map<ResolvedInline, InlineRowView[]>;
}

/** Raised inside the save to stop it when an upload is refused (its stored files are then deleted). */

function formatRow(timeZone: string, fields: readonly AdminField[], row: Row): Record<string, string> {
  return Object.fromEntries(
    fields.map((field) => [field.key, formatFieldValue(field, row[field.key], { timeZone })]),
  );
}

/** Initial values of an add form: the columns' own defaults (SQL ones such as now() stay empty). */
function defaultsOf(timeZone: string, fields: readonly AdminField[]): Record<string, string> {
  return Object.fromEntries(
    fields.map((field) => {
      const value = field.column.default;
      const known = value !== undefined && !is(value, SQL);
      return [field.key, known ? formatFieldValue(field, value, { timeZone }) : ''];
    }),
  );
}

export async function stateFromDatabase(
  environment: AdminEnvironment,
  model: ModelAdmin,
  row: Row | null,
  timeZone: string,
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
          raw: formatRow(timeZone, inline.formFields, child),
          delete: false,
        })),
      );
    }
  }
  return {
    raw: row ? formatRow(timeZone, model.fields, row) : defaultsOf(timeZone, model.fields),
    errors: {},
    version: row ? versionOf(model, row) : '',
    manyToMany,
    inlines,
  };
}

export function stateFromSubmission(submission: Submission, version: string): FormState {
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
export async function foreignKeyChoices(
  environment: AdminEnvironment,
  site: AdminSite,
  model: ModelAdmin,
  fields: readonly AdminField[],
  raw: Record<string, string>,
): Promise<Map<string, ForeignKeyChoices>> {
  const result = new Map<string, ForeignKeyChoices>();
  const forced = new Set<string>(model.options.autocompleteFields ?? []);
  for (const field of fields) {
    if (field.kind !== 'foreignKey' || !field.references) continue;
    const target = field.references.table;
    const small = forced.has(field.key) ? null : await choicesOf(environment.db, site, target, SELECT_LIMIT);
    if (small && !small.more) {
      result.set(field.key, { mode: 'select', options: small.choices });
      continue;
    }
    const selected = raw[field.key] ?? '';
    const labels = /^\d{1,15}$/.test(selected)
      ? await labelsOf(environment.db, site, target, [Number(selected)])
      : new Map<string, string>();
    const query = new URLSearchParams({ app: model.app, model: model.model, field: field.key });
    result.set(field.key, {
      mode: 'autocomplete',
      url: `${site.basePath}autocomplete/?${query}`,
      selectedLabel: labels.get(selected) ?? '',
    });
  }
  return result;
}
