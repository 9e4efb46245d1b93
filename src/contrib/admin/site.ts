/**
 * The admin site (Django's AdminSite): every app's registrations resolved against the schema once, at
 * start. A registration naming a field that does not exist stops the process with KEEN_E_ADMIN.
 */
import type { PgTable } from 'drizzle-orm/pg-core';
import { AdminConfigError } from '../../errors.js';
import { findMessage, type LocalText, localText, SOURCE_LANGUAGE } from '../../i18n/messages.js';
import type { KeenApp } from '../../web/keen-app.js';
import type { AdminOptions, ComputedColumn, Fieldset, Inline, ManyToMany, SiteNames } from './define.js';
import { type AdminField, fieldsOf, labelOf, primaryKeyOf, tableNameOf } from './fields.js';
import { CatalogueLabels } from './labels.js';
import { adminTranslator } from './messages.js';

/** A change list column: a field, or a computed value. */
export type ListColumn =
  | { type: 'field'; field: AdminField; label: string }
  | {
      type: 'computed';
      computed: ComputedColumn<Record<string, unknown>>;
      label: string;
      orderBy?: AdminField;
    };

export interface SortKey {
  field: AdminField;
  descending: boolean;
}

/** An inline resolved against its table. */
export interface ResolvedInline {
  options: Inline;
  table: PgTable;
  fields: AdminField[];
  /** The editable fields shown per child row. */
  formFields: AdminField[];
  primaryKey: AdminField;
  foreignKey: AdminField;
  /** The heading over the children ("Further reading"). */
  label: string;
  /** One child ("post link"). */
  verboseName: string;
  /** The model whose permissions govern the children. */
  model: string;
  ordering: SortKey[];
}

export interface ResolvedManyToMany {
  options: ManyToMany;
  label: string;
  /** The registered model the link points at (its rows are the choices). */
  target: PgTable;
  /** The property names of the link table's two columns, for inserting links. */
  sourceKey: string;
  targetKey: string;
}

/** One registered table, with everything the views need. */
export interface ModelAdmin {
  app: string;
  /** The app's name as shown (KeenApp.verboseName). */
  appTitle: string;
  model: string;
  table: PgTable;
  tableName: string;
  options: AdminOptions<PgTable>;
  verboseName: string;
  verboseNamePlural: string;
  /** The name after "add"/"change" ("категорию" in Russian); the same as verboseName in English. */
  verboseNameAccusative: string;
  /** `count` objects, with the language's plural form ("1 запись", "5 записей"). */
  countOf(count: number): string;
  /** Help texts under fields, in this site's language. */
  help: ReadonlyMap<string, string>;
  /** Bulk actions' labels, by action name. */
  actionLabels: ReadonlyMap<string, string>;
  fields: AdminField[];
  field(key: string): AdminField | undefined;
  primaryKey: AdminField;
  listColumns: ListColumn[];
  searchFields: AdminField[];
  filters: AdminField[];
  ordering: SortKey[];
  perPage: number;
  readonly: Set<string>;
  /** Read-only for editors who are not superusers. */
  superuserOnly: Set<string>;
  /** The form's fields, grouped (one untitled group when no fieldsets are given). */
  fieldsets: { title?: string; description?: string; collapsed?: boolean; fields: AdminField[] }[];
  manyToMany: ResolvedManyToMany[];
  inlines: ResolvedInline[];
  /** The password-hash column, if the model has one (see AdminOptions.passwordField). */
  passwordField?: AdminField;
  /** The object's display name. */
  describe(row: Record<string, unknown>): string;
  /** `/admin/blog/post/` */
  url: string;
}

/** `Résumé` for an app that says so, else `Blog` for `blog`. */
function appTitleOf(app: KeenApp, labels: CatalogueLabels): string {
  return labels.app(app.verboseName ?? app.name.charAt(0).toUpperCase() + app.name.slice(1));
}

function optionalText(text: LocalText | undefined, language: string): string | undefined {
  return text === undefined ? undefined : localText(text, language);
}

/** The most rows a change list page may have. */
export const MAX_PER_PAGE = 500;

function configError(app: string, model: string, message: string): AdminConfigError {
  return new AdminConfigError(`admin registration ${app}.${model}: ${message}`);
}

function parseOrdering(
  entries: readonly string[],
  lookup: (key: string) => AdminField | undefined,
  fail: (message: string) => never,
): SortKey[] {
  return entries.map((entry) => {
    const descending = entry.startsWith('-');
    const key = descending ? entry.slice(1) : entry;
    const field = lookup(key) ?? fail(`ordering names "${key}", which is not a column`);
    return { field, descending };
  });
}

