/**
 * The change list (Django's changelist_view): a page of rows with search, filters, sortable columns,
 * pagination, counts that stay fast on big tables, and bulk actions (POST to the same URL).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { atomic } from '../../../db/transaction.js';
import { BadRequestError } from '../../../errors.js';
import { demand } from '../access.js';
import { type ChangeList, loadChangeList } from '../changelist/load.js';
import type { AdminField } from '../fields.js';
import { displayValue } from '../form/values.js';
import { parseObjectId, type Row } from '../objects.js';
import { labelsOf } from '../relations.js';
import type { ModelAdmin } from '../site.js';
import { bulkDelete, MAX_BULK_DELETE } from './delete.js';
import {
  type AdminEnvironment,
  capitalise,
  type ModelRequest,
  modelCrumbs,
  modelRequest,
  sendAdminPage,
} from './shared.js';

const numberFormat = new Intl.NumberFormat('en-US');

/** Labels of the foreign keys shown on the page, one query per foreign-key column. */
async function foreignKeyLabels(environment: AdminEnvironment, model: ModelAdmin, rows: Row[]) {
  const labels = new Map<string, Map<string, string>>();
  for (const column of model.listColumns) {
    if (column.type !== 'field' || !column.field.references) continue;
    const ids = [
      ...new Set(rows.map((row) => row[column.field.key]).filter((id) => id !== null && id !== undefined)),
    ];
    labels.set(
      column.field.key,
      await labelsOf(environment.db, environment.site, column.field.references.table, ids),
    );
  }
  return labels;
}

function cellText(
  environment: AdminEnvironment,
  field: AdminField,
  row: Row,
  labels: Map<string, Map<string, string>>,
): string {
  const value = row[field.key];
  if (field.references && value !== null && value !== undefined) {
    return labels.get(field.key)?.get(String(value)) ?? String(value);
  }
  return displayValue(field, value, { timeZone: environment.settings.timeZone });
}

