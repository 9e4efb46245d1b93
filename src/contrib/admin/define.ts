/**
 * How an app registers a table with the admin (Django's ModelAdmin), explicitly: the app lists
 * `defineAdmin(...)` results in its KeenApp's `admin` field. Nothing is discovered by import side effects.
 *
 * @example
 * export const postAdmin = defineAdmin(posts, {
 *   model: 'post',
 *   listDisplay: ['title', 'status', 'publishedAt'],
 *   searchFields: ['title', 'body'],
 *   listFilter: ['status', 'categoryId', 'publishedAt'],
 *   prepopulatedFields: { slug: ['title'] },
 * });
 */

import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { FastifyInstance } from 'fastify';
import type { Tx } from '../../db/client.js';
import type { LocalText } from '../../i18n/messages.js';
import type { Stores } from '../../stores/index.js';
import type { FormErrors } from '../../web/forms.js';
import type { StaticAsset } from '../staticfiles/asset.js';
import type { AdminEnvironment } from './views/shared.js';

/** A row of the table as Drizzle selects it. */
export type RowOf<T extends PgTable> = T['$inferSelect'];
/** A column's property name. */
export type FieldName<T extends PgTable> = Extract<keyof RowOf<T>, string>;

/** The admin's names of apps and models in one language, for objects that name other models. */
export interface SiteNames {
  language: string;
  /** An app's heading ("Блог"), if it has registered models. */
  app(app: string): string | undefined;
  /** A registered model's name ("запись"). */
  model(app: string, model: string): string | undefined;
}

/** A computed changelist column (Django's `@admin.display` callable). */
export interface ComputedColumn<Row> {
  label: LocalText;
  value: (row: Row) => string | number | boolean | null;
  /** The field a click on the header sorts by. */
  orderBy?: string;
}

export interface Fieldset<Name extends string> {
  title?: LocalText;
  description?: LocalText;
  fields: readonly Name[];
  /** Shown closed (a <details> element); opens by itself when it holds an error. */
  collapsed?: boolean;
}

/** A many-to-many relation through a link table (Django's ManyToManyField). */
export interface ManyToMany {
  /** The form field name, e.g. `tags`. */
  name: string;
  /** Default: the app catalogue's `field.<model>.<name>`. */
  label?: LocalText;
  /** The link table, e.g. `blog_post_tags`. */
  through: PgTable;
  /** Its column pointing at this table's row. */
  sourceColumn: PgColumn;
  /** Its column pointing at the other table's row. */
  targetColumn: PgColumn;
}

