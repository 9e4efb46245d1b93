// The body renderer against known sanitizer bypasses (none may survive), and what it must keep.
import { describe, expect, it } from 'vitest';
import { renderBody } from './render.js';

/** Payloads from the usual XSS cheat sheets and the published sanitizer bypasses. */
const CORPUS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<img src="x" onerror="alert(1)"/>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<textarea><img src=x onerror=alert(1)></textarea>',
  '<template><img src=x onerror=alert(1)></template>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="  javascript:alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="jav&#x0A;ascript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
  '<img src="javascript:alert(1)">',
  '<iframe src="https://evil.example"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="https://evil.example"><button>go</button></form>',
  '<base href="https://evil.example/">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<div style="width: expression(alert(1))">x</div>',
  '<p id="__proto__" name="cookie">clobber</p>',
  '<a id="location" href="https://example.com">x</a>',
  '<details open ontoggle=alert(1)>',
  '<body onload=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<input type="image" src="x" onerror="alert(1)">',
  '<video><source onerror="alert(1)"></video>',
  '<a href="https://example.com" onclick="alert(1)">x</a>',
  '[click](javascript:alert(1))',
  '[click](JAVASCRIPT:alert(1))',
  '[click](<javascript:alert(1)>)',
  '[click][ref]\n\n[ref]: javascript:alert(1)',
  '![x](javascript:alert(1))',
  '![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<javascript:alert(1)>',
  '```html\n<script>alert(1)</script>\n```',
  '`<img src=x onerror=alert(1)>`',
  '<div><script>alert(1)</script>text</div>',
  '<<script>script>alert(1)<</script>/script>',
  '<scr<script>ipt>alert(1)</script>',
  '<!--<img src=x onerror=alert(1)>-->',
  '<![CDATA[<img src=x onerror=alert(1)>]]>',
];

/** What must never be in a rendered body (looked for in its tags: escaped text is harmless). */
function dangers(body: string): string[] {
  const html = (body.match(/<[a-z!/][^>]*>/gi) ?? []).join(' ');
  const found: string[] = [];
  if (
    /<\s*(script|style|iframe|object|embed|form|base|meta|link|svg|math|template|noscript|textarea|video|source|body)\b/i.test(
      html,
    )
  )
    found.push('a forbidden element');
  if (/\son[a-z]+\s*=/i.test(html)) found.push('an event handler');
  if (/\sstyle\s*=/i.test(html)) found.push('a style attribute');
  if (/\s(id|name)\s*=/i.test(html)) found.push('an id or name');
  for (const [, value] of html.matchAll(/\s(?:href|src|action|xlink:href|srcdoc|data)\s*=\s*"([^"]*)"/gi)) {
    const decoded = (value ?? '').replace(/&#x?[0-9a-f]+;/gi, '').replace(/\s/g, '');
    const visible = [...decoded].filter((character) => character.charCodeAt(0) >= 0x20).join('');
    if (/^(javascript|vbscript|data):/i.test(visible)) found.push(`a ${visible.split(':')[0]}: URL`);
  }
  return found;
}

describe('renderBody against the XSS corpus', () => {
  for (const format of ['markdown', 'html'] as const) {
    it.each(CORPUS)(`${format}: %j leaves nothing that runs`, async (payload) => {
      const html = await renderBody(payload, format);
      expect(dangers(html), html).toEqual([]);
    });
  }

  it('the checker itself finds what it looks for', () => {
    expect(dangers('<img src="x" onerror="alert(1)">')).toContain('an event handler');
    expect(dangers('<a href="javascript:alert(1)">x</a>')).toContain('a javascript: URL');
    expect(dangers('<p style="x">')).toContain('a style attribute');
  });
});

describe('renderBody keeps what a post needs', () => {
  it('formats Markdown: headings (h1 as h2), tables, task lists, strikethrough, autolinks, code', async () => {
    const html = await renderBody(
      '# Привет, мир\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] сделано\n- [ ] нет\n\n~~old~~ https://example.com\n\n```ts\nconst x = 1;\n```',
      'markdown',
    );
    expect(html).toContain('<h2>Привет, мир</h2>');
    expect(html).toContain('<td>1</td>');
    expect(html).toContain('<input type="checkbox" disabled checked /> сделано');
    expect(html).toContain('<s>old</s>');
    expect(html).toContain(
      '<a href="https://example.com" rel="nofollow noopener noreferrer">https://example.com</a>',
    );
    expect(html).toContain('<code class="hljs language-ts"><span class="hljs-keyword">const</span>');
  });

  it('keeps site-relative links and images, mailto, and the HTML of old CKEditor posts', async () => {
    const html = await renderBody(
      '<p><strong>Жирный</strong> <a href="/blog/other/">ссылка</a> <a href="mailto:me@example.com">почта</a></p><p><img src="/media/uploads/a.png" alt="Фото"></p><ul><li>пункт</li></ul>',
      'html',
    );
    expect(html).toContain('<strong>Жирный</strong>');
    expect(html).toContain('<a href="/blog/other/">ссылка</a>');
    expect(html).toContain('<a href="mailto:me@example.com">почта</a>');
    expect(html).toContain('<img src="/media/uploads/a.png" alt="Фото" />');
    expect(html).toContain('<li>пункт</li>');
  });

  it('escapes code it does not know and text that looks like markup inside code', async () => {
    expect(await renderBody('```nosuchlang\n<b>x</b>\n```', 'markdown')).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(await renderBody('`<b>`', 'markdown')).toContain('<code>&lt;b&gt;</code>');
  });
});
