/**
 * Constraint violations raised by an INSERT/UPDATE, turned into form errors (what Django's model
 * validation reports before saving) instead of a 500: the database is the one place a unique slug or a
 * CHECK is enforced for sure, even when two saves race. Errors the form cannot explain stay errors:
 * the function returns null and the caller rethrows.
 *
 * Both drivers raise the server's error fields (`code`, `constraint`, `column`, `table`, `detail`):
 * node-postgres's DatabaseError and PGlite's. Drizzle 0.45 wraps either in a DrizzleQueryError whose
 * `cause` is the driver's error, so the `.cause` chain is searched.
 */
import { Column, getTableName, is } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import type { FormErrors } from '../../../web/forms.js';
import type { AdminField } from '../fields.js';
import { type AdminTranslate, adminTranslator } from '../messages.js';

/** The fields of a PostgreSQL error that say what was violated. */
export interface PostgresErrorFields {
  /** SQLSTATE, e.g. `23505`. */
  code: string;
  message: string;
  detail?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/** A CHECK constraint's form error: a message, and optionally the field it belongs to. */
export type CheckMessage = string | { message?: string; field?: string };

export interface DatabaseErrorOptions {
  /** The model's verbose name, for Django's "Post with this Slug already exists." */
  verboseName?: string;
  /** The admin's messages in the page's language (default English). */
  t?: AdminTranslate;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const MAX_CAUSE_DEPTH = 10;

/**
 * The PostgreSQL error in `error` or its `.cause` chain, or null. A server error has a five-character
 * SQLSTATE and a severity (which tells it from Node's `EPIPE`-style system error codes).
 */
export function postgresErrorOf(error: unknown): PostgresErrorFields | null {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as Record<string, unknown>;
    if (
      typeof candidate.code === 'string' &&
      SQLSTATE.test(candidate.code) &&
      typeof candidate.severity === 'string' &&
      typeof candidate.message === 'string'
    ) {
      const text = (key: string) =>
        typeof candidate[key] === 'string' ? (candidate[key] as string) : undefined;
      return {
        code: candidate.code,
        message: candidate.message,
        detail: text('detail'),
        table: text('table'),
        column: text('column'),
        constraint: text('constraint'),
      };
    }
    current = candidate.cause;
  }
  return null;
}

function tableOf(field: AdminField): PgTable {
  return (field.column as unknown as { table: PgTable }).table;
}

/** The fields of the table the error is about (all of them when it names none). */
function fieldsOfTable(fields: readonly AdminField[], table: string | undefined): AdminField[] {
  if (!table) return [...fields];
  return fields.filter((field) => getTableName(tableOf(field)) === table);
}

function tablesOf(fields: readonly AdminField[]): PgTable[] {
  return [...new Set(fields.map(tableOf))];
}

/** `Key (slug)=(x) already exists.` → `['slug']`; `Key (lower(name))=…` → `['lower(name)']`. */
function keyColumnsOf(detail: string | undefined): string[] {
  const match = /^Key \((.+?)\)=\(/.exec(detail ?? '');
  return match?.[1] ? match[1].split(', ') : [];
}

/** `… from table "blog_post".` → `blog_post`. */
function referencingTableOf(detail: string | undefined): string | undefined {
  return /referenced from table "([^"]+)"/.exec(detail ?? '')?.[1];
}

