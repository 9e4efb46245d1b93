/**
 * The blog's public addresses, in one place: every page and test builds them here, so a route and the
 * links to it cannot drift apart.
 *
 *   /blog/                      all posts        /blog/feed/
 *   /blog/<slug>/               a post
 *   /blog/category/<slug>/      one category     /blog/category/<slug>/feed/
 *   /blog/tag/<name>/           one tag          /blog/tag/<name>/feed/
 *   /blog/author/<id>/          one author       /blog/author/<id>/feed/
 *   /blog/<yyyy>/               one year
 *   /blog/<yyyy>/<mm>/          one month
 *
 * Authors go by their user id, not their username: a username is half of a login, and a public list
 * of them helps whoever guesses passwords.
 */

export const BLOG_PATH = '/blog/';

/** A year as the archive addresses take it: four digits (posts may not take such a slug). */
export const YEAR_SEGMENT = /^[0-9]{4}$/;
/** A month as the archive addresses take it: two digits. */
export const MONTH_SEGMENT = /^(0[1-9]|1[0-2])$/;

export function postUrl(slug: string): string {
  return `${BLOG_PATH}${encodeURIComponent(slug)}/`;
}

export function categoryUrl(slug: string): string {
  return `${BLOG_PATH}category/${encodeURIComponent(slug)}/`;
}

export function tagUrl(name: string): string {
  return `${BLOG_PATH}tag/${encodeURIComponent(name)}/`;
}

export function authorUrl(id: number): string {
  return `${BLOG_PATH}author/${id}/`;
}

export function archiveUrl(year: number, month?: number): string {
  return month === undefined
    ? `${BLOG_PATH}${year}/`
    : `${BLOG_PATH}${year}/${String(month).padStart(2, '0')}/`;
}

/** The Atom feed of a list page (`/blog/…/` → `/blog/…/feed/`). */
export function feedUrlOf(listPath: string): string {
  return `${listPath}feed/`;
}

/** A list page's address for page `number` (the first page has no `?page=`). */
export function pageUrlOf(listPath: string, number: number): string {
  return number > 1 ? `${listPath}?page=${number}` : listPath;
}
