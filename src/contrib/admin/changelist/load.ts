/**
 * The change list's data (Django's ChangeList): one page of a registered table's rows, searched,
 * filtered and sorted by the query string, with the counts and links the page shows around it.
 * Nothing in the query string can make this throw or reach the SQL text: bad parameters are left
 * out (and listed in `invalidParams`), values travel as bound parameters.
 *
 * @example
 * const list = await loadChangeList(db, site.find('blog', 'post')!, request.query, { timeZone });
 * list.rows; list.total; list.filters; list.sort; list.pageLinks;
 */
import { and, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client.js';
import { type AdminTranslate, adminTranslator } from '../messages.js';
import type { ModelAdmin } from '../site.js';
import { countRows, type RowCount } from './count.js';
import { type FilterView, filterParamNames, filterView, isActive, parseFilter } from './filters.js';
import { type PageLink, pageRange } from './paging.js';
import {
  COUNT_PARAM,
  entriesOf,
  ORDER_PARAM,
  PAGE_PARAM,
  type QueryChanges,
  type QueryEntry,
  type QueryInput,
  QueryLinks,
  SEARCH_PARAM,
} from './params.js';
import { MAX_SEARCH_TERMS, parseSearchTerms, searchCondition } from './search.js';
import {
  columnsOfOrdering,
  orderByOf,
  parseOrderParam,
  type SortedColumn,
  type SortView,
  sortKeysOf,
  sortViews,
} from './sort.js';

export type { RowCount } from './count.js';
export type { FilterKind, FilterOption, FilterView } from './filters.js';
export type { PageLink } from './paging.js';
export type { QueryChanges, QueryEntry, QueryInput } from './params.js';
export type { SortView } from './sort.js';

export interface ChangeListOptions {
  /** TIME_ZONE: date filters count days from local midnight there. */
  timeZone: string;
  /** The admin's messages in the page's language, for the filters' choices (default English). */
  t?: AdminTranslate;
  /** Count every row (also asked for by `?_count=exact`). */
  exactCount?: boolean;
  /** "Now" for the date presets (tests). */
  now?: Date;
  /** A capped count stops here (default 10,000). */
  countCap?: number;
  /** A whole table with an estimate below this is counted instead (default 10,000). */
  estimateThreshold?: number;
}

/** One page of the change list and everything the page component links to. */
export interface ChangeList {
  model: ModelAdmin;
  /** The page's rows, every column, as Drizzle selects them from `model.table`. */
  rows: Record<string, unknown>[];
  /** 1-based. */
  page: number;
  perPage: number;
  /** Null when the total is not exact (an estimate or "more than"). */
  pageCount: number | null;
  /**
   * `p` was past the end. With an exact count the last page is shown instead; otherwise (the end is
   * unknown) `rows` is empty and the page should offer a link to page 1.
   */
  pageOutOfRange: boolean;
  /** Rows matching the search and filters. */
  total: RowCount;
  /** Rows in the table ("N results (M total)"); the same as `total` when nothing is searched or filtered. */
  unfilteredTotal: RowCount;
  /** `q` as given, for the search box ('' when none). */
  search: string;
  /** The terms `q` was split into. */
  searchTerms: string[];
  /** A search or a filter narrows the list. */
  filtered: boolean;
  /** One per `model.filters` entry, in order. */
  filters: FilterView[];
  /** One per sortable list column, in column order. */
  sort: SortView[];
  hasNext: boolean;
  hasPrevious: boolean;
  nextQuery: string | null;
  previousQuery: string | null;
  pageLinks: PageLink[];
  /** Query parameters that were ignored: unknown, or with a value that is not valid. */
  invalidParams: string[];
  /** The query string of this very page (valid parameters only, the actual page number). */
  query: string;
  /** The whole table: search and every filter removed, sort kept (the "M total" link); null when not filtered. */
  unfilteredQuery: string | null;
  /** The list with every filter removed (search and sort kept); null when no filter is active. */
  clearFiltersQuery: string | null;
  /** The same list counted exactly (`_count=exact`); null when both counts are exact already. */
  exactCountQuery: string | null;
  /** The parameters the search form carries as hidden inputs (all but `q`, `p` and `_count`). */
  searchFormParams: QueryEntry[];
  /** This list's query with parameters set or removed (`null`); back to page 1 unless only `p` changes. */
  queryWith(changes: QueryChanges): string;
  /** This list's query without these parameters. */
  queryWithout(...params: string[]): string;
}

/** Parameters read as one value: the last one counts, as in Django's QueryDict. */
function lastValue(params: ReadonlyMap<string, readonly string[]>, name: string): string | undefined {
  return params.get(name)?.at(-1);
}

/** Loads one page of `model`'s change list for a request's query. */
export async function loadChangeList(
  db: Db | Tx,
  model: ModelAdmin,
  query: QueryInput,
  options: ChangeListOptions,
): Promise<ChangeList> {
  const entries = entriesOf(query);
  const params = new Map<string, string[]>();
  for (const [name, value] of entries) params.set(name, [...(params.get(name) ?? []), value]);
  const accepted = new Map<string, string[]>();
  const invalid = new Set<string>();

  // Search
  const search = lastValue(params, SEARCH_PARAM) ?? '';
  let searchTerms = model.searchFields.length > 0 ? parseSearchTerms(search) : [];
  if (search.trim() && model.searchFields.length === 0) invalid.add(SEARCH_PARAM);
  if (searchTerms.length > MAX_SEARCH_TERMS) {
    searchTerms = searchTerms.slice(0, MAX_SEARCH_TERMS);
    invalid.add(SEARCH_PARAM);
  }
  if (searchTerms.length > 0) accepted.set(SEARCH_PARAM, [search]);

  // Filters
  const parsedFilters = model.filters.map((field) => parseFilter(field, params, options.timeZone));
  for (const parsed of parsedFilters) {
    for (const [name, values] of parsed.accepted) accepted.set(name, values);
    for (const name of parsed.invalid) invalid.add(name);
  }

  // Sort
  const order = lastValue(params, ORDER_PARAM);
  let sorted: SortedColumn[] | undefined;
  if (order !== undefined) {
    sorted = parseOrderParam(order, model);
    if (sorted) accepted.set(ORDER_PARAM, [order]);
    else invalid.add(ORDER_PARAM);
  }
  const sortKeys = sorted ? sortKeysOf(model, sorted) : model.ordering;
  const sortedColumns = sorted ?? columnsOfOrdering(model, model.ordering);

  // Page and count
  const pageText = lastValue(params, PAGE_PARAM);
  let requestedPage = 1;
  if (pageText !== undefined) {
    if (/^[1-9]\d{0,8}$/.test(pageText)) requestedPage = Number(pageText);
    else invalid.add(PAGE_PARAM);
  }
  const countText = lastValue(params, COUNT_PARAM);
  if (countText === 'exact') accepted.set(COUNT_PARAM, [countText]);
  else if (countText !== undefined) invalid.add(COUNT_PARAM);
  const exact = options.exactCount === true || countText === 'exact';

  const known = new Set([
    SEARCH_PARAM,
    ORDER_PARAM,
    PAGE_PARAM,
    COUNT_PARAM,
    ...model.filters.flatMap(filterParamNames),
  ]);
  for (const name of params.keys()) if (!known.has(name)) invalid.add(name);

  // The links keep the valid parameters, in request order; the page number is added per link.
  const kept: QueryEntry[] = [];
  const emitted = new Set<string>();
  for (const [name, value] of entries) {
    const pair = JSON.stringify([name, value]);
    if (accepted.get(name)?.includes(value) && !emitted.has(pair)) {
      kept.push([name, value]);
      emitted.add(pair);
    }
  }
  const links = new QueryLinks(kept);

  const where: SQL | undefined = and(
    searchCondition(model.searchFields, searchTerms),
    ...parsedFilters.map((parsed) => parsed.condition),
  );
  const filtered = where !== undefined;
  const countOptions = { exact, cap: options.countCap, estimateThreshold: options.estimateThreshold };
  const { perPage } = model;
  // One row more than a page says whether there is a next one, with or without an exact count.
  const fetchPage = async (number: number) =>
    (await db
      .select()
      .from(model.table)
      .where(where)
      .orderBy(...orderByOf(sortKeys))
      .limit(perPage + 1)
      .offset((number - 1) * perPage)) as Record<string, unknown>[];
  // The counts and the page are independent queries: on PostgreSQL they run at once, on separate connections.
  let [total, unfilteredTotal, fetched] = await Promise.all([
    countRows(db, model.table, where, countOptions),
    filtered ? countRows(db, model.table, undefined, countOptions) : undefined,
    fetchPage(requestedPage),
  ]);

  let page = requestedPage;
  let pageOutOfRange = false;
  if (total.exact) {
    const lastPage = Math.max(1, Math.ceil(total.value / perPage));
    if (page > lastPage) {
      page = lastPage;
      pageOutOfRange = true;
      fetched = await fetchPage(page);
    }
  } else if (fetched.length === 0 && page > 1) {
    // Past the end, which no count tells: an empty page.
    pageOutOfRange = true;
  } else if (fetched.length <= perPage) {
    // The last page: now the total is known.
    total = { value: (page - 1) * perPage + fetched.length, exact: true };
  }
  if (!unfilteredTotal) unfilteredTotal = total;
  const rows = fetched.slice(0, perPage);
  const pageCount = total.exact ? Math.max(1, Math.ceil(total.value / perPage)) : null;
  const hasNext = pageCount === null ? fetched.length > perPage : page < pageCount;

  const pageQuery = (number: number) => links.with({ [PAGE_PARAM]: number > 1 ? String(number) : null });
  const filters = await Promise.all(
    parsedFilters.map((parsed) =>
      filterView(db, parsed, links, {
        timeZone: options.timeZone,
        now: options.now ?? new Date(),
        t: options.t ?? adminTranslator('en'),
      }),
    ),
  );
  const activeFilterParams = parsedFilters
    .filter(isActive)
    .flatMap((parsed) => filterParamNames(parsed.field));

  return {
    model,
    rows,
    page,
    perPage,
    pageCount,
    pageOutOfRange,
    total,
    unfilteredTotal,
    search,
    searchTerms,
    filtered,
    filters,
    sort: sortViews(model, sortedColumns, links),
    hasNext,
    hasPrevious: page > 1,
    nextQuery: hasNext ? pageQuery(page + 1) : null,
    previousQuery: page > 1 ? pageQuery(page - 1) : null,
    pageLinks: pageRange(page, pageCount, hasNext).map(
      (number): PageLink =>
        number === null
          ? { type: 'gap' }
          : { type: 'page', number, current: number === page, query: pageQuery(number) },
    ),
    invalidParams: [...invalid],
    query: pageQuery(page),
    unfilteredQuery: filtered
      ? links.without(SEARCH_PARAM, ...model.filters.flatMap(filterParamNames))
      : null,
    clearFiltersQuery: activeFilterParams.length > 0 ? links.without(...activeFilterParams) : null,
    exactCountQuery:
      total.exact && unfilteredTotal.exact
        ? null
        : links.with({ [COUNT_PARAM]: 'exact', [PAGE_PARAM]: page > 1 ? String(page) : null }),
    searchFormParams: links.except(SEARCH_PARAM, PAGE_PARAM, COUNT_PARAM),
    queryWith: (changes) => links.with(changes),
    queryWithout: (...names) => links.without(...names),
  };
}
