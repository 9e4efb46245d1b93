// Asset handles, hashed names, compression rules and the manifest format: the small pure pieces.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { declaredAssets, isAssetPath, staticAsset } from './asset.js';
import { compress, decompressesTo, shouldCompress, worthKeeping } from './compress.js';
import { contentHash, hashedName } from './hashed-name.js';
import { parseManifest, serializeManifest } from './manifest.js';

describe('staticAsset', () => {
  it('returns one handle per path and remembers it for the start-up check', () => {
    const a = staticAsset('img/naming-test.png');
    expect(staticAsset('img/naming-test.png')).toBe(a);
    expect(declaredAssets()).toContain(a);
  });

  it('refuses paths that cannot name a collected file', () => {
    for (const bad of [
      '',
      '/css/x.css',
      'css//x.css',
      '../x.css',
      'css/./x.css',
      '.env',
      'a\\b',
      'x.css?v=1',
    ]) {
      expect(isAssetPath(bad), bad).toBe(false);
      expect(() => staticAsset(bad), bad).toThrow(expect.objectContaining({ code: 'KEEN_E_STATIC' }));
    }
  });
});

describe('hashedName', () => {
  it('puts the first 12 hex digits of the MD5 before the extension', () => {
    const content = Buffer.from('body{}');
    const hash = contentHash(content);
    expect(hash).toBe(createHash('md5').update(content).digest('hex').slice(0, 12));
    expect(hashedName('css/site.css', hash)).toBe(`css/site.${hash}.css`);
    expect(hashedName('app.min.js', 'abc')).toBe('app.min.abc.js');
    expect(hashedName('LICENSE', 'abc')).toBe('LICENSE.abc');
  });
});

describe('compression rules', () => {
  it('never compresses images, fonts, archives or media', () => {
    for (const name of ['a.png', 'a.JPG', 'f.woff2', 'x.zip', 'x.gz', 'v.mp4', 'd.pdf', 'i.avif', 'i.ico']) {
      expect(shouldCompress(name), name).toBe(false);
    }
    for (const name of ['a.css', 'a.js', 'a.svg', 'a.json', 'README'])
      expect(shouldCompress(name), name).toBe(true);
  });

  it('keeps a variant only when it is at least 5% smaller', () => {
    expect(worthKeeping(95, 100)).toBe(true);
    expect(worthKeeping(96, 100)).toBe(false);
    expect(worthKeeping(0, 0)).toBe(false);
  });

  it('gzip output is deterministic: zero mtime, no file name, same bytes every time', () => {
    const content = Buffer.from('a'.repeat(1000));
    const first = compress(content, 'gzip');
    expect(compress(content, 'gzip').equals(first)).toBe(true);
    expect(first.readUInt32LE(4)).toBe(0); // MTIME
    expect((first[3] as number) & 0x08).toBe(0); // FLG.FNAME
    expect(gunzipSync(first).equals(content)).toBe(true);
    expect(decompressesTo(compress(content, 'br'), 'br', content)).toBe(true);
    expect(decompressesTo(first, 'br', content)).toBe(false);
  });
});

describe('manifest format', () => {
  it('writes sorted paths under version 1 and reads them back', () => {
    const text = serializeManifest(
      new Map([
        ['b.css', 'b.2.css'],
        ['a.css', 'a.1.css'],
      ]),
    );
    expect(text.indexOf('a.css')).toBeLessThan(text.indexOf('b.css'));
    expect(parseManifest(text, 'x')).toEqual({
      version: 1,
      paths: { 'a.css': 'a.1.css', 'b.css': 'b.2.css' },
    });
  });

  it('refuses text that is not a version 1 manifest, with KEEN_E_STATIC', () => {
    for (const text of ['{', '{"version":2,"paths":{}}', '{"version":1}', '{"version":1,"paths":{"a":1}}']) {
      expect(() => parseManifest(text, 'staticfiles.json'), text).toThrow(
        expect.objectContaining({ code: 'KEEN_E_STATIC' }),
      );
    }
  });
});
