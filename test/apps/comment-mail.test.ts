// The post's author hears of a new comment awaiting moderation: an email in the author's admin
// language with a link to the comment in the admin, sent by a job where the queue runs; none when the
// author comments on their own post or has no email.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formStamp } from '../../src/apps/blog/comments/submission.js';
import { comments, posts } from '../../src/apps/blog/schema.js';
import { users } from '../../src/contrib/auth/schema.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

describe(`comment notifications (${ENGINE})`, () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let authorId: number;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({
      env: { EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), SITE_URL: 'https://coreofkeen.com' },
    });
    authorId = (await t.createUser({ username: 'author', email: 'author@example.com' })).id;
    await t.database.db.update(users).set({ language: 'ru' }).where(eq(users.id, authorId));
    const published = { status: 'published' as const, publishedAt: new Date(Date.now() - 60_000) };
    await t.database.db.insert(posts).values([
      { title: 'Про Keen', slug: 'keen', authorId, ...published },
      { title: 'Ничей', slug: 'orphan', authorId: null, ...published },
    ]);
    await t.app.jobs.start({ work: true, concurrency: 1, pollingIntervalSeconds: 0.5 });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function comment(slug: string, client = new TestClient(t.app, { remoteAddress: '198.51.100.7' })) {
    await client.get(`/blog/${slug}/`);
    return client.post(`/blog/${slug}/comments/`, {
      name: 'Борис',
      email: 'boris@example.com',
      url: '',
      body: 'Спасибо, очень полезно!\nВторая строка.',
      website: '',
      stamp: formStamp(t.settings.secretKey.reveal(), Date.now() - 10_000),
    });
  }

  it('mails the author in their language, with a link to moderate', async () => {
    expect((await comment('keen')).statusCode).toBe(303);
    const [mail] = await smtp.waitFor(1, 20_000);
    const [stored] = await t.database.db.select().from(comments);
    expect(mail?.subject).toBe('Новый комментарий ждёт модерации: «Про Keen»');
    expect(mail?.text).toContain('Борис прокомментировал(а) ваш пост «Про Keen»');
    expect(mail?.text).toContain('Спасибо, очень полезно!');
    expect(mail?.text).toContain(`https://coreofkeen.com/admin/blog/comment/${stored?.id}/change/`);
    expect(mail?.text).not.toContain('boris@example.com');
  }, 30_000);

  it('sends nothing for a post without an author, or for the author’s own comment', async () => {
    const before = smtp.messages.length;
    expect((await comment('orphan')).statusCode).toBe(303);
    const own = new TestClient(t.app, { remoteAddress: '198.51.100.8' });
    await own.get('/accounts/login/');
    await own.post('/accounts/login/', { username: 'author', password: GOOD_PASSWORD });
    expect((await comment('keen', own)).statusCode).toBe(303);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(smtp.messages.length).toBe(before);
    expect(await t.database.db.select().from(comments)).toHaveLength(3);
  }, 30_000);
});
