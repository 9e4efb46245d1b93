// The import's report names what the sanitizer removed from a Django text, and nothing it only
// rewrote: CKEditor's entities and self-closing tags come back in another spelling on every post.
import { beforeAll, describe, expect, it } from 'vitest';
import { type BodyRenderer, loadBodyRenderer } from '../../src/apps/blog/markup/render.js';
import { removedMarkup } from '../../src/import-django/removed-markup.js';

let render: BodyRenderer;
beforeAll(async () => {
  render = await loadBodyRenderer();
});
const removed = (html: string) => removedMarkup(html, render(html, 'html'));

describe('removedMarkup', () => {
  it('is empty when the sanitizer only rewrote the spelling', () => {
    expect(
      removed(
        '<p>Привет&nbsp;мир &laquo;ёлки&raquo; &mdash; да<br />ещё</p>\n<p><img alt="Эльбрус" src="/media/a.jpg" /></p>' +
          '<h2>Заголовок</h2><ul>\n\t<li><a href="https://example.org/">ссылка</a></li>\n</ul>',
      ),
    ).toEqual([]);
  });

  it('names removed elements and attributes once each, in the order the source has them', () => {
    expect(
      removed(
        '<p style="text-align:center">a</p><script>alert(1)</script><p style="color:red" onclick="x()">b</p>' +
          '<iframe src="https://evil.example/"></iframe><a href="https://x.ru" target="_blank">x</a>',
      ),
    ).toEqual(['style on <p>', '<script>', 'onclick on <p>', '<iframe>', 'src on <iframe>', 'target on <a>']);
  });
});
