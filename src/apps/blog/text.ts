/** Turning stored post text into safe page content: paragraphs from plain text, and link targets. */
import { httpUrl } from '../../db/url-field.js';

/**
 * A plain-text body as paragraphs (split on blank lines), each a list of its lines (Django's
 * `linebreaks` filter, minus the HTML: the page escapes the text when it renders it).
 */
export function paragraphsOf(body: string): string[][] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => paragraph.split('\n').map((line) => line.trim()));
}

/**
 * The URL to put in an `href`, or null when it is not an absolute http(s) URL: a `javascript:` or
 * `data:` link typed into the admin must never become a clickable link on the public page.
 */
export function safeLinkUrl(url: string): string | null {
  // Rows saved before the admin checked URLs may hold anything: links are checked again here.
  return httpUrl(url);
}

/** Lower-case letters, digits and single hyphens between them: what the public URLs are made of. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
