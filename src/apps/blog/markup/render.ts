/**
 * A post body as the page shows it: Markdown rendered (./markdown.ts) or HTML taken as written (posts
 * from the Django site's CKEditor), then sanitized (./sanitize.ts) in both cases. Run once on save
 * (the post's `body_html`), and on read for a post saved before bodies were rendered.
 */
import { markdownToHtml } from './markdown.js';
import { sanitizeBody } from './sanitize.js';

export type BodyFormat = 'markdown' | 'html';

export function renderBody(source: string, format: BodyFormat): string {
  return sanitizeBody(format === 'html' ? source : markdownToHtml(source));
}