function bySqlName(fields: readonly AdminField[], name: string | undefined): AdminField | undefined {
  return name === undefined ? undefined : fields.find((field) => field.sqlName === name);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function uniqueErrors(
  error: PostgresErrorFields,
  fields: AdminField[],
  options: DatabaseErrorOptions,
  t: AdminTranslate,
): FormErrors {
  const named = error.constraint
    ? fields.find((field) => field.uniqueConstraints.includes(error.constraint!))
    : undefined;
  const columns = keyColumnsOf(error.detail);
  const keyFields = columns.map((column) => bySqlName(fields, column));
  const single = named ?? (keyFields.length === 1 ? keyFields[0] : undefined);
  const subject = options.verboseName ? capitalize(options.verboseName) : undefined;
  if (single) {
    return {
      [single.key]: [
        subject
          ? t('db.uniqueModel', { model: subject, fields: single.label })
          : t('db.uniqueField', { field: single.label }),
      ],
    };
  }
  const known = keyFields.filter((field): field is AdminField => field !== undefined);
  if (known.length > 1 && known.length === keyFields.length) {
    const labels = known.map((field) => field.label).join(t('db.and'));
    return {
      __all__: [
        subject
          ? t('db.uniqueModel', { model: subject, fields: labels })
          : t('db.uniqueFields', { fields: labels }),
      ],
    };
  }
  return { __all__: [t('db.uniqueOther', { constraint: error.constraint ?? '?' })] };
}

/** The columns a Drizzle-declared CHECK constraint reads, or undefined when none of `tables` declares it. */
function checkColumns(tables: readonly PgTable[], name: string): Set<string> | undefined {
  for (const table of tables) {
    const check = getTableConfig(table).checks.find((candidate) => candidate.name === name);
    if (!check) continue;
    const columns = new Set<string>();
    for (const chunk of check.value.queryChunks) {
      if (is(chunk, Column)) columns.add((chunk as Column).name);
    }
    return columns;
  }
  return undefined;
}

function checkErrors(
  error: PostgresErrorFields,
  fields: AdminField[],
  checks: Record<string, CheckMessage>,
  t: AdminTranslate,
): FormErrors {
  const name = error.constraint;
  if (!name) return { __all__: [t('db.checkUnnamed')] };
  const mapped = checks[name];
  const config = typeof mapped === 'string' ? { message: mapped } : (mapped ?? {});
  const message = config.message ?? t('db.check', { constraint: name });
  let field =
    config.field !== undefined ? fields.find((candidate) => candidate.key === config.field) : undefined;
  if (!field && config.field === undefined) {
    // A check on one column is that field's rule; a check across columns is the form's.
    const columns = checkColumns(tablesOf(fields), name);
    if (columns?.size === 1) field = bySqlName(fields, [...columns][0]);
  }
  return { [field?.key ?? '__all__']: [message] };
}

/** The foreign key field a constraint belongs to: by the constraint's name in the schema, else by the detail. */
function foreignKeyField(error: PostgresErrorFields, fields: AdminField[]): AdminField | undefined {
  const keys = fields.filter((field) => field.kind === 'foreignKey' || field.references);
  if (error.constraint) {
    for (const table of tablesOf(keys)) {
      const foreignKey = getTableConfig(table).foreignKeys.find(
        (candidate) => candidate.getName() === error.constraint,
      );
      const [column] = foreignKey?.reference().columns ?? [];
      const field = bySqlName(keys, column?.name);
      if (field) return field;
    }
  }
  const [column] = keyColumnsOf(error.detail);
  return bySqlName(keys, column);
}

/** The object is still pointed at by rows elsewhere (a restricted delete or key change). */
function referencedErrors(error: PostgresErrorFields, t: AdminTranslate): FormErrors {
  const table = referencingTableOf(error.detail) ?? error.table;
  return { __all__: [table ? t('db.referencedBy', { table }) : t('db.referenced')] };
}

/** Invalid data the parsers should have caught: the database's own words, on the field when it names one. */
const DATA_EXCEPTIONS = {
  '22001': 'db.tooLong',
  '22003': 'db.outOfRange',
  '22P02': 'db.wrongFormat',
  '22007': 'db.invalidDate',
  '22008': 'db.dateOutOfRange',
} as const;

function dataErrors(
  error: PostgresErrorFields,
  fields: AdminField[],
  summary: string,
  t: AdminTranslate,
): FormErrors {
  // The server's own words are English whatever the page's language; a language may leave them out.
  const reason = error.detail ? `${error.message} (${error.detail.replace(/\.$/, '')})` : error.message;
  const field = bySqlName(fields, error.column);
  return { [field?.key ?? '__all__']: [t('db.data', { summary, reason })] };
}

/**
 * Form errors for a constraint violation from saving a row of the tables `fields` belong to, or null
 * when `error` is something else (the caller rethrows it). `checks` maps CHECK constraint names to their
 * message (and optionally the field that shows it); a CHECK on a single column lands on that column's
 * field by itself.
 *
 * Errors are keyed by `field.key`; `__all__` is for the form as a whole.
 */
export function formErrorsFromDatabaseError(
  error: unknown,
  fields: AdminField[],
  checks: Record<string, CheckMessage> = {},
  options: DatabaseErrorOptions = {},
): FormErrors | null {
  const found = postgresErrorOf(error);
  if (!found) return null;
  // An error about another table (an inline's, say) must not land on a same-named field of this one.
  const candidates = fieldsOfTable(fields, found.table);
  const t = options.t ?? adminTranslator('en');
  switch (found.code) {
    case '23505':
      return uniqueErrors(found, candidates, options, t);
    case '23514':
      return checkErrors(found, candidates, checks, t);
    case '23502': {
      const field = bySqlName(candidates, found.column);
      if (field) return { [field.key]: [t('field.required')] };
      return { __all__: [t('db.requiredColumn', { column: found.column ?? '?' })] };
    }
    case '23503': {
      // The same code covers both directions: a missing target, and (before PostgreSQL 17) a row still referenced.
      if (referencingTableOf(found.detail)) return referencedErrors(found, t);
      const field = foreignKeyField(found, candidates);
      return { [field?.key ?? '__all__']: [t('field.invalidForeignKey')] };
    }
    case '23001':
      return referencedErrors(found, t);
    default: {
      const summary = DATA_EXCEPTIONS[found.code as keyof typeof DATA_EXCEPTIONS];
      return summary ? dataErrors(found, candidates, t(summary), t) : null;
    }
  }
}
