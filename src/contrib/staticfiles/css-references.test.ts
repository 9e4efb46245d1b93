import { describe, expect, it } from 'vitest';
import {
  applyReplacements,
  findCssReferences,
  type ResolvedReference,
  resolveCssReference,
  rewrittenReference,
} from './css-references.js';

const urls = (css: string) => findCssReferences(css).map((reference) => reference.url);

describe('findCssReferences', () => {
  it('finds url() in every quoting style and @import strings, in order', () => {
    const css = `@import "base.css";
@import url('theme.css') screen;
.a { background: url(img/a.png); }
.b { background: url( "img/b b.png" ); mask: url('img/c.svg#m'); }`;
    expect(urls(css)).toEqual(['base.css', 'theme.css', 'img/a.png', 'img/b b.png', 'img/c.svg#m']);
  });

  it('ignores references inside comments', () => {
    expect(urls('/* url(gone.png) @import "x.css"; */ .a { background: url(kept.png) }')).toEqual([
      'kept.png',
    ]);
  });

  it('gives the offsets of the URL text itself, without quotes', () => {
    const css = '.a{background:url("x.png")}';
    const [reference] = findCssReferences(css);
    expect(css.slice(reference?.start, reference?.end)).toBe('x.png');
  });
});

describe('resolveCssReference', () => {
  it('resolves relative paths against the CSS file folder and keeps query and fragment apart', () => {
    expect(resolveCssReference('../fonts/a.woff2?v=3#x', 'css/site.css', '/static/')).toEqual({
      target: 'fonts/a.woff2',
      path: '../fonts/a.woff2',
      suffix: '?v=3#x',
    });
    expect(resolveCssReference('b.css', 'css/site.css', '/static/')).toMatchObject({ target: 'css/b.css' });
  });

  it('resolves absolute paths under STATIC_URL against the static root', () => {
    expect(resolveCssReference('/static/img/a.png', 'css/deep/x.css', '/static/')).toMatchObject({
      target: 'img/a.png',
    });
  });

  it('decodes percent-encoded names to find the file', () => {
    expect(resolveCssReference('img/a%20b.png', 'site.css', '/static/')).toMatchObject({
      target: 'img/a b.png',
    });
  });

  it('leaves external references, fragments and other absolute paths alone', () => {
    for (const url of [
      'data:image/png;base64,AAAA',
      'https://cdn.example.com/x.png',
      'http://example.com/x.png',
      '//cdn.example.com/x.png',
      '#filter',
      '/media/upload.png',
      '',
    ]) {
      expect(resolveCssReference(url, 'css/site.css', '/static/'), url).toBeNull();
    }
  });

  it('reports a reference that climbs above the static root', () => {
    expect(resolveCssReference('../../secret.png', 'css/site.css', '/static/')).toBe('outside');
    expect(resolveCssReference('/static/../x.png', 'css/site.css', '/static/')).toBe('outside');
  });
});

describe('rewrittenReference and applyReplacements', () => {
  it('changes only the file name, keeping the path form, query and fragment', () => {
    const reference = resolveCssReference(
      '../img/a.png?v=1#top',
      'css/site.css',
      '/static/',
    ) as ResolvedReference;
    expect(rewrittenReference(reference, 'img/a.0123456789ab.png')).toBe('../img/a.0123456789ab.png?v=1#top');
  });

  it('keeps percent-encoding when the author used it', () => {
    const reference = resolveCssReference('a%20b.png', 'site.css', '/static/') as ResolvedReference;
    expect(rewrittenReference(reference, 'a b.0123456789ab.png')).toBe('a%20b.0123456789ab.png');
  });

  it('replaces only the references given, leaving the rest of the text as it was', () => {
    const css = '.a{background:url(a.png)} .b{background:url("b.png")}';
    const references = findCssReferences(css);
    const second = references[1]?.start as number;
    expect(applyReplacements(css, references, new Map([[second, 'b.hash.png']]))).toBe(
      '.a{background:url(a.png)} .b{background:url("b.hash.png")}',
    );
  });
});
