// Every page in both languages: the public site, the account pages and the admin's main pages are
// rendered in Russian and searched for any English text of the catalogues (and the other way round).
// The strings looked for are the catalogues' own, so a page that forgets to translate a message, or
// keeps a hard-coded English one that also lives in a catalogue, fails here. Then the admin's per-user
// language and time zone, and the Russian plural forms of counts.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blogMessages } from '../../src/apps/blog/messages.js';
import { categories, postLinks, posts, postTags, tags } from '../../src/apps/blog/schema.js';
import { resumeMessages } from '../../src/apps/resume/messages.js';
import { experience, profiles, skills } from '../../src/apps/resume/schema.js';
import { adminMessages } from '../../src/contrib/admin/messages.js';
import { AdminSite } from '../../src/contrib/admin/site.js';
import { authMessages } from '../../src/contrib/auth/messages.js';
import { users } from '../../src/contrib/auth/schema.js';
import type { MessageCatalogues } from '../../src/i18n/messages.js';
import { installedApps } from '../../src/installed-apps.js';
import { webMessages } from '../../src/web/messages.js';
import { GOOD_PASSWORD } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { ADMIN } from './support.js';
import { type AdminTestApp, createAdminTestApp, pageText } from './view-helpers.js';

const ALL_MESSAGES: MessageCatalogues<string>[] = [
  webMessages,
  adminMessages,
  authMessages,
  blogMessages,
  resumeMessages,
];

/**
 * The text a reader of `language` must never see: every message of the other language that differs
 * from this language's, cut at its placeholders into pieces long enough to be telling (ICU plural
 * and select bodies are taken apart the same way).
 */
