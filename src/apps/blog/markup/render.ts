/**
 * A post body as the page shows it: Markdown rendered (./markdown.ts) or HTML taken as written (posts
 * from the Django site's CKEditor), then sanitized (./sanitize.ts) in both cases. Run once on save
 * (the post's `body_html`), and on read for a post saved before bodies were rendered.
 *
 * The Markdown, highlighting and sanitizing libraries load on the first render, not when a worker
 * starts: they were about 120 ms of every worker's boot, and most workers serve stored HTML only.
 */
export type BodyFormat = 'markdown' | 'html';

/** Renders and sanitizes a body; sync once loaded. */
export type BodyRenderer = (source: string, format: BodyFormat) => string;

let loading: Promise<BodyRenderer> | undefined;

/** The renderer, for code that renders many bodies in a loop (the Django import, the demo site). */
export function loadBodyRenderer(): Promise<BodyRenderer> {
  loading ??= Promise.all([import('./markdown.js'), import('./sanitize.js')]).then(
    ([{ markdownToHtml }, { sanitizeBody }]) =>
      (source: string, format: BodyFormat) =>
        sanitizeBody(format === 'html' ? source : markdownToHtml(source)),
    (error: unknown) => {
      loading = undefined; // the next render tries again
      throw error;
    },
  );
  return loading;
}

export async function renderBody(source: string, format: BodyFormat): Promise<string> {
  return (await loadBodyRenderer())(source, format);
}

/**
 * The HTML a row stored on save; a row saved before bodies were rendered (or moved by a migration) is
 * rendered now. An empty source is empty HTML without loading the libraries.
 */
export async function storedOrRendered(html: string, source: string, format: BodyFormat): Promise<string> {
  return html || (source ? renderBody(source, format) : '');
}
