/** Link targets typed in the admin, checked again before they reach a page. */
import { httpUrl } from '../../db/url-field.js';

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
