/**
 * The page links under the list: a few pages either side of the current one, the first and last,
 * and gaps between (Django's `Paginator.get_elided_page_range`): `1 … 4 5 [6] 7 8 … 50`.
 */

/** A page number to link to, or a gap (`…`). */
export type PageLink = { type: 'page'; number: number; current: boolean; query: string } | { type: 'gap' };

/** Pages shown either side of the current one. */
export const PAGES_EACH_SIDE = 2;
/** Pages shown at each end. */
export const PAGES_AT_ENDS = 1;

/**
 * Page numbers to show, `null` for a gap. With `pageCount` null (only an estimate is known) the list
 * ends after the next page, with a gap when there is one.
 */
export function pageRange(
  current: number,
  pageCount: number | null,
  hasNext: boolean,
  eachSide: number = PAGES_EACH_SIDE,
  atEnds: number = PAGES_AT_ENDS,
): (number | null)[] {
  const span = (from: number, to: number) =>
    Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  if (pageCount !== null && pageCount <= (eachSide + atEnds) * 2 + 1) return span(1, pageCount);
  // A gap hides at least two pages; hiding one would take as much room as showing it.
  const left =
    current > 1 + eachSide + atEnds + 1
      ? [...span(1, atEnds), null, ...span(current - eachSide, current)]
      : span(1, current);
  if (pageCount === null) return hasNext ? [...left, current + 1, null] : left;
  const right =
    current < pageCount - eachSide - atEnds - 1
      ? [...span(current + 1, current + eachSide), null, ...span(pageCount - atEnds + 1, pageCount)]
      : span(current + 1, pageCount);
  return [...left, ...right];
}
