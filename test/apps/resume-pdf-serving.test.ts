// Serving the résumé PDF: built once per change (however many first requests arrive at once), kept in
// the media storage under a content hash, served with ETag and Cache-Control and 304 on a match; a
// change makes a new file and removes the old; an admin save builds it before anyone asks; staff preview
// drafts; nothing when no profile is active.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experience, pdfBuilds, profiles } from '../../src/apps/resume/schema.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { openAndSubmit } from '../admin/view-helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

const PDF = '/resume/export/pdf/';

describe(`serving the résumé PDF (${ENGINE})`, () => {
  let t: TestApp;
  let profileId = 0;
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url, headers: { host: 'localhost', 'accept-language': 'ru', ...headers } });
  const builds = () => t.logs.filter((line) => line.msg === 'résumé PDF built');

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('is a 404 while no profile is active', async () => {
    expect((await get(PDF)).statusCode).toBe(404);
  });

  it('builds once for many first requests, then serves the stored file with ETag, caching and 304', async () => {
    const [profile] = await t.database.db
      .insert(profiles)
      .values({ fullName: 'Анна Петрова', title: 'Разработчик', isActive: true })
      .returning();
    profileId = profile!.id;
    await t.database.db.insert(experience).values({
      profileId,
      position: 'Ведущий',
      company: 'Ядро',
      startDate: '2021-01-01',
      description: 'Пишу **код**.',
    });
    // The 404 above is kept for a few seconds (PUBLIC_COPY_MS); this is those seconds passing.
    t.app.resumePdfs.forgetPublicCopies();
    const before = builds().length;
    const answers = await Promise.all(Array.from({ length: 8 }, () => get(PDF)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(8).fill(200));
    expect(builds().length - before).toBe(1);
    const first = answers[0]!;
    expect(first.headers['content-type']).toBe('application/pdf');
    expect(first.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(first.headers['content-disposition']).toBe(
      `attachment; filename="Anna_Petrova_Resume.pdf"; filename*=UTF-8''${encodeURIComponent('Анна_Петрова_Резюме.pdf')}`,
    );
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    expect(first.headers['content-language']).toBe('ru');
    expect(String(first.headers.vary)).toMatch(/accept-language/i);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(answers.every((answer) => answer.headers.etag === etag)).toBe(true);
    const again = await get(PDF, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(builds().length - before).toBe(1);
    // Each language is its own file.
    const english = await get(PDF, { 'accept-language': 'en' });
    expect(english.headers.etag).not.toBe(etag);
    expect(english.headers['content-disposition']).toContain(
      "filename*=UTF-8''%D0%90%D0%BD%D0%BD%D0%B0_%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2%D0%B0_Resume.pdf",
    );
    const stored = await t.database.db.select().from(pdfBuilds).where(eq(pdfBuilds.profileId, profileId));
    expect(stored.map((row) => row.language).sort()).toEqual(['en', 'ru']);
    expect(stored.every((row) => row.size > 1000)).toBe(true);
  });

  it('a changed résumé is a new file; the old one is removed', async () => {
    const old = await get(PDF);
    const [oldRow] = await t.database.db.select().from(pdfBuilds).where(eq(pdfBuilds.language, 'ru'));
    await t.database.db.update(profiles).set({ title: 'Архитектор' }).where(eq(profiles.id, profileId));
    // A worker keeps the public PDF for PUBLIC_COPY_MS without asking the database…
    expect((await get(PDF)).headers.etag).toBe(old.headers.etag);
    // …then sees the change.
    t.app.resumePdfs.forgetPublicCopies();
    const changed = await get(PDF);
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(old.headers.etag);
    expect(await t.app.media.storage.exists(oldRow!.name)).toBe(false);
    const rows = await t.database.db.select().from(pdfBuilds).where(eq(pdfBuilds.language, 'ru'));
    expect(rows).toHaveLength(1);
  });

  it('an admin save builds the new PDF in every language before anyone asks', async () => {
    const root = await staffClient(t, 'pdf-root', { superuser: true });
    const before = builds().length;
    const saved = await openAndSubmit(root, `${ADMIN}resume/profile/${profileId}/change/`, {
      title: 'Главный инженер',
    });
    expect(saved.statusCode).toBe(303);
    await expect.poll(() => builds().length - before, { timeout: 10_000 }).toBe(t.settings.languages.length);
    const served = await get(PDF);
    expect(served.statusCode).toBe(200);
    expect(builds().length - before).toBe(t.settings.languages.length);
  });

  it('with the job queue running, an admin save builds the PDF in a job', async () => {
    await t.app.jobs.start({ work: true, concurrency: 1, pollingIntervalSeconds: 0.5 });
    const root = await staffClient(t, 'pdf-root-jobs', { superuser: true });
    const before = builds().length;
    const saved = await openAndSubmit(root, `${ADMIN}resume/profile/${profileId}/change/`, {
      title: 'Технический директор',
    });
    expect(saved.statusCode).toBe(303);
    await expect
      .poll(() => t.logs.some((line) => line.msg === 'job done' && line.job === 'resume.build_pdf'), {
        timeout: 20_000,
      })
      .toBe(true);
    expect(builds().length - before).toBe(t.settings.languages.length);
    await t.app.jobs.stop(5000);
  }, 60_000);

  it('staff with resume.view_profile preview any profile; others cannot', async () => {
    const [draft] = await t.database.db.insert(profiles).values({ fullName: 'Черновик' }).returning();
    const url = `/resume/${draft!.id}/pdf/`;
    const anonymous = await new TestClient(t.app).get(url);
    expect(anonymous.statusCode).toBe(302);
    expect(anonymous.headers.location).toContain('/accounts/login/');
    const plain = await staffClient(t, 'pdf-plain', {});
    expect((await plain.get(url)).statusCode).toBe(403);
    const viewer = await staffClient(t, 'pdf-viewer', { perms: ['resume.view_profile'] });
    const preview = await viewer.get(url);
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['cache-control']).toBe('private, no-cache');
    expect((await viewer.get('/resume/999999/pdf/')).statusCode).toBe(404);
    expect((await viewer.get('/resume/abc/pdf/')).statusCode).toBe(404);
    // The public address still serves the active profile only.
    expect((await get(PDF)).headers['content-disposition']).toContain('Anna_Petrova');
  });
});