/** Child rows edited on the parent's page (Django's TabularInline / StackedInline). */
export interface Inline {
  table: PgTable;
  /** The child's foreign key column to the parent. */
  foreignKey: PgColumn;
  /** The child's model name (for its permissions), e.g. `postlink`; defaults to the parent's permissions. */
  model?: string;
  /** The heading over the children; default: the child model's plural from the app's catalogue. */
  label?: LocalText;
  style?: 'tabular' | 'stacked';
  /** Fields to edit (default: every editable field but the foreign key). */
  fields?: readonly string[];
  /** Empty rows offered for new children (default 1). */
  extra?: number;
  /** At most this many children. */
  maxNum?: number;
  ordering?: readonly string[];
  /**
   * Columns computed from a child's submitted values and written with them (a description rendered
   * to HTML); they do not count as edits for the history.
   */
  derive?: (values: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** What a bulk action gets: the selected ids, in a transaction, and who asked. */
export interface ActionContext {
  tx: Tx;
  ids: readonly (string | number)[];
  user: { id: number; username: string };
  /** The language of the page that asked: the returned message is shown in it. */
  language: string;
  /** The process's stores (sessions, throttle counters, cache). */
  stores: Stores;
}

/**
 * Thrown by a bulk action to refuse, with a message for the editor in their language: the action's
 * writes are rolled back and the change list shows the message as an error.
 */
export class ActionRefused extends Error {}

/** A custom bulk action on the change list (Django's admin actions). */
export interface BulkAction {
  name: string;
  label: LocalText;
  /** The model permission the action needs (default `change`). */
  permission?: 'view' | 'add' | 'change' | 'delete';
  /** Does the work; returns the message shown afterwards. Runs in one transaction. */
  run(context: ActionContext): Promise<string>;
}

/** What {@link FormAssets.data} is told about the page it fills. */
export interface FormAssetsContext {
  /** The page's language: texts for the script go in it. */
  language: string;
  /** ADMIN_PATH, e.g. `/admin/`, for the URLs the script calls. */
  adminPath: string;
}

/**
 * Extra static files for a model's add and change pages (Django's ModelAdmin.Media): an editor's
 * script and its styles. Files only: the CSP allows no inline script or style. Not loaded on the
 * read-only view page, and every form must still work without them.
 */
export interface FormAssets {
  /** Loaded with `defer` after admin.js, in order. */
  scripts?: readonly StaticAsset[];
  /** Linked after admin.css, in order. */
  styles?: readonly StaticAsset[];
  /**
   * What the scripts need from the server (URLs, texts in the page's language), as `data-<key>`
   * attributes on the form element; keys are lower-case words joined by hyphens (`preview-url`).
   */
  data?: (context: FormAssetsContext) => Record<string, string>;
}

export interface AdminOptions<T extends PgTable> {
  /** The model name as the app's `models` lists it (permissions are `<app>.<action>_<model>`). */
  model: string;
  /** English fallbacks: the app catalogue's `model.<model>` and `model.<model>.plural` come first. */
  verboseName?: string;
  verboseNamePlural?: string;
  /**
   * How an object is named in titles, messages and the log (Django's __str__); default: its first text
   * field. `names` gives the site's names of apps and models in the page's language.
   */
  toString?: (row: RowOf<T>, names: SiteNames) => string;
  /** Change list columns (default: the object's name). */
  listDisplay?: readonly (FieldName<T> | ComputedColumn<RowOf<T>>)[];
  /** Searched with `?q=`: each term must match one of them (case-insensitive substring). */
  searchFields?: readonly FieldName<T>[];
  /** Filters in the sidebar; the kind of each field decides the filter (boolean, choices, foreign key, dates). */
  listFilter?: readonly FieldName<T>[];
  /** Default order, `-` for descending, e.g. `['-publishedAt']`; the primary key is appended for a total order. */
  ordering?: readonly (FieldName<T> | `-${FieldName<T>}`)[];
  /** Rows per page (default 100, at most 500). */
  listPerPage?: number;
  /** Shown but never taken from the form. */
  readonlyFields?: readonly FieldName<T>[];
  /**
   * Columns `beforeSave` fills when the form leaves them empty (a slug from the title): the form does
   * not require them, and an empty one reaches `beforeSave` as ''.
   */
  filledOnSave?: readonly FieldName<T>[];
  /**
   * Fields only a superuser may change: shown read-only to other editors, and ignored if they post
   * them (the user admin's `isSuperuser`, so `change_user` alone cannot make anyone a superuser).
   */
  superuserOnlyFields?: readonly FieldName<T>[];
  /** Form fields in order (default: every column but the generated primary key). */
  fields?: readonly FieldName<T>[];
  fieldsets?: readonly Fieldset<FieldName<T>>[];
  /** Filled in the browser from other fields while untouched, e.g. `{ slug: ['title'] }`. */
  prepopulatedFields?: Partial<Record<FieldName<T>, readonly FieldName<T>[]>>;
  /** Choices for plain text/integer columns (enum columns have theirs already). */
  choices?: Partial<Record<FieldName<T>, readonly (readonly [string, string])[]>>;
  /** Foreign keys that always use the search box, whatever the target table's size. */
  autocompleteFields?: readonly FieldName<T>[];
  /**
   * A column holding a password hash (the user table's `password`): add forms ask for the password
   * twice, check it with the password validators and store its hash; change forms show no hash and link
   * to a "set password" page instead.
   */
  passwordField?: FieldName<T>;
  /** Help text under fields. */
  help?: Partial<Record<FieldName<T>, LocalText>>;
  manyToMany?: readonly ManyToMany[];
  inlines?: readonly Inline[];
  actions?: readonly BulkAction[];
  /** Scripts, styles and data for the add and change pages (an editor for one of the fields). */
  formAssets?: FormAssets;
  /** The object's public URL, for a "View on site" link. */
  viewOnSite?: (row: RowOf<T>) => string | null;
  /** More links beside "History" and "View on site" on the change page (a résumé's PDF). */
  objectLinks?: (row: RowOf<T>) => readonly { label: LocalText; url: string }[];
  /**
   * Extra validation after the schema's own: field errors, or `__all__` for the whole form, written in
   * `context.language`.
   */
  validate?: (
    values: Partial<RowOf<T>>,
    existing: RowOf<T> | null,
    context: { language: string },
  ) => FormErrors | Promise<FormErrors>;
  /**
   * Runs before the row is written, in the same transaction, with the values about to be saved (the
   * form's, after validation) and the stored row (null when adding): fill or change derived columns
   * here (a slug made from the title, a body rendered to HTML, the first publication time). What it
   * sets is saved and logged like a typed value.
   */
  beforeSave?: (
    tx: Tx,
    values: Partial<RowOf<T>>,
    existing: RowOf<T> | null,
    context: { language: string; user: { id: number; username: string } },
  ) => Promise<void> | void;
  /**
   * Runs after the row is written, in the same transaction (Django's `save_model` tail): for work that
   * must commit or roll back with the row, such as ending a deactivated user's sessions.
   */
  afterSave?: (
    tx: Tx,
    row: RowOf<T>,
    previous: RowOf<T> | null,
    context: { stores: Stores },
  ) => Promise<void>;
  /**
   * Runs once the change form's save has committed, without holding up the response: for work that
   * must see the saved data, such as building the résumé's PDF. Its errors are logged, not shown.
   */
  afterCommit?: (row: RowOf<T>, app: FastifyInstance) => Promise<void>;
}

/** A registration, type-erased so one app can list tables of different shapes. */
export interface AdminRegistration {
  table: PgTable;
  options: AdminOptions<PgTable>;
}

/** Registers `table` with the admin; put the result in your KeenApp's `admin` list. */
export function defineAdmin<T extends PgTable>(table: T, options: AdminOptions<T>): AdminRegistration {
  return { table, options: options as unknown as AdminOptions<PgTable> };
}

/**
 * A page of an app's own under the admin (Django's AdminSite.get_urls): its routes are added with the
 * admin's, and the index lists it under "Tools" for users who have `permission`.
 */
export interface AdminView {
  /** The path under ADMIN_PATH, ending in a slash: `jobs/`. */
  path: string;
  /** The permission that lists the page on the index (`jobs.view_job`); its routes check their own. */
  permission: string;
  /** The link text and page title. */
  title: LocalText;
  /** Adds the page's routes at `url` (ADMIN_PATH + path). */
  register(app: FastifyInstance, environment: AdminEnvironment, url: string): void;
}
