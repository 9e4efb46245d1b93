// What saving a post in the admin fills in by itself: the slug (transliterated, unique, stable), the
// summary and meta description, the reading time, the first publication time and the author.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { posts } from '../../src/apps/blog/schema.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { type AdminTestApp, createAdminTestApp, openAndSubmit } from '../admin/view-helpers.js';
import type { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

const POSTS = `${ADMIN}blog/post/`;

describe(`post rules on save (${ENGINE})`, () => {
  let t: AdminTestApp;
  let editor: TestClient;
  let editorId: number;
  const db = () => t.database.db;
  const byTitle = async (title: string) => db().select().from(posts).where(eq(posts.title, title));

  beforeAll(async () => {
    t = await createAdminTestApp();
    editor = await staffClient(t, 'writer', { superuser: true });
    editorId = (await t.database.db.query.users.findFirst())?.id ?? 0;
  });
  beforeEach(async () => {
    await db().delete(posts);
  });
  afterAll(() => t.close());

  const add = (changes: Record<string, string>) =>
    openAndSubmit(editor, `${POSTS}add/`, { status: 'draft', extra: '{}', slug: '', ...changes });

  it('makes a transliterated slug from a Russian title, and -2, -3 for the same title again', async () => {
    for (let i = 0; i < 3; i++)
      expect((await add({ title: 'Привет, мир', body: 'Текст' })).statusCode).toBe(303);
    const slugs = (await byTitle('Привет, мир')).map((row) => row.slug).sort();
    expect(slugs).toEqual(['privet-mir', 'privet-mir-2', 'privet-mir-3']);
    // What the admin's script fills in (the same rule) is made unique too.
    expect((await add({ title: 'Привет, мир', slug: 'privet-mir', body: 'x' })).statusCode).toBe(303);
    expect((await byTitle('Привет, мир')).map((row) => row.slug)).toContain('privet-mir-4');
  });

  it('never gives a post the address of another blog page (the feed, a year archive)', async () => {
    expect((await add({ title: 'Feed', body: 'x' })).statusCode).toBe(303);
    expect((await byTitle('Feed'))[0]?.slug).toBe('feed-post');
    expect((await add({ title: '2024', body: 'x' })).statusCode).toBe(303);
    expect((await byTitle('2024'))[0]?.slug).toBe('2024-post');
    for (const slug of ['feed', '2025']) {
      const refused = await add({ title: 'Other', slug, body: 'x' });
      expect(refused.statusCode, slug).toBe(400);
      expect(refused.body).toContain('is the address of another blog page');
    }
    // Other digits are fine: only a year is a page of its own.
    expect((await add({ title: 'Digits', slug: '20245', body: 'x' })).statusCode).toBe(303);
  });

  it('keeps the slug when the title changes later or the slug field is emptied', async () => {
    await add({ title: 'Первое название', body: 'Текст' });
    const [post] = await byTitle('Первое название');
    const url = `${POSTS}${post!.id}/change/`;
    expect((await openAndSubmit(editor, url, { title: 'Второе название', slug: '' })).statusCode).toBe(303);
    const [after] = await byTitle('Второе название');
    expect(after?.slug).toBe('pervoe-nazvanie');
  });

  it('derives the summary, meta description and reading time from the body', async () => {
    const words = Array.from({ length: 450 }, (_, i) => `слово${i}`).join(' ');
    await add({ title: 'Длинный', body: `# Заголовок\n\n**${words}** [ссылка](https://example.com)` });
    const [post] = await byTitle('Длинный');
    expect(post?.readingMinutes).toBe(3);
    expect(post?.summary.startsWith('Заголовок слово0 слово1')).toBe(true);
    expect(post?.summary.length).toBeLessThanOrEqual(300);
    expect(post?.summary.endsWith('…')).toBe(true);
    expect(post?.metaDescription.length).toBeLessThanOrEqual(160);
    expect(post?.metaDescription.startsWith('Заголовок слово0')).toBe(true);
    // A typed summary wins, and the meta description is made from it.
    await add({ title: 'Своё', body: words, summary: 'Коротко о главном.' });
    const [own] = await byTitle('Своё');
    expect([own?.summary, own?.metaDescription]).toEqual(['Коротко о главном.', 'Коротко о главном.']);
    // Code and tables count towards the reading time but stay out of the summary; code keeps its text.
    const body =
      'Intro & more.\n\n```sql\nselect ts_rank_cd(x)\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter `snake_case`.';
    await add({ title: 'Код', body });
    const [code] = await byTitle('Код');
    expect(code?.summary).toBe('Intro & more. After snake_case.');
  });

  it('sets the publication time on the first publish only, and the author to the editor', async () => {
    const before = Date.now();
    await add({ title: 'Публикация', body: 'Текст', status: 'published', publishedAt: '' });
    const [post] = await byTitle('Публикация');
    expect(post?.publishedAt?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(post?.authorId).toBe(editorId);
    const first = post?.publishedAt?.toISOString();
    const url = `${POSTS}${post!.id}/change/`;
    await openAndSubmit(editor, url, { status: 'draft' });
    await openAndSubmit(editor, url, { status: 'published' });
    const [again] = await byTitle('Публикация');
    expect(again?.publishedAt?.toISOString()).toBe(first);
  });

  it('renders the body on save (Markdown or HTML, sanitized) and the post page shows that', async () => {
    await add({
      title: 'Формат',
      status: 'published',
      body: '## Раздел\n\n```ts\nconst x = 1;\n```\n\n<img src=x onerror=alert(1)>',
    });
    const [post] = await byTitle('Формат');
    expect(post?.bodyHtml).toContain('<h2>Раздел</h2>');
    expect(post?.bodyHtml).toContain('<span class="hljs-keyword">const</span>');
    expect(post?.bodyHtml).not.toContain('onerror');
    const page = await editor.get(`/blog/${post?.slug}/`);
    expect(page.body).toContain('<h2>Раздел</h2>');
    expect(page.body).not.toContain('onerror');
    // Switching the format to HTML renders the same source again, as HTML.
    await openAndSubmit(editor, `${POSTS}${post!.id}/change/`, {
      bodyFormat: 'html',
      body: '<p><em>HTML</em></p>',
    });
    const [html] = await byTitle('Формат');
    expect(html?.bodyHtml).toBe('<p><em>HTML</em></p>');
  });
});
