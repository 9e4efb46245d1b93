// The redirects app (Django's contrib.redirects): an old address answers 301 to its new one, or 410 when
// it was removed; it is asked only when nothing else answered, so existing pages and non-GET requests
// are untouched; editors manage the rows in the admin, which refuses addresses that are not paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirects } from '../../src/contrib/redirects/schema.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { type AdminTestApp, createAdminTestApp, fieldErrors, openAndSubmit } from '../admin/view-helpers.js';
import { ENGINE } from '../support/database.js';

describe(`redirects (${ENGINE})`, () => {
  let t: AdminTestApp;
  const get = (url: string, method: 'GET' | 'HEAD' | 'POST' = 'GET') =>
    t.app.inject({ method, url, headers: { host: 'localhost' } });

  beforeAll(async () => {
    t = await createAdminTestApp();
    await t.database.db.insert(redirects).values([
      { oldPath: '/blog/stary-adres/', newPath: '/blog/novyi-adres/' },
      { oldPath: '/media/uploads/2025/06/Фото 1.jpg', newPath: '/media/uploads/2025/06/photo-1.jpg' },
      { oldPath: '/ckeditor/', newPath: 'https://example.org/ckeditor docs' },
      { oldPath: '/blog/udalyonnyi/', newPath: '' },
      { oldPath: '/', newPath: '/elsewhere/' },
    ]);
  });
  afterAll(() => t.close());

  it('answers an old address with a 301 to its new one', async () => {
    const moved = await get('/blog/stary-adres/');
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toBe('/blog/novyi-adres/');
    expect(moved.headers['cache-control']).toBe('public, max-age=86400');
    expect((await get('/blog/stary-adres/', 'HEAD')).statusCode).toBe(301);
    const external = await get('/ckeditor/');
    expect(external.headers.location).toBe('https://example.org/ckeditor%20docs');
  });

  it('matches a percent-encoded path to the address as written, and sends the new one encoded', async () => {
    const moved = await get(`/media/uploads/2025/06/${encodeURIComponent('Фото 1.jpg')}`);
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toBe('/media/uploads/2025/06/photo-1.jpg');
  });

  it('answers 410 Gone for a removed page, with the site’s error page', async () => {
    const gone = await t.app.inject({
      url: '/blog/udalyonnyi/',
      headers: { host: 'localhost', 'accept-language': 'ru' },
    });
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toContain('410 Страница удалена');
  });

  it('never shadows a page that exists, and leaves other methods and unknown addresses a 404', async () => {
    expect((await get('/')).statusCode).toBe(200);
    expect((await get('/blog/stary-adres/', 'POST')).statusCode).not.toBe(301);
    expect((await get('/no/such/page/')).statusCode).toBe(404);
    // A malformed escape is refused before any route or lookup.
    expect((await get('/bad-escape/%E0%A4%A/')).statusCode).toBe(400);
  });

  it('is edited in the admin, which refuses an old address that is not a path or a redirect to itself', async () => {
    const root = await staffClient(t, 'owner', { superuser: true });
    const bad = await openAndSubmit(root, `${ADMIN}redirects/redirect/add/`, {
      oldPath: 'https://coreofkeen.com/old/',
      newPath: 'javascript:alert(1)',
    });
    expect(bad.statusCode).toBe(400);
    expect(fieldErrors(bad.body, 'oldPath').length).toBe(1);
    expect(fieldErrors(bad.body, 'newPath').length).toBe(1);
    const loop = await openAndSubmit(root, `${ADMIN}redirects/redirect/add/`, {
      oldPath: '/loop/',
      newPath: '/loop/',
    });
    expect(fieldErrors(loop.body, 'newPath').length).toBe(1);
    const saved = await openAndSubmit(root, `${ADMIN}redirects/redirect/add/`, {
      oldPath: '/resume/old/',
      newPath: '/resume/',
    });
    expect(saved.statusCode).toBe(303);
    expect((await get('/resume/old/')).headers.location).toBe('/resume/');
  });
});
