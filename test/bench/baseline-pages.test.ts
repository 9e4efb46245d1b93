/**
 * The bench's baseline renders its pages either with template strings or, with `--baseline-renderer
 * tsx`, with Preact as Keen does. The two must send the same bytes, or the flag would compare
 * different pages instead of two ways of writing one.
 */
import { describe, expect, it } from 'vitest';
import { templatePages } from '../../bench/baseline-pages.js';
import { tsxPages } from '../../bench/baseline-pages-tsx.js';

const hostile = `<script>alert("x")</script> & 'quoted'`;
const rows = [
  { id: 10_000, title: 'Item 10000', created_at: new Date('2026-12-06T10:00:00Z') },
  { id: 9_999, title: hostile, created_at: new Date('2026-12-06T09:59:59.123Z') },
];

describe('baseline pages', () => {
  it('renders the login page alike in both renderers', () => {
    const path = '/accounts/login/?next=/a&b="c"';
    const html = templatePages.login('tokenAbc123', path);
    expect(tsxPages.login('tokenAbc123', path)).toBe(html);
    expect(html).toContain(
      '<input id="id_username" name="username" type="text" autocomplete="username" required autofocus/>',
    );
  });

  it('renders the list page alike, escaping the values from outside', () => {
    const html = templatePages.items(hostile, 'logoutTok', 'formTok', rows, '/bench/items/');
    expect(tsxPages.items(hostile, 'logoutTok', 'formTok', rows, '/bench/items/')).toBe(html);
    expect(html).not.toContain('<script>');
    expect(html).toContain("&lt;script>alert(&quot;x&quot;)&lt;/script> &amp; 'quoted'");
    expect(html).toContain('<td>2026-12-06T09:59:59.123Z</td>');
  });
});