function resolveModel(
  app: KeenApp,
  table: PgTable,
  options: AdminOptions<PgTable>,
  basePath: string,
  labels: CatalogueLabels,
  names: SiteNames,
): ModelAdmin {
  const { language } = labels;
  const fail = (message: string): never => {
    throw configError(app.name, options.model, message);
  };
  if (!(app.models ?? []).some((model) => model.name === options.model)) {
    fail(`the app's models list has no "${options.model}" (permissions come from it)`);
  }
  const fields = fieldsOf(table);
  const model = options.model;
  const byKey = new Map(fields.map((field) => [field.key, field]));
  const need = (key: string, option: string): AdminField =>
    byKey.get(key) ?? fail(`${option} names "${key}", which is not a column of ${tableNameOf(table)}`);
  const primaryKey = primaryKeyOf(fields) ?? fail(`${tableNameOf(table)} has no single-column primary key`);

  // Registration-given choices turn plain columns into choice fields.
  for (const [key, choices] of Object.entries(options.choices ?? {})) {
    const field = need(key, 'choices');
    field.kind = 'choice';
    field.choices = choices as readonly (readonly [string, string])[];
  }
  // An empty value of these reaches beforeSave instead of a "required" error (see filledOnSave).
  for (const key of options.filledOnSave ?? []) need(key, 'filledOnSave').hasDefault = true;
  const help = new Map<string, string>();
  for (const [key, text] of Object.entries(options.help ?? {})) {
    if (text) help.set(need(key, 'help').key, localText(text as LocalText, language));
  }
  for (const field of fields) {
    field.label = labels.field(model, field.key, field.label);
    if (field.choices) {
      field.choices = field.choices.map(([value, label]) => [
        value,
        labels.choice(model, field.key, value, label),
      ]);
    }
  }

  const modelInfo = app.models?.find((entry) => entry.name === model);
  const englishName = options.verboseName ?? modelInfo?.verboseName ?? model;
  const verboseName = labels.model(model, englishName);
  const verboseNamePlural = labels.plural(model, options.verboseNamePlural ?? `${englishName}s`);
  const verboseNameAccusative = labels.accusative(model, verboseName);
  // Probed once here, so a missing count message is reported by the check rather than found by a reader.
  const hasCount = labels.count(model, 1) !== undefined;
  const countOf = (count: number): string =>
    (hasCount ? labels.count(model, count) : undefined) ??
    `${count} ${count === 1 ? verboseName : verboseNamePlural}`;
  const firstText = fields.find((field) => field.kind === 'text');
  const describeRow = options.toString as
    | ((row: Record<string, unknown>, names: SiteNames) => string)
    | undefined;
  const describe = describeRow
    ? (row: Record<string, unknown>) => describeRow(row, names)
    : (row: Record<string, unknown>) => {
        const name = firstText ? row[firstText.key] : undefined;
        return typeof name === 'string' && name ? name : `${verboseName} ${String(row[primaryKey.key])}`;
      };

  const listColumns: ListColumn[] = (options.listDisplay ?? []).map((entry) => {
    if (typeof entry === 'string') {
      const field = need(entry, 'listDisplay');
      return { type: 'field', field, label: field.label };
    }
    const computed = entry as ComputedColumn<Record<string, unknown>>;
    return {
      type: 'computed',
      computed,
      label: localText(computed.label, language),
      orderBy: computed.orderBy ? need(computed.orderBy, 'listDisplay orderBy') : undefined,
    };
  });

  const readonly = new Set<string>(
    (options.readonlyFields ?? []).map((key) => need(key, 'readonlyFields').key),
  );
  // Generated keys and database-filled timestamps are never typed in.
  const editableByDefault = fields.filter(
    (field) => !(field.primaryKey && field.hasDefault) && !field.column.generated,
  );
  const fieldsetsGiven: readonly Fieldset<string>[] = options.fieldsets ?? [
    { fields: options.fields ?? editableByDefault.map((field) => field.key) },
  ];
  const fieldsets = fieldsetsGiven.map((set) => ({
    title: optionalText(set.title, language),
    description: optionalText(set.description, language),
    collapsed: set.collapsed,
    fields: set.fields.map((key) => need(key, 'fieldsets/fields')),
  }));
  for (const [target, sources] of Object.entries(options.prepopulatedFields ?? {})) {
    need(target, 'prepopulatedFields');
    for (const source of (sources ?? []) as string[]) need(source, 'prepopulatedFields');
  }
  for (const key of options.autocompleteFields ?? []) {
    if (need(key, 'autocompleteFields').kind !== 'foreignKey')
      fail(`autocompleteFields: "${key}" is not a foreign key`);
  }

  const manyToMany = (options.manyToMany ?? []).map((relation) => {
    const linkFields = fieldsOf(relation.through);
    const source = linkFields.find((field) => field.column === relation.sourceColumn);
    const target = linkFields.find((field) => field.column === relation.targetColumn);
    if (!source?.references || source.references.table !== table) {
      fail(
        `manyToMany "${relation.name}": sourceColumn must be a column of the link table pointing at ${tableNameOf(table)}`,
      );
    }
    if (!target?.references)
      fail(`manyToMany "${relation.name}": targetColumn must be a foreign key of the link table`);
    return {
      options: relation,
      label:
        optionalText(relation.label, language) ?? labels.field(model, relation.name, labelOf(relation.name)),
      target: (target?.references?.table ?? table) as PgTable,
      sourceKey: source?.key ?? '',
      targetKey: target?.key ?? '',
    };
  });

  const inlines = (options.inlines ?? []).map((inline): ResolvedInline => {
    const inlineFields = fieldsOf(inline.table);
    const foreignKey =
      inlineFields.find((field) => field.column === inline.foreignKey) ??
      fail(`inline on ${tableNameOf(inline.table)}: foreignKey is not a column of that table`);
    const inlinePrimaryKey =
      primaryKeyOf(inlineFields) ??
      fail(`inline ${tableNameOf(inline.table)} has no single-column primary key`);
    const inlineModel = inline.model ?? model;
    for (const field of inlineFields) field.label = labels.field(inlineModel, field.key, field.label);
    const inlineByKey = new Map(inlineFields.map((field) => [field.key, field]));
    const formFields = inline.fields
      ? inline.fields.map(
          (key) => inlineByKey.get(key) ?? fail(`inline ${tableNameOf(inline.table)}: no column "${key}"`),
        )
      : inlineFields.filter((field) => field !== foreignKey && !(field.primaryKey && field.hasDefault));
    const inlineInfo = (app.models ?? []).find((entry) => entry.name === inlineModel);
    if (!inlineInfo)
      fail(`inline ${tableNameOf(inline.table)}: the app's models list has no "${inlineModel}"`);
    const inlineEnglish = inlineInfo?.verboseName ?? inlineModel;
    return {
      options: inline,
      table: inline.table,
      fields: inlineFields,
      formFields,
      primaryKey: inlinePrimaryKey,
      foreignKey,
      label:
        optionalText(inline.label, language) ??
        labels.plural(inlineModel, labelOf(tableNameOf(inline.table).replace(`${app.name}_`, ''))),
      verboseName: labels.model(inlineModel, inlineEnglish),
      model: inlineModel,
      ordering: [
        ...parseOrdering(inline.ordering ?? [], (key) => inlineByKey.get(key), fail),
        { field: inlinePrimaryKey, descending: false },
      ],
    };
  });

  const passwordField = options.passwordField ? need(options.passwordField, 'passwordField') : undefined;
  if (passwordField) readonly.add(passwordField.key);

  const ordering = parseOrdering(options.ordering ?? [], (key) => byKey.get(key), fail);
  // A total order, so pages never repeat or skip rows.
  if (!ordering.some((key) => key.field === primaryKey))
    ordering.push({ field: primaryKey, descending: true });
  const perPage = options.listPerPage ?? 100;
  // A whole page selected for a bulk action must fit in one POST (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000).
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE)
    fail(`listPerPage must be 1 to ${MAX_PER_PAGE}`);

  return {
    app: app.name,
    appTitle: appTitleOf(app, labels),
    model,
    table,
    tableName: tableNameOf(table),
    options,
    verboseName,
    verboseNamePlural,
    verboseNameAccusative,
    countOf,
    help,
    actionLabels: new Map(
      (options.actions ?? []).map((action) => [action.name, localText(action.label, language)]),
    ),
    fields,
    field: (key) => byKey.get(key),
    primaryKey,
    listColumns,
    searchFields: (options.searchFields ?? []).map((key) => {
      const field = need(key, 'searchFields');
      if (field.kind !== 'text' && field.kind !== 'longText' && field.kind !== 'choice') {
        fail(`searchFields: "${key}" is not a text column`);
      }
      return field;
    }),
    filters: (options.listFilter ?? []).map((key) => {
      const field = need(key, 'listFilter');
      if (!['boolean', 'choice', 'foreignKey', 'date', 'dateTime'].includes(field.kind)) {
        fail(
          `listFilter: "${key}" is a ${field.kind} column; filters take boolean, choice, foreign key and date columns`,
        );
      }
      return field;
    }),
    ordering,
    perPage,
    readonly,
    superuserOnly: new Set(
      (options.superuserOnlyFields ?? []).map((key) => need(key, 'superuserOnlyFields').key),
    ),
    fieldsets,
    manyToMany,
    inlines,
    passwordField,
    describe,
    url: `${basePath}${app.name}/${options.model}/`,
  };
}

