/**
 * The change list (Django's changelist_view): a page of rows with search, filters, sortable columns,
 * pagination, counts that stay fast on big tables, and bulk actions (POST to the same URL).
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { atomic } from '../../../db/transaction.js';
import { BadRequestError } from '../../../errors.js';
import { refreshPublicPages } from '../../cache/invalidate-pages.js';
import { demand } from '../access.js';
import { type ChangeList, loadChangeList } from '../changelist/load.js';
import { ActionRefused } from '../define.js';
import type { AdminField } from '../fields.js';
import { displayValue } from '../form/values.js';
import type { AdminTranslate } from '../messages.js';
import { parseObjectId, type Row } from '../objects.js';
import { labelsOf } from '../relations.js';
import type { AdminSite, ModelAdmin } from '../site.js';
import { bulkDelete, MAX_BULK_DELETE } from './delete.js';
import {
  type AdminEnvironment,
  capitalise,
  type ModelRequest,
  modelCrumbs,
  modelRequest,
  sendAdminPage,
} from './shared.js';

/** Labels of the foreign keys shown on the page, one query per foreign-key column. */
async function foreignKeyLabels(
  environment: AdminEnvironment,
  site: AdminSite,
  model: ModelAdmin,
  rows: Row[],
) {
  const labels = new Map<string, Map<string, string>>();
  for (const column of model.listColumns) {
    if (column.type !== 'field' || !column.field.references) continue;
    const ids = [
      ...new Set(rows.map((row) => row[column.field.key]).filter((id) => id !== null && id !== undefined)),
    ];
    labels.set(column.field.key, await labelsOf(environment.db, site, column.field.references.table, ids));
  }
  return labels;
}

function cellText(
  timeZone: string,
  field: AdminField,
  row: Row,
  labels: Map<string, Map<string, string>>,
  t: AdminTranslate,
): string {
  const value = row[field.key];
  if (field.references && value !== null && value !== undefined) {
    return labels.get(field.key)?.get(String(value)) ?? String(value);
  }
  return displayValue(field, value, { timeZone, t });
}

function computedText(value: string | number | boolean | null, t: AdminTranslate): string {
  if (value === null || value === '') return '-';
  if (typeof value === 'boolean') return value ? t('value.yes') : t('value.no');
  return String(value);
}

function CountLine({ list, model, t }: { list: ChangeList; model: ModelAdmin; t: AdminTranslate }) {
  const { total, unfilteredTotal } = list;
  return (
    <p class="AdminResultCount">
      {list.filtered ? (
        <>
          {total.exact
            ? t('changelist.results', { count: total.value })
            : t('changelist.moreResults', { count: total.value })}{' '}
          (
          <a href={list.unfilteredQuery ?? '?'}>
            {unfilteredTotal.exact
              ? t('changelist.total', { count: unfilteredTotal.value })
              : t('changelist.aboutTotal', { count: unfilteredTotal.value })}
          </a>
          )
        </>
      ) : total.exact ? (
        model.countOf(total.value)
      ) : (
        t('changelist.about', { objects: model.countOf(total.value) })
      )}
      {list.exactCountQuery && (
        <>
          {' · '}
          <a href={list.exactCountQuery}>{t('changelist.countExactly')}</a>
        </>
      )}
    </p>
  );
}

function Filters({ list, t }: { list: ChangeList; t: AdminTranslate }) {
  if (list.filters.length === 0) return null;
  return (
    <aside class="AdminFilters" aria-labelledby="filters-heading">
      <h2 id="filters-heading">{t('filter.heading')}</h2>
      {list.clearFiltersQuery && (
        <p>
          <a href={list.clearFiltersQuery}>{t('filter.clear')}</a>
        </p>
      )}
      {list.filters.map((filter) => (
        <details class="AdminFilter" open>
          <summary>{t('filter.by', { field: filter.title.toLowerCase() })}</summary>
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
                {t('filter.id')} <input type="text" inputmode="numeric" name={filter.key} size={8} />
              </label>
              <button type="submit" class="AdminButton">
                {t('filter.submit')}
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
                {t('filter.from')}{' '}
                <input type="date" name={filter.range.gteParam} value={filter.range.gte ?? ''} />
              </label>
              <label>
                {t('filter.before')}{' '}
                <input type="date" name={filter.range.ltParam} value={filter.range.lt ?? ''} />
              </label>
              <button type="submit" class="AdminButton">
                {t('filter.apply')}
              </button>
            </form>
          )}
        </details>
      ))}
    </aside>
  );
}

