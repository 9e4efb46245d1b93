// A user's sessions: each records the browser and address it began with and when it was last used
// (written at most every few minutes); /accounts/sessions/ lists them, this one marked, never showing a
// session key; a user ends one or all others, and only their own; the admin ends all of a user's.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeClient } from '../../src/contrib/auth/sessions-page.js';
import { sessions } from '../../src/contrib/sessions/schema.js';
import { SESSION_TOUCH_MS } from '../../src/contrib/sessions/store.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { messagesOf, pageText } from '../admin/view-helpers.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe(`a user's sessions (${ENGINE})`, () => {
  let t: TestApp;
  let userId = 0;
  const rowsOf = () => t.database.db.select().from(sessions).where(eq(sessions.userId, userId));
  async function device(userAgent: string, ip: string) {
    const client = new TestClient(t.app, { headers: { 'user-agent': userAgent }, remoteAddress: ip });
    expect((await client.login('olga', GOOD_PASSWORD)).statusCode).toBe(303);
    return client;
  }

  beforeAll(async () => {
    t = await createTestApp();
    userId = (await t.createUser({ username: 'olga' })).id;
  });
  afterAll(() => t?.close());

  it('records the browser and address; the page lists them, marks this one, and shows no key', async () => {
    const laptop = await device(FIREFOX, '198.51.100.7');
    await device(SAFARI, '2001:db8::5');
    const rows = await rowsOf();
    expect(rows.map((row) => [row.userAgent, row.ip]).sort()).toEqual(
      [
        [FIREFOX, '198.51.100.7'],
        [SAFARI, '2001:db8::5'],
      ].sort(),
    );
    const page = await laptop.get('/accounts/sessions/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('private, no-store');
    const text = pageText(page.body);
    expect(text).toContain('Firefox 133 · Linux · this browser');
    expect(text).toContain('Safari 17 · iOS');
    expect(text).toContain('Address 2001:db8::5');
    for (const row of rows) expect(page.body).not.toContain(row.key);
    expect(page.body.match(/name="end" value="[A-Za-z0-9_-]{32}"/g)).toHaveLength(1);
    expect(page.body).toContain('End the other session');
    expect((await new TestClient(t.app).get('/accounts/sessions/')).statusCode).toBe(302);
  });

  it('writes "last seen" at most every few minutes, not on every request', async () => {
    const client = await device(FIREFOX, '198.51.100.8');
    const [mine] = (await rowsOf()).filter((row) => row.ip === '198.51.100.8');
    const old = new Date(Date.now() - SESSION_TOUCH_MS - 60_000);
    await t.database.db.update(sessions).set({ lastSeen: old }).where(eq(sessions.key, mine!.key));
    await client.get('/');
    const [touched] = await t.database.db.select().from(sessions).where(eq(sessions.key, mine!.key));
    expect(touched!.lastSeen.getTime()).toBeGreaterThan(old.getTime() + 60_000);
    const recent = new Date(Date.now() - 60_000);
    await t.database.db.update(sessions).set({ lastSeen: recent }).where(eq(sessions.key, mine!.key));
    await client.get('/');
    const [untouched] = await t.database.db.select().from(sessions).where(eq(sessions.key, mine!.key));
    expect(untouched!.lastSeen.getTime()).toBe(recent.getTime());
  });

  it('ends one other session, or all others; never this one, never another user’s', async () => {
    await t.database.db.delete(sessions);
    const laptop = await device(FIREFOX, '198.51.100.7');
    const phone = await device(SAFARI, '203.0.113.9');
    await device(SAFARI, '203.0.113.10');
    const stranger = await t.createUser({ username: 'stranger' });
    const other = new TestClient(t.app);
    expect((await other.login('stranger', GOOD_PASSWORD)).statusCode).toBe(303);

    const page = await laptop.get('/accounts/sessions/');
    const ref = /name="end" value="([A-Za-z0-9_-]{32})"/.exec(page.body)![1]!;
    const ended = await laptop.post('/accounts/sessions/', { end: ref });
    expect(ended.statusCode).toBe(303);
    expect(pageText((await laptop.get('/accounts/sessions/')).body)).toContain('The session was ended.');
    expect(await rowsOf()).toHaveLength(2);
    // The same ref again, or one made up: nothing happens.
    await laptop.post('/accounts/sessions/', { end: ref });
    await laptop.post('/accounts/sessions/', { end: 'f'.repeat(32) });
    expect(await rowsOf()).toHaveLength(2);
    const all = await laptop.post('/accounts/sessions/', { end: 'others' });
    expect(all.statusCode).toBe(303);
    const left = await rowsOf();
    expect(left).toHaveLength(1);
    expect(left[0]?.ip).toBe('198.51.100.7');
    expect((await laptop.get('/accounts/sessions/')).statusCode).toBe(200);
    expect((await phone.get('/accounts/sessions/')).statusCode).toBe(302);
    const strangers = await t.database.db.select().from(sessions).where(eq(sessions.userId, stranger.id));
    expect(strangers).toHaveLength(1);
    // Without the CSRF token the form is refused.
    const forged = await new TestClient(t.app).post('/accounts/sessions/', { end: 'others' });
    expect(forged.statusCode).toBe(403);
  });

  it('the admin ends all sessions of the selected users', async () => {
    await device(FIREFOX, '198.51.100.20');
    await device(SAFARI, '198.51.100.21');
    const before = (await rowsOf()).length;
    expect(before).toBeGreaterThanOrEqual(2);
    const root = await staffClient(t, 'root', { superuser: true });
    expect((await root.get(`${ADMIN}auth/user/`)).statusCode).toBe(200);
    const done = await root.post(`${ADMIN}auth/user/`, {
      action: 'end_sessions',
      _selected_action: String(userId),
    });
    expect(done.statusCode).toBe(303);
    expect(messagesOf((await root.get(`${ADMIN}auth/user/`)).body)).toEqual([
      `${before} sessions ended for 1 user.`,
    ]);
    expect(await rowsOf()).toHaveLength(0);
  });

  it('names browsers in a few words, whatever the header holds', () => {
    expect(describeClient(FIREFOX, '?')).toBe('Firefox 133 · Linux');
    expect(describeClient('', 'Unknown browser')).toBe('Unknown browser');
    expect(describeClient('curl/8.5.0', '?').length).toBeLessThanOrEqual(60);
  });
});
