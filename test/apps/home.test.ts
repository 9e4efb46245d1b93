// The home page built from the content: site settings, latest posts, skills and the timeline of the
// active résumé, read in two queries whatever the size of the blog and the résumé.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posts } from '../../src/apps/blog/schema.js';
import { loadHome } from '../../src/apps/home/queries.js';
import { experience, profiles, skills } from '../../src/apps/resume/schema.js';
import { siteSettings } from '../../src/apps/site/schema.js';
import { pageText } from '../admin/view-helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { countingDb } from '../support/counting-db.js';
import { ENGINE } from '../support/database.js';

describe(`home page (${ENGINE})`, () => {
  let t: TestApp;
  const get = (url: string, language = 'en') =>
    t.app.inject({ url, headers: { host: 'localhost', 'accept-language': language } });

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.database.db;
    await db
      .update(siteSettings)
      .set({
        siteName: 'Core of Keen',
        tagline: 'Notes of an engineer',
        about: 'I build websites.\n\nAnd write.',
      })
      .where(eq(siteSettings.id, 1));
    await db.insert(posts).values(
      Array.from({ length: 8 }, (_, i) => ({
        title: `Post ${i}`,
        slug: `post-${i}`,
        summary: `Summary ${i}`,
        status: 'published' as const,
        publishedAt: new Date(Date.UTC(2026, 0, 1 + i)),
      })),
    );
    await db.insert(posts).values({ title: 'Secret draft', slug: 'draft', status: 'draft' });
    const [profile] = await db.insert(profiles).values({ fullName: 'Anna', isActive: true }).returning();
    const profileId = profile!.id;
    await db.insert(experience).values([
      { profileId, company: 'Acme', position: 'Engineer', startDate: '2022-03-01', order: 1 },
      {
        profileId,
        company: 'Initech',
        position: 'Intern',
        startDate: '2019-06-01',
        endDate: '2020-01-31',
        order: 2,
      },
    ]);
    await db.insert(skills).values([
      { profileId, name: 'TypeScript', level: '9.5', order: 1 },
      { profileId, name: 'PostgreSQL', level: '8.0', order: 2 },
    ]);
  });
  afterAll(() => t.close());

  it('shows the site, the five latest public posts, the skills and the timeline, with links onwards', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    const text = pageText(response.body);
    expect(response.body).toMatch(/<h1 id="hero-name">Core of Keen<\/h1>/);
    expect(text).toContain('Notes of an engineer');
    expect(text).toContain('I build websites.');
    for (const i of [7, 6, 5, 4, 3]) expect(text).toContain(`Post ${i}`);
    expect(text).not.toContain('Post 2');
    expect(text).not.toContain('Secret draft');
    expect(text).toMatch(/TypeScript.*PostgreSQL/);
    expect(text).toContain('Engineer, Acme');
    expect(text).toContain('Intern, Initech');
    expect(response.body).toContain('href="/blog/post-7/"');
    expect(response.body).toContain('href="/resume/"');
    expect(response.body).toContain('href="/resume/export/pdf/" download');
    expect(response.body.match(/<h1[ >]/g)).toHaveLength(1);
  });

  it('reads as Russian for a Russian visitor', async () => {
    const text = pageText((await get('/', 'ru')).body);
    for (const words of ['Последние записи', 'Навыки', 'Опыт работы', 'Читать блог'])
      expect(text).toContain(words);
  });

  it('reads its content in two queries', async () => {
    const counted = await countingDb(t.database);
    try {
      const content = await loadHome(counted.db);
      expect(content.posts).toHaveLength(5);
      expect(counted.queries).toHaveLength(2);
    } finally {
      await counted.close();
    }
  });
});