function foreignStrings(language: 'en' | 'ru'): string[] {
  const other = language === 'en' ? 'ru' : 'en';
  const found = new Set<string>();
  for (const messages of ALL_MESSAGES) {
    const mine = messages.catalogues[language] ?? {};
    const theirs = messages.catalogues[other] ?? {};
    for (const [id, text] of Object.entries(theirs)) {
      if (mine[id] === text) continue;
      for (const piece of text.split(/[{}#]|\b(?:plural|select|one|few|many|other|number)\b/)) {
        const trimmed = piece.replace(/^[\s,.:;!?()«»“”"'’–—-]+|[\s,.:;!?()«»“”"'’–—-]+$/g, '');
        // Short pieces ("No", "ID") say nothing; words shared by both languages ("JSON") are skipped below.
        if (trimmed.length < 4) continue;
        if (Object.values(mine).some((own) => own.includes(trimmed))) continue;
        found.add(trimmed);
      }
    }
  }
  return [...found];
}

/** `text` has `words` as whole words (not inside a longer word: "Save" is not in "Saved"). */
function containsWords(text: string, words: string): boolean {
  let from = text.indexOf(words);
  while (from !== -1) {
    const before = text.charAt(from - 1);
    const after = text.charAt(from + words.length);
    if (!/\p{L}/u.test(before) && !/\p{L}/u.test(after)) return true;
    from = text.indexOf(words, from + 1);
  }
  return false;
}

describe(`every page in both languages (${ENGINE})`, () => {
  let t: AdminTestApp;
  let postId: number;
  let bossId: number;
  let profileId = 0;
  const db = () => t.database.db;

  // Data in neither language, so only the interface's words can match.
  beforeAll(async () => {
    t = await createAdminTestApp();
    const boss = await t.createUser({ username: 'boss', isStaff: true, isSuperuser: true });
    bossId = boss.id;
    const [category] = await db().insert(categories).values({ name: 'Pokhody', slug: 'hikes' }).returning();
    const [post] = await db()
      .insert(posts)
      .values({
        title: 'Tropa',
        slug: 'trail',
        summary: 'Lorem ipsum',
        body: 'Dolor sit amet.',
        status: 'published',
        publishedAt: new Date('2026-03-05T09:00:00Z'),
        categoryId: category!.id,
        authorId: boss.id,
        readingMinutes: 5,
      })
      .returning();
    postId = post!.id;
    const [tag] = await db().insert(tags).values({ name: 'gory' }).returning();
    await db().insert(postTags).values({ postId, tagId: tag!.id });
    await db().insert(postLinks).values({ postId, title: 'Karta', url: 'https://example.com/map' });
    const [profile] = await db()
      .insert(profiles)
      .values({ fullName: 'Anna Example', isActive: true, summary: 'Engineer' })
      .returning();
    profileId = profile!.id;
    await db().insert(experience).values({
      profileId,
      company: 'Acme',
      position: 'Engineer',
      startDate: '2022-03-01',
      description: 'Shipped',
    });
    await db().insert(skills).values({ profileId, name: 'TypeScript', level: '9.5', category: 'Code' });
  });
  afterAll(() => t.close());

  async function reader(language: 'en' | 'ru', username?: string) {
    const client = new TestClient(t.app, { headers: { 'accept-language': language } });
    if (username) expect((await client.login(username, GOOD_PASSWORD)).statusCode).toBe(303);
    return client;
  }

  /** The pages a visitor and an editor see; each is [what, status, html]. */
  async function pagesIn(language: 'en' | 'ru'): Promise<[string, number, string][]> {
    const visitor = await reader(language);
    const editor = await reader(language, 'boss');
    const pages: [string, number, string][] = [];
    const visit = async (client: TestClient, url: string) => {
      const response = await client.get(url);
      pages.push([url, response.statusCode, response.body]);
    };
    for (const url of [
      '/',
      '/blog/',
      '/blog/trail/',
      '/blog/category/hikes/',
      '/resume/',
      '/accounts/login/',
      '/nope/',
    ])
      await visit(visitor, url);
    for (const url of [
      '/accounts/password_change/',
      ADMIN,
      `${ADMIN}blog/`,
      `${ADMIN}blog/post/`,
      `${ADMIN}blog/post/?status=published&q=x`,
      `${ADMIN}blog/post/add/`,
      `${ADMIN}blog/post/${postId}/change/`,
      `${ADMIN}blog/post/${postId}/history/`,
      `${ADMIN}blog/post/${postId}/delete/`,
      `${ADMIN}blog/category/`,
      `${ADMIN}auth/user/`,
      `${ADMIN}auth/user/${bossId}/change/`,
      `${ADMIN}auth/user/${bossId}/password/`,
      `${ADMIN}resume/profile/add/`,
      `${ADMIN}resume/profile/${profileId}/change/`,
      `${ADMIN}password_change/`,
      `${ADMIN}preferences/`,
    ])
      await visit(editor, url);
    // A refused form: field errors, the form's error summary.
    await editor.get(`${ADMIN}blog/post/add/`);
    const refused = await editor.postMultipart(`${ADMIN}blog/post/add/`, [
      ['title', ''],
      ['slug', 'Bad Slug'],
      ['status', 'published'],
      ['extra', '{"a": }'],
      ['_save', '1'],
    ]);
    pages.push(['refused post form', refused.statusCode, refused.body]);
    // The bulk delete confirmation.
    await editor.get(`${ADMIN}blog/post/`);
    const bulk = await editor.post(`${ADMIN}blog/post/`, {
      action: 'delete_selected',
      _selected_action: String(postId),
    });
    pages.push(['bulk delete', bulk.statusCode, bulk.body]);
    return pages;
  }

  for (const language of ['ru', 'en'] as const) {
    it(`leaves no ${language === 'ru' ? 'English' : 'Russian'} UI text on a page shown in ${language}`, async () => {
      const foreign = foreignStrings(language);
      expect(foreign.length).toBeGreaterThan(200);
      const leftovers: string[] = [];
      for (const [what, status, html] of await pagesIn(language)) {
        expect([200, 400, 404], what).toContain(status);
        expect(html, what).toContain(`<html lang="${language}">`);
        // Structured data (JSON-LD) is for machines: its URLs are not interface text.
        const text = pageText(html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, ' '));
        for (const string of foreign) if (containsWords(text, string)) leftovers.push(`${what}: “${string}”`);
      }
      expect(leftovers).toEqual([]);
    });
  }

  it('shows Russian words a Russian reader expects on the admin’s pages', async () => {
    const editor = await reader('ru', 'boss');
    const list = pageText((await editor.get(`${ADMIN}blog/post/`)).body);
    expect(list).toContain('Выберите запись для изменения');
    expect(list).toContain('1 запись');
    expect(list).toContain('Опубликована');
    const form = pageText((await editor.get(`${ADMIN}blog/post/${postId}/change/`)).body);
    for (const words of ['Изменить запись', 'Заголовок', 'Публикация', 'Что ещё почитать', 'Сохранить'])
      expect(form).toContain(words);
    const users = pageText((await editor.get(`${ADMIN}auth/user/add/`)).body);
    expect(users).toContain('Добавить пользователя');
  });

  it('counts with the Russian plural forms', () => {
    const russian = new AdminSite(installedApps, ADMIN, 'ru');
    const post = russian.find('blog', 'post')!;
    const forms = [0, 1, 2, 5, 11, 21, 22, 25, 101].map((n) => post.countOf(n));
    expect(forms).toEqual([
      '0 записей',
      '1 запись',
      '2 записи',
      '5 записей',
      '11 записей',
      '21 запись',
      '22 записи',
      '25 записей',
      '101 запись',
    ]);
    const english = new AdminSite(installedApps, ADMIN).find('blog', 'post')!;
    expect([0, 1, 2, 21].map((n) => english.countOf(n))).toEqual([
      '0 posts',
      '1 post',
      '2 posts',
      '21 posts',
    ]);
    expect(russian.find('auth', 'user')!.countOf(22)).toBe('22 пользователя');
  });

  it('the admin follows its user’s own language and time zone; the public site does not', async () => {
    await db().update(users).set({ language: 'ru', timeZone: 'Asia/Tokyo' }).where(eq(users.id, bossId));
    try {
      const editor = await reader('en', 'boss');
      const admin = await editor.get(`${ADMIN}blog/post/${postId}/change/`);
      expect(admin.body).toContain('<html lang="ru">');
      // 09:00 UTC is 18:00 in Tokyo (TIME_ZONE would give another hour).
      expect(admin.body).toContain('value="2026-03-05T18:00"');
      expect(pageText(admin.body)).toContain('Часовой пояс: Asia/Tokyo');
      const site = await editor.get('/blog/');
      expect(site.body).toContain('<html lang="en">');
    } finally {
      await db().update(users).set({ language: '', timeZone: '' }).where(eq(users.id, bossId));
    }
  });

  it('lets a staff user choose their own language and time zone on the preferences page', async () => {
    const editor = await reader('en', 'boss');
    await editor.get(`${ADMIN}preferences/`);
    const wrong = await editor.post(`${ADMIN}preferences/`, { language: 'xx', timeZone: 'Mars/Base' });
    expect(wrong.statusCode).toBe(400);
    expect(pageText(wrong.body)).toContain('Select a valid choice. xx is not one of the available choices.');
    const saved = await editor.post(`${ADMIN}preferences/`, { language: 'ru', timeZone: 'Europe/Moscow' });
    expect(saved.statusCode).toBe(303);
    const [row] = await db().select().from(users).where(eq(users.id, bossId));
    expect([row?.language, row?.timeZone]).toEqual(['ru', 'Europe/Moscow']);
    const after = await editor.get(`${ADMIN}preferences/`);
    expect(pageText(after.body)).toContain('Ваши настройки сохранены.');
    expect(after.body).toContain('<html lang="ru">');
    await db().update(users).set({ language: '', timeZone: '' }).where(eq(users.id, bossId));
  });
});
