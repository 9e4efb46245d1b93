// The page cache's rules on routes of a test app of its own: Vary is respected, and a response that
// sets a cookie, says private, is not a 200, or holds a token outside a hole is never stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HOLE, pageValue } from '../../src/contrib/cache/page-holes.js';
import { installedApps } from '../../src/installed-apps.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ENGINE } from '../support/database.js';

let renders = 0;
const cached = { config: { pageCache: { seconds: 60 } } };

const probeApp: KeenApp = {
  name: 'cacheprobe',
  routes(app) {
    app.get('/probe/vary/', cached, async (request, reply) => {
      renders += 1;
      return reply
        .header('vary', 'X-Variant')
        .type('text/plain')
        .send(`variant ${request.headers['x-variant']}`);
    });
    app.get('/probe/cookie/', cached, async (_request, reply) => {
      renders += 1;
      return reply.header('set-cookie', 'seen=1; Path=/').type('text/plain').send('sets a cookie');
    });
    app.get('/probe/private/', cached, async (_request, reply) => {
      renders += 1;
      return reply.header('cache-control', 'private').type('text/plain').send('private');
    });
    app.get('/probe/missing/', cached, async (_request, reply) => {
      renders += 1;
      return reply.code(404).type('text/plain').send('not here');
    });
    app.get('/probe/token/', cached, async (request, reply) => {
      renders += 1;
      return reply.type('text/html').send(`<input name="_csrf" value="${request.csrfToken()}">`);
    });
    app.get('/probe/hole/', cached, async (request, reply) => {
      renders += 1;
      return reply.type('text/html').send(`<input name="_csrf" value="${pageValue(request, CSRF_HOLE)}">`);
    });
  },
};

describe(`page cache rules (${ENGINE})`, () => {
  let t: TestApp;
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { host: 'localhost', ...headers } });

  beforeAll(async () => {
    t = await createTestApp({ apps: [...installedApps, probeApp], env: { CACHE_STORE: 'memory' } });
  });
  afterAll(() => t.close());

  it('stores one page per value of a header the response varies on', async () => {
    renders = 0;
    expect((await get('/probe/vary/', { 'x-variant': 'a' })).body).toBe('variant a');
    const b = await get('/probe/vary/', { 'x-variant': 'b' });
    expect(b.body).toBe('variant b');
    expect(b.headers['x-keen-cache']).toBe('miss');
    const again = await get('/probe/vary/', { 'x-variant': 'b' });
    expect(again.headers['x-keen-cache']).toBe('hit');
    expect(again.body).toBe('variant b');
    expect(again.headers.vary).toContain('X-Variant');
    expect(renders).toBe(2);
  });

  it('never stores a response with a cookie, marked private, not a 200, or with a token', async () => {
    for (const url of ['/probe/cookie/', '/probe/private/', '/probe/missing/', '/probe/token/']) {
      renders = 0;
      await get(url);
      const second = await get(url);
      expect(second.headers['x-keen-cache'], url).toBe('miss');
      expect(renders, url).toBe(2);
    }
  });

  it('fills a hole for each response, and sends nothing of the placeholder', async () => {
    renders = 0;
    const first = await get('/probe/hole/');
    const second = await get('/probe/hole/');
    expect(second.headers['x-keen-cache']).toBe('hit');
    expect(renders).toBe(1);
    const token = (body: string) => /value="([A-Za-z0-9]{64})"/.exec(body)?.[1];
    expect(token(first.body)).toBeTruthy();
    expect(token(second.body)).toBeTruthy();
    expect(token(second.body)).not.toBe(token(first.body));
  });
});