function computedText(value: string | number | boolean | null): string {
  if (value === null || value === '') return '-';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

function CountLine({ list, model }: { list: ChangeList; model: ModelAdmin }) {
  const plural = (count: number) => (count === 1 ? model.verboseName : model.verboseNamePlural);
  const { total, unfilteredTotal } = list;
  const amount = (count: { value: number; exact: boolean }) =>
    count.exact ? numberFormat.format(count.value) : `about ${numberFormat.format(count.value)}`;
  return (
    <p class="AdminResultCount">
      {list.filtered ? (
        <>
          {total.exact ? numberFormat.format(total.value) : `More than ${numberFormat.format(total.value)}`}{' '}
          result
          {total.value === 1 && total.exact ? '' : 's'} (
          <a href={list.unfilteredQuery ?? '?'}>{amount(unfilteredTotal)} total</a>)
        </>
      ) : (
        <>
          {capitalise(amount(total))} {plural(total.value)}
        </>
      )}
      {list.exactCountQuery && (
        <>
          {' · '}
          <a href={list.exactCountQuery}>Count exactly</a>
        </>
      )}
    </p>
  );
}

function Filters({ list }: { list: ChangeList }) {
  if (list.filters.length === 0) return null;
  return (
    <aside class="AdminFilters" aria-labelledby="filters-heading">
      <h2 id="filters-heading">Filter</h2>
      {list.clearFiltersQuery && (
        <p>
          <a href={list.clearFiltersQuery}>✖ Clear all filters</a>
        </p>
      )}
      {list.filters.map((filter) => (
        <details class="AdminFilter" open>
          <summary>By {filter.title.toLowerCase()}</summary>
          <ul>
            {filter.options.map((option) => (
              <li class={option.selected ? 'AdminFilter-selected' : undefined}>
                <a href={option.query} aria-current={option.selected ? 'true' : undefined}>
                  {option.label}
                </a>
              </li>
            ))}
          </ul>
          {filter.partial && (
            <form method="get" class="AdminFilter-range">
              {list.searchFormParams
                .filter(([name]) => name !== filter.key)
                .map(([name, value]) => (
                  <input type="hidden" name={name} value={value} />
                ))}
              <label>
                Id <input type="text" inputmode="numeric" name={filter.key} size={8} />
              </label>
              <button type="submit" class="AdminButton">
                Filter
              </button>
            </form>
          )}
          {filter.range && (
            <form method="get" class="AdminFilter-range">
              {list.searchFormParams
                .filter(
                  ([name]) =>
                    name !== filter.range?.gteParam && name !== filter.range?.ltParam && name !== filter.key,
                )
                .map(([name, value]) => (
                  <input type="hidden" name={name} value={value} />
                ))}
              <label>
                From <input type="date" name={filter.range.gteParam} value={filter.range.gte ?? ''} />
              </label>
              <label>
                Before <input type="date" name={filter.range.ltParam} value={filter.range.lt ?? ''} />
              </label>
              <button type="submit" class="AdminButton">
                Apply
              </button>
            </form>
          )}
        </details>
      ))}
    </aside>
  );
}

function Pager({ list }: { list: ChangeList }) {
  if (!list.hasNext && !list.hasPrevious) return null;
  return (
    <nav class="AdminPager" aria-label="Pages">
      {list.previousQuery && (
        <a href={list.previousQuery} rel="prev">
          ‹ Previous
        </a>
      )}
      {list.pageLinks.map((link) =>
        link.type === 'gap' ? (
          <span class="AdminPager-gap">…</span>
        ) : link.current ? (
          <span class="AdminPager-current" aria-current="page">
            {link.number}
          </span>
        ) : (
          <a href={link.query}>{link.number}</a>
        ),
      )}
      {list.nextQuery && (
        <a href={list.nextQuery} rel="next">
          Next ›
        </a>
      )}
    </nav>
  );
}

async function renderChangeList(
  environment: AdminEnvironment,
  request: FastifyRequest,
  reply: FastifyReply,
  context: ModelRequest,
) {
  const { model, permissions } = context;
  // `?_count=exact` is read by loadChangeList with the other parameters.
  const list = await loadChangeList(environment.db, model, request.query as Record<string, string>, {
    timeZone: environment.settings.timeZone,
  });
  const labels = await foreignKeyLabels(environment, model, list.rows);
  const canAct =
    permissions.delete ||
    (model.options.actions ?? []).some((action) => permissions[action.permission ?? 'change']);
  const title = `Select ${model.verboseName} to ${permissions.change ? 'change' : 'view'}`;
  const sortByColumn = new Map(list.sort.map((view) => [view.column, view]));
  const columns = model.listColumns.length > 0 ? model.listColumns : null;
  const objectLink = (row: Row) =>
    `${model.url}${encodeURIComponent(String(row[model.primaryKey.key]))}/change/`;

  return sendAdminPage(
    environment,
    request,
    reply,
    {
      title,
      kind: 'AdminPage--changelist',
      breadcrumbs: modelCrumbs(model, environment.site.basePath)
        .slice(0, 1)
        .concat({ label: capitalise(model.verboseNamePlural) }),
    },
    [
      <div class="AdminTitleRow">
        <h1>{title}</h1>
        {permissions.add && (
          <a class="AdminButton AdminButton--primary" href={`${model.url}add/`}>
            Add {model.verboseName}
          </a>
        )}
      </div>,
      model.searchFields.length > 0 ? (
        <search class="AdminSearch">
          <form method="get">
            <label for="searchbar">Search {model.verboseNamePlural}</label>
            <input type="search" id="searchbar" name="q" value={list.search} autofocus />
            {list.searchFormParams.map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <button type="submit" class="AdminButton">
              Search
            </button>
          </form>
        </search>
      ) : null,
      <CountLine list={list} model={model} />,
      list.invalidParams.length > 0 ? (
        <p class="AdminNotice" role="status">
          Some parameters in the address were not understood and were ignored: {list.invalidParams.join(', ')}
          .
        </p>
      ) : null,
      <div class={list.filters.length > 0 ? 'AdminChangeList AdminChangeList--filtered' : 'AdminChangeList'}>
        <form method="post" action={request.url} class="AdminChangeList-results">
          <input type="hidden" name="_csrf" value={request.csrfToken()} />
          {canAct && (
            <div class="AdminActions">
              <label for="action">Action</label>
              <select id="action" name="action" required>
                <option value="">---------</option>
                {permissions.delete && (
                  <option value="delete_selected">Delete selected {model.verboseNamePlural}</option>
                )}
                {(model.options.actions ?? [])
                  .filter((action) => permissions[action.permission ?? 'change'])
                  .map((action) => (
                    <option value={action.name}>{action.label}</option>
                  ))}
              </select>
              <button type="submit" class="AdminButton">
                Go
              </button>
              <span class="AdminActions-count" data-selection-count hidden />
            </div>
          )}
          {list.pageOutOfRange && list.rows.length === 0 ? (
            <p>
              This page is past the end of the list.{' '}
              <a href={list.queryWith({ p: null })}>Go to the first page</a>.
            </p>
          ) : list.rows.length === 0 ? (
            <p class="AdminEmpty">No {model.verboseNamePlural} found.</p>
          ) : (
            <div class="AdminTable-scroll">
              <table class="AdminTable" id="result_list">
                <thead>
                  <tr>
                    {canAct && (
                      <th scope="col" class="AdminTable-check">
                        <input type="checkbox" data-select-all aria-label="Select all on this page" hidden />
                      </th>
                    )}
                    {(columns ?? [{ label: capitalise(model.verboseName) }]).map((column, index) => {
                      const sort = sortByColumn.get(index + 1);
                      if (!sort) return <th scope="col">{column.label}</th>;
                      return (
                        <th
                          scope="col"
                          class={
                            sort.direction
                              ? `AdminTable-sorted AdminTable-sorted--${sort.direction}`
                              : 'AdminTable-sortable'
                          }
                          aria-sort={
                            sort.priority === 1
                              ? sort.direction === 'asc'
                                ? 'ascending'
                                : 'descending'
                              : undefined
                          }
                        >
                          <a href={sort.primaryQuery}>
                            {column.label}
                            {sort.direction && (
                              <span class="AdminTable-sortMark" aria-hidden="true">
                                {sort.direction === 'asc' ? ' ▲' : ' ▼'}
                                {list.sort.filter((view) => view.priority !== null).length > 1
                                  ? sort.priority
                                  : ''}
                              </span>
                            )}
                          </a>
                          {sort.removeQuery && (
                            <a
                              class="AdminTable-unsort"
                              href={sort.removeQuery}
                              aria-label={`Stop sorting by ${column.label}`}
                            >
                              ×
                            </a>
                          )}
                        </th>
                      );
                    })}
                  </tr>
                </thead>
                <tbody>
                  {list.rows.map((row) => {
                    const id = String(row[model.primaryKey.key]);
                    const cells = columns
                      ? columns.map((column) =>
                          column.type === 'field'
                            ? cellText(environment, column.field, row, labels)
                            : computedText(column.computed.value(row)),
                        )
                      : [model.describe(row)];
                    return (
                      <tr>
                        {canAct && (
                          <td class="AdminTable-check">
                            <input
                              type="checkbox"
                              name="_selected_action"
                              value={id}
                              aria-label={`Select ${model.describe(row)}`}
                            />
                          </td>
                        )}
                        {cells.map((text, index) =>
                          index === 0 ? (
                            <th scope="row">
                              <a href={objectLink(row)}>{text}</a>
                            </th>
                          ) : (
                            <td>{text}</td>
                          ),
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </form>
        <Filters list={list} />
      </div>,
      <Pager list={list} />,
    ],
  );
}

/** The selected ids of a bulk action, typed; an id that cannot be one is a 400. */
function selectedIds(model: ModelAdmin, body: unknown): (string | number)[] {
  const raw = (body as Record<string, unknown> | undefined)?._selected_action;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (values.length > MAX_BULK_DELETE)
    throw new BadRequestError('Bad request.', `at most ${MAX_BULK_DELETE} objects at once`);
  try {
    return [...new Set(values.map((value) => parseObjectId(model.primaryKey, String(value))))];
  } catch {
    throw new BadRequestError('Bad request.', 'a selected id is not valid');
  }
}

export function registerChangeListViews(app: FastifyInstance, environment: AdminEnvironment): void {
  const path = `${environment.site.basePath}:app/:model/`;

  app.get(path, async (request, reply) => {
    const context = await modelRequest(environment, request, reply);
    if (!context) return reply;
    demand(context.permissions, 'view', `${context.model.app}.${context.model.model}`);
    return renderChangeList(environment, request, reply, context);
  });

  app.post(path, async (request, reply) => {
    const context = await modelRequest(environment, request, reply);
    if (!context) return reply;
    const { model, permissions, user } = context;
    demand(permissions, 'view', `${model.app}.${model.model}`);
    const body = request.body as Record<string, unknown> | undefined;
    const actionName = typeof body?.action === 'string' ? body.action : '';
    const ids = selectedIds(model, body);
    if (ids.length === 0) {
      request.messages.info(
        'Items must be selected in order to perform actions on them. No items have been changed.',
      );
      return reply.redirect(request.url, 303);
    }
    if (actionName === 'delete_selected') return bulkDelete(environment, request, reply, context, ids);
    const action = (model.options.actions ?? []).find((candidate) => candidate.name === actionName);
    if (!action) {
      request.messages.info('No action selected.');
      return reply.redirect(request.url, 303);
    }
    demand(permissions, action.permission ?? 'change', `${model.app}.${model.model}`);
    const message = await atomic(environment.db, (tx) =>
      action.run({ tx, ids, user: { id: user.id, username: user.username } }),
    );
    request.log.info(
      { action: action.name, model: `${model.app}.${model.model}`, count: ids.length },
      'admin action',
    );
    request.messages.success(message);
    return reply.redirect(request.url, 303);
  });
}