function Pager({ list, t }: { list: ChangeList; t: AdminTranslate }) {
  if (!list.hasNext && !list.hasPrevious) return null;
  return (
    <nav class="AdminPager" aria-label={t('pager.label')}>
      {list.previousQuery && (
        <a href={list.previousQuery} rel="prev">
          {t('pager.previous')}
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
          {t('pager.next')}
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
  const { site, model, permissions, t } = context;
  // `?_count=exact` is read by loadChangeList with the other parameters.
  const list = await loadChangeList(environment.db, model, request.query as Record<string, string>, {
    timeZone: context.timeZone,
    t,
  });
  const labels = await foreignKeyLabels(environment, site, model, list.rows);
  const canAct =
    permissions.delete ||
    (model.options.actions ?? []).some((action) => permissions[action.permission ?? 'change']);
  const title = t(permissions.change ? 'changelist.titleChange' : 'changelist.titleView', {
    model: model.verboseNameAccusative,
  });
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
      breadcrumbs: modelCrumbs(model, site.basePath)
        .slice(0, 1)
        .concat({ label: capitalise(model.verboseNamePlural) }),
    },
    [
      <div class="AdminTitleRow">
        <h1>{title}</h1>
        {permissions.add && (
          <a class="AdminButton AdminButton--primary" href={`${model.url}add/`}>
            {t('changelist.add', { model: model.verboseNameAccusative })}
          </a>
        )}
      </div>,
      model.searchFields.length > 0 ? (
        <search class="AdminSearch">
          <form method="get">
            <label for="searchbar">{t('changelist.searchLabel', { plural: model.verboseNamePlural })}</label>
            <input type="search" id="searchbar" name="q" value={list.search} autofocus />
            {list.searchFormParams.map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <button type="submit" class="AdminButton">
              {t('changelist.search')}
            </button>
          </form>
        </search>
      ) : null,
      <CountLine list={list} model={model} t={t} />,
      list.invalidParams.length > 0 ? (
        <p class="AdminNotice" role="status">
          {t('changelist.invalidParams', { params: list.invalidParams.join(', ') })}
        </p>
      ) : null,
      <div class={list.filters.length > 0 ? 'AdminChangeList AdminChangeList--filtered' : 'AdminChangeList'}>
        <form method="post" action={request.url} class="AdminChangeList-results">
          <input type="hidden" name="_csrf" value={request.csrfToken()} />
          {canAct && (
            <div class="AdminActions">
              <label for="action">{t('actions.label')}</label>
              <select id="action" name="action" required>
                <option value="">---------</option>
                {permissions.delete && (
                  <option value="delete_selected">
                    {t('actions.deleteSelected', { plural: model.verboseNamePlural })}
                  </option>
                )}
                {(model.options.actions ?? [])
                  .filter((action) => permissions[action.permission ?? 'change'])
                  .map((action) => (
                    <option value={action.name}>{model.actionLabels.get(action.name)}</option>
                  ))}
              </select>
              <button type="submit" class="AdminButton">
                {t('actions.go')}
              </button>
              <span class="AdminActions-count" data-selection-count hidden />
            </div>
          )}
          {list.pageOutOfRange && list.rows.length === 0 ? (
            <p>
              {t('changelist.pastEnd')} <a href={list.queryWith({ p: null })}>{t('changelist.firstPage')}</a>
            </p>
          ) : list.rows.length === 0 ? (
            <p class="AdminEmpty">{t('changelist.empty', { plural: model.verboseNamePlural })}</p>
          ) : (
            <div class="AdminTable-scroll">
              <table class="AdminTable" id="result_list">
                <thead>
                  <tr>
                    {canAct && (
                      <th scope="col" class="AdminTable-check">
                        <input
                          type="checkbox"
                          data-select-all
                          aria-label={t('changelist.selectAll')}
                          hidden
                        />
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
                              aria-label={t('changelist.unsort', { column: column.label })}
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
                            ? cellText(context.timeZone, column.field, row, labels, t)
                            : computedText(column.computed.value(row), t),
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
                              aria-label={t('changelist.select', { name: model.describe(row) })}
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
        <Filters list={list} t={t} />
      </div>,
      <Pager list={list} t={t} />,
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
    const { model, permissions, user, t } = context;
    demand(permissions, 'view', `${model.app}.${model.model}`);
    const body = request.body as Record<string, unknown> | undefined;
    const actionName = typeof body?.action === 'string' ? body.action : '';
    const ids = selectedIds(model, body);
    if (ids.length === 0) {
      request.messages.info(t('actions.noneSelected'));
      return reply.redirect(request.url, 303);
    }
    if (actionName === 'delete_selected') return bulkDelete(environment, request, reply, context, ids);
    const action = (model.options.actions ?? []).find((candidate) => candidate.name === actionName);
    if (!action) {
      request.messages.info(t('actions.noAction'));
      return reply.redirect(request.url, 303);
    }
    demand(permissions, action.permission ?? 'change', `${model.app}.${model.model}`);
    let message: string;
    try {
      message = await atomic(environment.db, (tx) =>
        action.run({
          tx,
          ids,
          user: { id: user.id, username: user.username },
          language: request.language,
          stores: environment.stores,
        }),
      );
    } catch (error) {
      if (!(error instanceof ActionRefused)) throw error;
      request.messages.error(error.message);
      return reply.redirect(request.url, 303);
    }
    await refreshPublicPages(request);
    request.log.info(
      { action: action.name, model: `${model.app}.${model.model}`, count: ids.length },
      'admin action',
    );
    request.messages.success(message);
    return reply.redirect(request.url, 303);
  });
}
