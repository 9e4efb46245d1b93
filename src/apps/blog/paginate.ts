/**
 * Page numbers as Django's Paginator reads them: `?page=` is a positive integer or `last`; anything else,
 * or a page past the end, is a 404. The first page always exists, even with nothing on it.
 */

/** The page asked for: a number, `last`, or null when the value is malformed. */
export type PageRequest = number | 'last' | null;

/** One page of a list: which rows to fetch and what to link. */
export interface PageWindow {
  number: number;
  numPages: number;
  offset: number;
  limit: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

/** Longer numbers are past any real page count; refusing them keeps `Number` exact. */
const PAGE_NUMBER = /^[0-9]{1,9}$/;

/** The last value of a query parameter (`?page=1&page=2` reads as 2, like Django's QueryDict.get). */
export function queryValue(query: unknown, name: string): string | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const value = (query as Record<string, unknown>)[name];
  const last = Array.isArray(value) ? value.at(-1) : value;
  return typeof last === 'string' ? last : undefined;
}

/** Reads `?page=`: absent or empty is page 1 (Django's ListView: `GET.get('page') or 1`). */
export function parsePageRequest(raw: string | undefined): PageRequest {
  if (raw === undefined || raw === '') return 1;
  if (raw === 'last') return 'last';
  if (!PAGE_NUMBER.test(raw)) return null;
  const page = Number(raw);
  return page >= 1 ? page : null;
}

/** The window for `requested` over `total` rows, or null when that page does not exist. */
export function pageWindow(requested: number | 'last', total: number, perPage: number): PageWindow | null {
  const numPages = Math.max(1, Math.ceil(total / perPage));
  const number = requested === 'last' ? numPages : requested;
  if (number < 1 || number > numPages) return null;
  return {
    number,
    numPages,
    offset: (number - 1) * perPage,
    limit: perPage,
    hasPrevious: number > 1,
    hasNext: number < numPages,
  };
}
