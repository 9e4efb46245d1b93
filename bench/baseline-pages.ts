/**
 * The baseline's HTML pages, written as an expert writes them by hand: template strings, with only the
 * values that come from outside escaped. bench/baseline-pages-tsx.tsx has the same pages in TSX
 * rendered by Preact (Keen's renderer), for `npm run bench -- --baseline-renderer tsx`: the two must
 * give the same bytes (test/bench/baseline-pages.test.ts).
 */
import { BENCH_ITEMS_URL, LOGIN_PATH } from './bench-constants.js';

export interface ItemRow {
  id: number;
  title: string;
  created_at: Date;
}

/** What the baseline's routes render; both renderers implement it. */
export interface BaselinePages {
  login(token: string, path: string): string;
  items(
    username: string,
    logoutToken: string,
    formToken: string,
    items: readonly ItemRow[],
    path: string,
  ): string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
};

// The characters Preact escapes, so both renderers agree byte for byte: in text and double-quoted
// attributes, `>` and `'` end nothing.
export function escapeHtml(text: string): string {
  return text.replace(/[&<"]/g, (c) => ESCAPES[c] as string);
}

/** Keen's frame: site and account navigation, and the language links back to this page. */
export function page(
  title: string,
  username: string | null,
  logoutToken: string,
  main: string,
  path: string,
): string {
  const nav =
    username !== null
      ? `<span class="SiteHeader-user">${escapeHtml(username)}</span><a href="/accounts/password_change/">Change password</a><form method="post" action="/accounts/logout/" class="SiteHeader-logout"><input type="hidden" name="_csrf" value="${logoutToken}"/><button type="submit">Log out</button></form>`
      : '<a href="/accounts/login/">Log in</a>';
  const languages = `<nav class="LanguageSwitcher" aria-label="Language"><span class="LanguageSwitcher-current" lang="en" aria-current="true">English</span><a href="/i18n/setlang/?language=ru&amp;next=${escapeHtml(encodeURIComponent(path))}" lang="ru" hreflang="ru" rel="nofollow">Русский</a></nav>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>${escapeHtml(title)} · Keen</title><link rel="stylesheet" href="/static/css/site.css"/></head><body><header class="SiteHeader"><a class="SiteHeader-brand" href="/">Keen</a><nav class="SiteHeader-nav" aria-label="Site"><a href="/blog/">Blog</a><a href="/resume/">Résumé</a></nav><nav class="SiteHeader-nav SiteHeader-account" aria-label="Account">${nav}${languages}</nav></header><main class="Page">${main}</main><footer class="SiteFooter">Served by Keen</footer></body></html>`;
}

function field(name: string, label: string, type: string, autocomplete = '', autofocus = false): string {
  const completion = autocomplete ? ` autocomplete="${autocomplete}"` : '';
  return `<div class="Field"><label for="id_${name}">${label}</label><input id="id_${name}" name="${name}" type="${type}"${completion} required${autofocus ? ' autofocus' : ''}/></div>`;
}

export const templatePages: BaselinePages = {
  login(token, path) {
    return page(
      'Log in',
      null,
      '',
      `<h1>Log in</h1><form method="post" action="${LOGIN_PATH}" class="Form"><input type="hidden" name="_csrf" value="${token}"/><input type="hidden" name="next" value/>${field('username', 'Username', 'text', 'username', true)}${field('password', 'Password', 'password', 'current-password')}<button type="submit">Log in</button></form>`,
      path,
    );
  },
  items(username, logoutToken, formToken, items, path) {
    let rows = '';
    for (const item of items) {
      rows += `<tr><td>${item.id}</td><td>${escapeHtml(item.title)}</td><td>${item.created_at.toISOString()}</td></tr>`;
    }
    return page(
      'Items',
      username,
      logoutToken,
      `<h1>Items</h1><table class="Items"><thead><tr><th>#</th><th>Title</th><th>Created</th></tr></thead><tbody>${rows}</tbody></table><form method="post" action="${BENCH_ITEMS_URL}" class="Form"><input type="hidden" name="_csrf" value="${formToken}"/>${field('title', 'Title', 'text')}<button type="submit">Add</button></form>`,
      path,
    );
  },
};