/**
 * The admin site in one language. Registrations are resolved once per language, on first use, and
 * kept: `site.in(request.language)` is a map lookup.
 */
export class AdminSite {
  readonly models: ModelAdmin[];
  /** Catalogue ids the apps lack for this language (`app/model ids`), for `keen check`. */
  readonly missingLabels: string[] = [];
  private readonly byName = new Map<string, ModelAdmin>();
  private readonly byTable = new Map<PgTable, ModelAdmin>();
  private readonly siblings: Map<string, AdminSite>;

  /** @param basePath ADMIN_PATH, with a leading and trailing slash. */
  constructor(
    private readonly apps: readonly KeenApp[],
    readonly basePath: string,
    readonly language: string = SOURCE_LANGUAGE,
    siblings?: Map<string, AdminSite>,
  ) {
    this.siblings = siblings ?? new Map();
    this.siblings.set(language, this);
    // Looked up when an object is described, by which time every model is resolved.
    const names: SiteNames = {
      language,
      app: (app) =>
        this.models.find((model) => model.app === app)?.appTitle ??
        findMessage(apps.find((entry) => entry.name === app)?.messages, language, 'app.name'),
      // An inline-only model (a résumé highlight) has no registration, but its app's catalogue names it.
      model: (app, model) =>
        this.find(app, model)?.verboseName ??
        findMessage(apps.find((entry) => entry.name === app)?.messages, language, `model.${model}`),
    };
    this.models = apps.flatMap((app) => {
      const labels = new CatalogueLabels(app.messages, language);
      const models = (app.admin ?? []).map((registration) =>
        resolveModel(app, registration.table, registration.options, basePath, labels, names),
      );
      for (const id of new Set(labels.missing)) this.missingLabels.push(`${app.name}: ${id}`);
      return models;
    });
    for (const model of this.models) {
      const name = `${model.app}.${model.model}`;
      if (this.byName.has(name)) throw new AdminConfigError(`admin registration ${name}: registered twice`);
      this.byName.set(name, model);
      this.byTable.set(model.table, model);
    }
    for (const model of this.models) {
      for (const relation of model.manyToMany) {
        if (!this.byTable.has(relation.target)) {
          throw configError(
            model.app,
            model.model,
            `manyToMany "${relation.options.name}" points at ${tableNameOf(relation.target)}, which is not registered`,
          );
        }
      }
    }
  }

