/**
 * The change list's query string: the parameters it understands (Django's ChangeList vars) and the
 * links it builds from them. Every link keeps the other parameters and goes back to the first page,
 * as Django's `get_query_string` does.
 */

/** `?q=`: the search box. */
export const SEARCH_PARAM = 'q';
/** `?o=2.-1`: the sorted columns. */
export const ORDER_PARAM = 'o';
/** `?p=3`: the page, 1-based. */
export const PAGE_PARAM = 'p';
/** `?_count=exact`: count every row, however many. */
export const COUNT_PARAM = '_count';

/** The request's parsed query, as Fastify gives it (a repeated parameter is an array). */
export type QueryInput = Record<string, string | readonly string[] | undefined>;

/** One parameter, in the order the request gave them. */
export type QueryEntry = readonly [name: string, value: string];

/** Parameters to set (a value or several), or to remove (`null`). */
export type QueryChanges = Record<string, string | readonly string[] | null>;

/** The parameters as a flat list, in request order. */
export function entriesOf(query: QueryInput): QueryEntry[] {
  const entries: QueryEntry[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const one of typeof value === 'string' ? [value] : value) entries.push([name, one]);
  }
  return entries;
}

/** `?a=1&b=x%20y`; `?` alone when there is nothing (an empty href would keep the current query). */
export function formatQuery(entries: readonly QueryEntry[]): string {
  return `?${entries.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}`;
}

/**
 * Builds the change list's links from the parameters it kept (valid ones only: a bad parameter is
 * not carried into the links).
 */
export class QueryLinks {
  constructor(readonly entries: readonly QueryEntry[]) {}

  /** The current query string. */
  toString(): string {
    return formatQuery(this.entries);
  }

  /** The first value of a parameter. */
  get(name: string): string | undefined {
    return this.entries.find(([entryName]) => entryName === name)?.[1];
  }

  /**
   * The query with `changes` made: each named parameter replaced in place (or appended), `null` removes it.
   * Changing anything but the page goes back to page 1 and drops `_count` (a new result set is counted afresh).
   */
  with(changes: QueryChanges): string {
    const names = Object.keys(changes);
    const dropped = new Set(names);
    if (names.some((name) => name !== PAGE_PARAM)) {
      if (!(PAGE_PARAM in changes)) dropped.add(PAGE_PARAM);
      if (!(COUNT_PARAM in changes)) dropped.add(COUNT_PARAM);
    }
    const result: QueryEntry[] = [];
    const placed = new Set<string>();
    const place = (name: string) => {
      placed.add(name);
      const value = changes[name];
      if (value === null || value === undefined) return;
      for (const one of typeof value === 'string' ? [value] : value) result.push([name, one]);
    };
    for (const entry of this.entries) {
      const [name] = entry;
      if (!dropped.has(name)) result.push(entry);
      else if (name in changes && !placed.has(name)) place(name);
    }
    for (const name of names) if (!placed.has(name)) place(name);
    return formatQuery(result);
  }

  /** The query without these parameters (back to page 1, unless only the page is removed). */
  without(...names: string[]): string {
    return this.with(Object.fromEntries(names.map((name) => [name, null])));
  }

  /** The parameters but these, e.g. for the search form's hidden inputs. */
  except(...names: string[]): QueryEntry[] {
    return this.entries.filter(([name]) => !names.includes(name));
  }
}
