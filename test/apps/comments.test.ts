// Comments: a reader's comment waits for moderation, shows once approved, never shows the email, and
// machines are turned away (honeypot, fill time, rate limit); markup in a comment stays text.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { approveCommentsAction, unapproveCommentsAction } from '../../src/apps/blog/comments/admin.js';
import { COMMENT_RATE } from '../../src/apps/blog/comments/store.js';
import { formStamp } from '../../src/apps/blog/comments/submission.js';
import { comments, posts } from '../../src/apps/blog/schema.js';
import { adminLog } from '../../src/contrib/admin/schema.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { pageText } from '../admin/view-helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

describe(`comments (${ENGINE})`, () => {
  let t: TestApp;
  let postId: number;
  const db = () => t.database.db;
  const secret = () => t.app.keen.settings.secretKey.reveal();
  let address = 0;

  /** A reader from a fresh address who opened the post a while ago. */
  async function reader(ip = `198.51.100.${++address}`) {
    const client = new TestClient(t.app, { remoteAddress: ip });
    const page = await client.get('/blog/hello/');
    expect(page.statusCode).toBe(200);
    return client;
  }
  const send = (client: TestClient, fields: Record<string, string>, slug = 'hello') =>
    client.post(`/blog/${slug}/comments/`, {
      name: 'Анна',
      email: 'anna.secret@example.com',
      url: '',
      body: 'Отличная запись!',
      website: '',
      stamp: formStamp(secret(), Date.now() - 10_000),
      ...fields,
    });

  beforeAll(async () => {
    t = await createTestApp();
    const [post] = await db()
      .insert(posts)
      .values({
        title: 'Hello',
        slug: 'hello',
        status: 'published',
        publishedAt: new Date(Date.now() - 60_000),
      })
      .returning();
    postId = post!.id;
    await db()
      .insert(posts)
      .values({
        title: 'Closed',
        slug: 'closed',
        status: 'published',
        publishedAt: new Date(Date.now() - 60_000),
        commentsOpen: false,
      });
  });
  beforeEach(async () => {
    await db().delete(comments);
  });
  afterAll(() => t.close());

  it('stores a comment unapproved, shows it only after approval, and never shows the email', async () => {
    const client = await reader();
    const sent = await send(client, { url: 'https://anna.example/' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/blog/hello/#comments-heading');
    const after = await client.get('/blog/hello/');
    expect(pageText(after.body)).toContain('Thank you! Your comment will appear after moderation.');
    expect(pageText(after.body)).not.toContain('Отличная запись!');
    const [stored] = await db().select().from(comments);
    expect(stored).toMatchObject({
      postId,
      isApproved: false,
      url: 'https://anna.example/',
      email: 'anna.secret@example.com',
    });
    expect(stored?.clientKey).toMatch(/^[\w-]{32}$/);
    expect(stored?.clientKey).not.toContain('198.51');

    await db().update(comments).set({ isApproved: true });
    // The admin's moderation refreshes cached pages; this test approves in SQL, so it does that itself.
    await t.app.pageCache?.invalidate();
    for (const url of ['/blog/hello/', '/blog/', '/blog/feed/', '/']) {
      const page = await client.get(url);
      expect(page.body, url).not.toContain('anna.secret');
    }
    const shown = await client.get('/blog/hello/');
    expect(pageText(shown.body)).toContain('Отличная запись!');
    expect(shown.body).toContain(
      '<a href="https://anna.example/" rel="nofollow ugc noopener noreferrer">Анна</a>',
    );
    expect(pageText((await client.get('/blog/')).body)).toContain('1 comment');
  });

  it('keeps markup as text and makes only http(s) addresses links', async () => {
    const client = await reader();
    await send(client, {
      body: '<script>alert(1)</script> <img src=x onerror=alert(1)> javascript:alert(1) see https://example.com/page.',
      url: 'javascript:alert(1)',
    });
    expect((await db().select({ n: count() }).from(comments))[0]?.n).toBe(0);
    await send(client, {
      body: '<script>alert(1)</script> <img src=x onerror=alert(1)> see https://example.com/page.',
    });
    await db().update(comments).set({ isApproved: true });
    const page = await client.get('/blog/hello/');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;script>alert(1)&lt;/script>');
    expect(page.body).toContain(
      '<a href="https://example.com/page" rel="nofollow ugc noopener noreferrer">https://example.com/page</a>.',
    );
  });

  it('refuses invalid fields with 400 and keeps what was typed', async () => {
    const client = await reader();
    const refused = await send(client, {
      name: '',
      email: 'not-an-email',
      url: 'ftp://x',
      body: 'x'.repeat(5001),
    });
    expect(refused.statusCode).toBe(400);
    const text = pageText(refused.body);
    expect(text).toContain('This field is required.');
    expect(text).toContain('Enter a valid email address.');
    expect(text).toContain('Enter an address starting with http:// or https://.');
    expect(text).toContain('At most 5,000 characters.');
    expect(refused.body).toContain('value="not-an-email"');
    expect((await db().select({ n: count() }).from(comments))[0]?.n).toBe(0);
  });

  it('turns machines away: honeypot (silently), too fast, a forged or old form', async () => {
    const client = await reader();
    const honeypot = await send(client, { website: 'https://spam.example' });
    expect(honeypot.statusCode).toBe(303);
    expect((await send(client, { stamp: formStamp(secret(), Date.now()) })).statusCode).toBe(400);
    expect((await send(client, { stamp: `${Date.now() - 10_000}.forged` })).statusCode).toBe(400);
    expect(
      (await send(client, { stamp: formStamp(secret(), Date.now() - 2 * 24 * 3600 * 1000) })).statusCode,
    ).toBe(400);
    expect((await db().select({ n: count() }).from(comments))[0]?.n).toBe(0);
  });

  it('limits comments per client address, and other clients are not affected', async () => {
    const client = await reader('203.0.113.7');
    for (let i = 0; i < COMMENT_RATE.limit; i++)
      expect((await send(client, { body: `n${i}` })).statusCode).toBe(303);
    const limited = await send(client, { body: 'one more' });
    expect(limited.statusCode).toBe(429);
    expect(pageText(limited.body)).toContain('Too many comments from your address');
    expect((await send(await reader('203.0.113.8'), {})).statusCode).toBe(303);
  });

  it('holds the limit for a burst of parallel comments, and for a whole IPv6 /64', async () => {
    const burst = await reader('203.0.113.50');
    const answers = await Promise.all(
      Array.from({ length: COMMENT_RATE.limit + 3 }, (_, i) => send(burst, { body: `burst ${i}` })),
    );
    expect(answers.filter((answer) => answer.statusCode === 303)).toHaveLength(COMMENT_RATE.limit);
    expect(answers.filter((answer) => answer.statusCode === 429)).toHaveLength(3);
    await db().delete(comments);
    // Addresses in one /64 are one client: a single home or server hands them all out.
    const first = await reader('2001:db8:1:2::1');
    for (let i = 0; i < COMMENT_RATE.limit; i++) expect((await send(first, {})).statusCode).toBe(303);
    expect((await send(await reader('2001:db8:1:2:ffff::9'), {})).statusCode).toBe(429);
    expect((await send(await reader('2001:db8:1:3::1'), {})).statusCode).toBe(303);
    expect((await db().select({ n: count() }).from(comments))[0]?.n).toBe(COMMENT_RATE.limit + 1);
  });

  it('refuses comments on a post with comments closed, and on posts that are not public', async () => {
    // A CSRF token from a page with the form, so the refusals below are the comment route's own.
    const client = await reader('192.0.2.9');
    const closed = await send(client, {}, 'closed');
    expect(closed.statusCode).toBe(403);
    expect(pageText(closed.body)).toContain('Comments are closed for this post.');
    expect(pageText((await client.get('/blog/closed/')).body)).toContain(
      'Comments are closed for this post.',
    );
    expect((await send(client, {}, 'no-such-post')).statusCode).toBe(404);
  });

  it('approve and unapprove in bulk write a history row per comment', async () => {
    const rows = await db()
      .insert(comments)
      .values([
        { postId, name: 'A', body: 'a' },
        { postId, name: 'B', body: 'b' },
      ])
      .returning();
    const ids = rows.map((row) => String(row.id));
    const moderator = await t.createUser({ username: 'moderator', isStaff: true });
    const user = { id: moderator.id, username: 'moderator' };
    const message = await db().transaction((tx) =>
      approveCommentsAction.run({ tx, ids, user, language: 'ru', stores: t.app.keen.stores }),
    );
    expect(message).toBe('Одобрено: 2 комментария.');
    expect((await db().select().from(comments)).every((row) => row.isApproved)).toBe(true);
    await db().transaction((tx) =>
      unapproveCommentsAction.run({ tx, ids: [ids[0]!], user, language: 'en', stores: t.app.keen.stores }),
    );
    // Approving again changes only the one that was unapproved, and logs only it.
    const again = await db().transaction((tx) =>
      approveCommentsAction.run({ tx, ids, user, language: 'en', stores: t.app.keen.stores }),
    );
    expect(again).toBe('Approved 1 comment.');
    const log = await db().select().from(adminLog).where(eq(adminLog.model, 'comment'));
    expect(log).toHaveLength(4);
  });

  it('moderation in the admin needs blog.change_comment; the list shows a short text of each', async () => {
    const [row] = await db()
      .insert(comments)
      .values({ postId, name: 'C', email: 'c.private@example.com', body: `Длинный ${'текст '.repeat(40)}` })
      .returning();
    const approve = { action: 'approve_comments', _selected_action: String(row!.id) };
    const viewer = await staffClient(t, 'comment-viewer', { perms: ['blog.view_comment'] });
    const list = await viewer.get(`${ADMIN}blog/comment/`);
    expect(list.statusCode).toBe(200);
    expect(pageText(list.body)).toContain(`Длинный ${'текст '.repeat(11)}текст…`);
    expect(pageText(list.body)).not.toContain('текст '.repeat(20));
    expect((await viewer.post(`${ADMIN}blog/comment/`, approve)).statusCode).toBe(403);
    expect((await db().select().from(comments))[0]?.isApproved).toBe(false);
    const moderator = await staffClient(t, 'comment-moderator', {
      perms: ['blog.view_comment', 'blog.change_comment'],
    });
    expect((await moderator.get(`${ADMIN}blog/comment/`)).statusCode).toBe(200);
    const approved = await moderator.post(`${ADMIN}blog/comment/`, approve);
    expect(approved.statusCode).toBe(303);
    expect((await db().select().from(comments))[0]?.isApproved).toBe(true);
    expect(pageText((await new TestClient(t.app).get('/blog/hello/')).body)).not.toContain('c.private');
  });
});