  /** The same site in `language` (one of LANGUAGES). */
  in(language: string): AdminSite {
    return this.siblings.get(language) ?? new AdminSite(this.apps, this.basePath, language, this.siblings);
  }

  find(app: string, model: string): ModelAdmin | undefined {
    return this.byName.get(`${app}.${model}`);
  }

  /** The registration of a table (foreign key targets, many-to-many choices), if it has one. */
  forTable(table: PgTable): ModelAdmin | undefined {
    return this.byTable.get(table);
  }

  /**
   * How the delete confirmation names a table's rows: a registered model's plural, an inline's label
   * (its rows by their first text column), or a many-to-many relation's label (its link rows).
   */
  describeTable(table: PgTable): { name: string; describe?: (row: Record<string, unknown>) => string } {
    const model = this.byTable.get(table);
    if (model)
      return {
        name: model.verboseNamePlural,
        describe: (row) => `${model.verboseName}: ${model.describe(row)}`,
      };
    for (const owner of this.models) {
      const inline = owner.inlines.find((candidate) => candidate.table === table);
      if (inline) {
        const text = inline.fields.find((field) => field.kind === 'text');
        return {
          name: inline.label,
          describe: (row) =>
            `${inline.label}: ${String((text && row[text.key]) ?? row[inline.primaryKey.key])}`,
        };
      }
      const relation = owner.manyToMany.find((candidate) => candidate.options.through === table);
      if (relation) {
        const t = adminTranslator(this.language);
        return {
          name: t('delete.links', { model: owner.verboseName, relation: relation.label.toLowerCase() }),
        };
      }
    }
    return { name: tableNameOf(table) };
  }

  /** Registered models grouped by app, in installed-app order. */
  byApp(): { app: string; title: string; models: ModelAdmin[] }[] {
    const groups = new Map<string, ModelAdmin[]>();
    for (const model of this.models) groups.set(model.app, [...(groups.get(model.app) ?? []), model]);
    return [...groups].map(([app, models]) => ({ app, title: models[0]?.appTitle ?? app, models }));
  }
}
