/**
 * Code blocks highlighted on the server with highlight.js: its output is `<span class="hljs-…">`
 * around escaped text, styled by the blog's stylesheet (no inline style, so the strict CSP holds and
 * no script runs in the reader's browser). Unknown or missing languages are escaped, not guessed.
 */
import hljs from 'highlight.js/lib/common';
import { escapeHtml } from '../../../text/html.js';

/** A whole `<pre><code>` block for `code` in `language` (the fence's info word, may be empty). */
export function highlightCode(code: string, language: string): string {
  const name = language.trim().toLowerCase().split(/\s+/)[0] ?? '';
  if (name && hljs.getLanguage(name)) {
    const html = hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
    return `<pre class="Code"><code class="hljs language-${escapeHtml(name)}">${html}</code></pre>`;
  }
  return `<pre class="Code"><code class="hljs">${escapeHtml(code)}</code></pre>`;
}
