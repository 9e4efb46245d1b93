// The static stage in production (manifest) mode: WN-02, WN-05, WN-06, caching and no path out of the root.
import { renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectStatic } from '../../src/contrib/staticfiles/collect.js';
import { staticSources } from '../../src/contrib/staticfiles/finder.js';
import { installedApps } from '../../src/installed-apps.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ENGINE } from '../support/database.js';
import { BIG_CSS, PNG, tempDir, writeTree } from './fixtures.js';

describe(`serving collected static files (${ENGINE})`, () => {
  let t: TestApp;
  let paths: Map<string, string>;
  let staticRoot: string;
  const get = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
    t.app.inject({ method: method as 'GET', url, headers: { host: 'localhost', ...headers } });

  beforeAll(async () => {
    const extra = writeTree(tempDir('extra'), {
      'js/app.js': BIG_CSS,
      'img/logo.png': PNG,
      'notes.txt': 'hello static world\n',
    });
    staticRoot = join(tempDir('root'), 'staticfiles');
    const apps = [...installedApps, { name: 'extra', staticDir: extra }];
    ({ paths } = await collectStatic({ staticRoot, staticUrl: '/static/', sources: staticSources(apps) }));
    const outside = writeTree(tempDir('outside'), { 'secret.txt': 'outside the root' });
    symlinkSync(join(outside, 'secret.txt'), join(staticRoot, 'escape.txt'));
    symlinkSync(outside, join(staticRoot, 'escape-dir'));
    t = await createTestApp({ env: { STATIC_ROOT: staticRoot }, apps, staticMode: 'manifest' });
  });
  afterAll(() => t?.close());

  it('pages link the hashed name, which is cached for a year; the plain name briefly', async () => {
    const home = await get('/');
    const hashedCss = paths.get('css/site.css') as string;
    expect(home.body).toContain(`href="/static/${hashedCss}"`);
    const errorPage = await get('/no-such-page/');
    expect(errorPage.statusCode).toBe(404);
    expect(errorPage.body).toContain(`href="/static/${hashedCss}"`);
    const hashed = await get(`/static/${hashedCss}`);
    expect(hashed.statusCode).toBe(200);
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(hashed.headers['content-type']).toBe('text/css; charset=utf-8');
    const plain = await get('/static/css/site.css');
    expect(plain.headers['cache-control']).toBe('public, max-age=60');
    expect(plain.body).toBe(hashed.body);
  });

  it('a served file is answered once: no error after the response, the file info stays cached', async () => {
    const hashedCss = paths.get('css/site.css') as string;
    const before = t.logs.length;
    for (let i = 0; i < 3; i++) expect((await get(`/static/${hashedCss}`)).statusCode).toBe(200);
    const after = t.logs.slice(before);
    // Before the fix, every request also logged a 404 (KEEN_E_NOT_FOUND) after the 200 went out.
    expect(after.filter((line) => line.code !== undefined || (line.level as number) >= 40)).toEqual([]);
    expect(after.filter((line) => line.msg === 'request').map((line) => line.status)).toEqual([
      200, 200, 200,
    ]);
  });

  it('keeps the security headers and never touches the session', async () => {
    const res = await get(`/static/${paths.get('notes.txt')}`, { cookie: 'sessionid=whatever' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(String(res.headers.vary ?? '')).not.toContain('Cookie');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('picks br or gzip by Accept-Encoding, with Vary, and the plain file otherwise', async () => {
    const url = `/static/${paths.get('js/app.js')}`;
    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(BIG_CSS);
    expect(Number(br.headers['content-length'])).toBe(br.rawPayload.length);
    const gz = await get(url, { 'accept-encoding': 'br;q=0, gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(BIG_CSS);
    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(BIG_CSS);
    for (const res of [br, gz, plain]) expect(res.headers.vary).toBe('Accept-Encoding');
    expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(3);
  });

  it('sends no Vary and no encoding for files without variants (images)', async () => {
    const res = await get(`/static/${paths.get('img/logo.png')}`, { 'accept-encoding': 'br, gzip' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toBeUndefined();
    expect(res.rawPayload.equals(PNG)).toBe(true);
  });

  it('answers 304 to If-None-Match and If-Modified-Since, 200 when the copy is old', async () => {
    const url = `/static/${paths.get('js/app.js')}`;
    const first = await get(url, { 'accept-encoding': 'br' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    const byTag = await get(url, { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(byTag.statusCode).toBe(304);
    expect(byTag.body).toBe('');
    expect(byTag.headers.etag).toBe(etag);
    expect(byTag.headers.vary).toBe('Accept-Encoding');
    expect((await get(url, { 'accept-encoding': 'br', 'if-none-match': `W/${etag}` })).statusCode).toBe(304);
    expect((await get(url, { 'if-none-match': '"stale"' })).statusCode).toBe(200);
    const lastModified = first.headers['last-modified'] as string;
    expect((await get(url, { 'if-modified-since': lastModified })).statusCode).toBe(304);
    expect((await get(url, { 'if-modified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' })).statusCode).toBe(200);
  });

  it('serves single byte ranges of the uncompressed file: 206, and 416 past the end', async () => {
    const url = `/static/${paths.get('notes.txt')}`;
    const size = 'hello static world\n'.length;
    const part = await get(url, { range: 'bytes=6-11', 'accept-encoding': 'br, gzip' });
    expect(part.statusCode).toBe(206);
    expect(part.body).toBe('static');
    expect(part.headers['content-range']).toBe(`bytes 6-11/${size}`);
    expect(part.headers['content-length']).toBe('6');
    expect(part.headers['content-encoding']).toBeUndefined();
    const tail = await get(url, { range: 'bytes=-6' });
    expect(tail.body).toBe('world\n');
    const bigPart = await get(`/static/${paths.get('js/app.js')}`, {
      range: 'bytes=0-5',
      'accept-encoding': 'br',
    });
    expect(bigPart.statusCode).toBe(206);
    expect(bigPart.body).toBe(BIG_CSS.slice(0, 6));
    expect(bigPart.headers.vary).toBe('Accept-Encoding');
    const beyond = await get(url, { range: `bytes=${size}-` });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${size}`);
    expect((await get(url, { range: 'bytes=0-1,4-5' })).statusCode).toBe(200);
    expect((await get(url, { range: 'bytes=0-1', 'if-range': '"old"' })).statusCode).toBe(200);
  });

  it('HEAD has the headers of GET and no body', async () => {
    const url = `/static/${paths.get('js/app.js')}`;
    const head = await get(url, { 'accept-encoding': 'gzip' }, 'HEAD');
    const full = await get(url, { 'accept-encoding': 'gzip' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    for (const name of [
      'content-length',
      'content-type',
      'content-encoding',
      'etag',
      'cache-control',
      'vary',
    ]) {
      expect(head.headers[name], name).toBe(full.headers[name]);
    }
  });

  it('other methods get 405 with Allow: GET, HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await get(`/static/${paths.get('notes.txt')}`, {}, method);
      expect(res.statusCode, method).toBe(405);
      expect(res.headers.allow, method).toBe('GET, HEAD');
    }
  });

  it('no path leaves STATIC_ROOT', async () => {
    for (const path of [
      '/static/../package.json',
      '/static/%2e%2e/package.json',
      '/static/%2E%2E/%2E%2E/package.json',
      '/static/css%2f..%2f..%2fpackage.json',
      '/static/css/..%2F..%2Fpackage.json',
      '/static/css/..%5c..%5cpackage.json',
      '/static/css\\..\\..\\package.json',
      '/static/%252e%252e/package.json',
      '/static/css/site.css%00.txt',
      '/static//etc/passwd',
      '/static/escape.txt',
      '/static/escape-dir/secret.txt',
      '/static/.hidden',
      '/static/',
    ]) {
      const res = await get(path);
      // A NUL is refused by the common stage (400) before the static route; the others are not found.
      expect(res.statusCode, path).toBe(path.includes('%00') ? 400 : 404);
      expect(res.body).not.toContain('outside the root');
      expect(res.body).not.toContain('"name": "keen"');
    }
  });

  it('notices a file replaced under the running server (collectstatic again) instead of sending stale sizes', async () => {
    const url = '/static/notes.txt';
    expect((await get(url)).body).toBe('hello static world\n');
    writeFileSync(join(staticRoot, '.next'), 'changed, and longer than before\n');
    renameSync(join(staticRoot, '.next'), join(staticRoot, 'notes.txt'));
    const after = await get(url);
    expect(after.body).toBe('changed, and longer than before\n');
    expect(Number(after.headers['content-length'])).toBe(after.rawPayload.length);
  });

  it('keeps hashed files in memory once served: no disk read after the first, ranges and encodings too', async () => {
    const hashedJs = paths.get('js/app.js') as string;
    const url = `/static/${hashedJs}`;
    const first = await get(url, { 'accept-encoding': 'br' });
    const plain = await get(url);
    // Gone from the disk: a name that never changes content is answered from memory, identically.
    for (const suffix of ['', '.br'])
      renameSync(join(staticRoot, hashedJs + suffix), join(staticRoot, `${hashedJs}${suffix}.moved`));
    try {
      const again = await get(url, { 'accept-encoding': 'br' });
      expect(again.statusCode).toBe(200);
      expect(again.headers['content-encoding']).toBe('br');
      expect(again.rawPayload).toEqual(first.rawPayload);
      expect(again.headers.etag).toBe(first.headers.etag);
      const range = await get(url, { range: 'bytes=10-19' });
      expect(range.statusCode).toBe(206);
      expect(range.rawPayload).toEqual(plain.rawPayload.subarray(10, 20));
      expect(range.headers['content-length']).toBe('10');
      expect((await get(url, { 'if-none-match': plain.headers.etag as string })).statusCode).toBe(304);
    } finally {
      for (const suffix of ['', '.br'])
        renameSync(join(staticRoot, `${hashedJs}${suffix}.moved`), join(staticRoot, hashedJs + suffix));
    }
  });
});

describe(`static files in memory: the limits (${ENGINE})`, () => {
  it('never keeps plain names, files over STATIC_MEMORY_FILE_MAX, or past STATIC_MEMORY_BUDGET', async () => {
    const extra = writeTree(tempDir('limits'), { 'big.js': BIG_CSS, 'small.txt': 'small\n' });
    const staticRoot = join(tempDir('limits-root'), 'staticfiles');
    const apps = [...installedApps, { name: 'extra', staticDir: extra }];
    const { paths } = await collectStatic({
      staticRoot,
      staticUrl: '/static/',
      sources: staticSources(apps),
    });
    const t = await createTestApp({
      env: { STATIC_ROOT: staticRoot, STATIC_MEMORY_FILE_MAX: String(BIG_CSS.length - 1) },
      apps,
      staticMode: 'manifest',
    });
    try {
      const get = (url: string) => t.app.inject({ url, headers: { host: 'localhost' } });
      const big = paths.get('big.js') as string;
      expect((await get(`/static/${big}`)).statusCode).toBe(200);
      expect((await get('/static/small.txt')).statusCode).toBe(200);
      // Neither was kept: with the files gone from the disk, both are 404.
      renameSync(join(staticRoot, big), join(staticRoot, `${big}.moved`));
      renameSync(join(staticRoot, 'small.txt'), join(staticRoot, 'small.txt.moved'));
      expect((await get(`/static/${big}`)).statusCode).toBe(404);
      expect((await get('/static/small.txt')).statusCode).toBe(404);
      const small = paths.get('small.txt') as string;
      expect((await get(`/static/${small}`)).statusCode).toBe(200);
    } finally {
      await t.close();
    }
    const none = await createTestApp({
      env: { STATIC_ROOT: staticRoot, STATIC_MEMORY_BUDGET: '0' },
      apps,
      staticMode: 'manifest',
    });
    try {
      const small = paths.get('small.txt') as string;
      const get = (url: string) => none.app.inject({ url, headers: { host: 'localhost' } });
      expect((await get(`/static/${small}`)).statusCode).toBe(200);
      renameSync(join(staticRoot, small), join(staticRoot, `${small}.moved`));
      expect((await get(`/static/${small}`)).statusCode).toBe(404);
    } finally {
      await none.close();
    }
  });
});
