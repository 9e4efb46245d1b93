// Password reset by email (Django's flow and safety), through a real SMTP server: the request page
// answers the same, and does the same queries, whether or not the address has an account; the mail is
// sent by a job; the link works once, not after a login or a password change, not after
// PASSWORD_RESET_TIMEOUT; the new password passes the validators and ends every session; requests are
// throttled per address and client, and mails per address.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkResetToken,
  decodeUid,
  encodeUid,
  makeResetToken,
} from '../../src/contrib/auth/password-reset/tokens.js';
import { users } from '../../src/contrib/auth/schema.js';
import { sessions } from '../../src/contrib/sessions/schema.js';
import { pageText } from '../admin/view-helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

const NEW_PASSWORD = 'a-new-Password-for-anna-77';

function linkIn(text: string | undefined): string {
  const match = /http:\/\/localhost(\/accounts\/reset\/[^/\s]+\/[^/\s]+\/)/.exec(text ?? '');
  if (!match?.[1]) throw new Error(`no reset link in: ${text}`);
  return match[1];
}

describe('reset tokens', () => {
  const user = {
    id: 7,
    password: 'argon2$hash',
    lastLogin: new Date('2026-12-01T10:00:00Z'),
    email: 'anna@example.com',
  } as Parameters<typeof makeResetToken>[1];
  const now = Date.UTC(2026, 11, 5, 12);

  it('is good until the timeout, and bound to the password hash, last login and email', () => {
    const token = makeResetToken('secret', user, now);
    expect(checkResetToken('secret', user, token, now + 1000)).toBe(true);
    expect(checkResetToken('secret', user, token, now + 3 * 86_400_000 - 1000)).toBe(true);
    expect(checkResetToken('secret', user, token, now + 3 * 86_400_000 + 1000)).toBe(false);
    expect(checkResetToken('secret', { ...user, password: 'argon2$other' }, token, now)).toBe(false);
    expect(checkResetToken('secret', { ...user, lastLogin: new Date() }, token, now)).toBe(false);
    expect(checkResetToken('secret', { ...user, email: 'new@example.com' }, token, now)).toBe(false);
    expect(checkResetToken('other secret', user, token, now)).toBe(false);
    expect(checkResetToken('secret', user, `${token}x`, now)).toBe(false);
    expect(checkResetToken('secret', user, 'zzzzzzzzzz-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', now)).toBe(false);
  });

  it('encodes the user id as Django does, and refuses anything else', () => {
    expect(encodeUid(7)).toBe('Nw');
    expect(decodeUid('Nw')).toBe(7);
    expect(decodeUid('MDc')).toBeNull(); // "07"
    expect(decodeUid('../x')).toBeNull();
  });
});

describe(`password reset by email (${ENGINE})`, () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let annaId: number;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({
      env: {
        EMAIL_HOST: '127.0.0.1',
        EMAIL_PORT: String(smtp.port),
        DEFAULT_FROM_EMAIL: 'noreply@example.com',
      },
    });
    annaId = (await t.createUser({ username: 'anna', email: 'Anna@Example.com' })).id;
    await t.app.jobs.start({ work: true, concurrency: 2, pollingIntervalSeconds: 0.5 });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function request(email: string, client = new TestClient(t.app)) {
    await client.get('/accounts/password_reset/');
    return client.post('/accounts/password_reset/', { email });
  }

  const resetJobs = async () =>
    (
      (await t.database.db.execute(
        sql`select count(*)::int as n from pgboss.job where name = 'auth.password_reset'`,
      )) as unknown as { rows: { n: number }[] }
    ).rows[0]?.n ?? 0;

  it('answers the same for a known and an unknown address, doing the same work (one job each)', async () => {
    const jobsBefore = await resetJobs();
    const known = await request('anna@example.com');
    expect(await resetJobs()).toBe(jobsBefore + 1);
    const unknown = await request('nobody@example.com');
    expect(await resetJobs()).toBe(jobsBefore + 2);
    for (const response of [known, unknown]) {
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/accounts/password_reset/done/');
      expect(response.body).toBe(known.body);
    }
    const [mail] = await smtp.waitFor(1, 20_000);
    expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toBe('Anna@example.com');
    expect(mail?.subject).toBe('Password reset on Keen');
    expect(mail?.html).toContain(linkIn(mail?.text));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(smtp.messages).toHaveLength(1);
  }, 30_000);

  it('the link sets a password once, through the validators, and ends every session', async () => {
    const loggedIn = new TestClient(t.app);
    await loggedIn.get('/accounts/login/');
    // A login would void the mailed link (last login changes): this session is made directly.
    await t.database.db.insert(sessions).values({
      key: 'anna-other-device',
      data: {},
      userId: annaId,
      expireDate: new Date(Date.now() + 3_600_000),
    });
    const before = smtp.messages.length;
    await request('anna@example.com');
    const [mail] = (await smtp.waitFor(before + 1, 20_000)).slice(before);
    const link = linkIn(mail?.text);

    const client = new TestClient(t.app);
    const opened = await client.get(link);
    // The token leaves the address bar (and any Referer) for the session.
    expect(opened.statusCode).toBe(302);
    expect(opened.headers.location).toMatch(/\/accounts\/reset\/[^/]+\/set-password\/$/);
    const form = await client.get(opened.headers.location as string);
    expect(form.statusCode).toBe(200);
    const weak = await client.post(opened.headers.location as string, {
      new_password1: '12345678',
      new_password2: '12345678',
    });
    expect(weak.statusCode).toBe(400);
    expect(pageText(weak.body)).toContain('This password is entirely numeric.');
    const set = await client.post(opened.headers.location as string, {
      new_password1: NEW_PASSWORD,
      new_password2: NEW_PASSWORD,
    });
    expect(set.statusCode).toBe(303);
    expect(set.headers.location).toBe('/accounts/reset/done/');
    expect(await t.database.db.select().from(sessions).where(eq(sessions.userId, annaId))).toEqual([]);
    // Used: the same link is refused now.
    const again = await new TestClient(t.app).get(link);
    expect(again.statusCode).toBe(400);
    expect(pageText(again.body)).toContain('The password reset link was invalid');

    const login = new TestClient(t.app);
    await login.get('/accounts/login/');
    expect(
      (await login.post('/accounts/login/', { username: 'anna', password: NEW_PASSWORD })).statusCode,
    ).toBe(303);
  }, 30_000);

  it('a link stops working after a login', async () => {
    const [anna] = await t.database.db.select().from(users).where(eq(users.id, annaId));
    const link = `/accounts/reset/${encodeUid(annaId)}/${makeResetToken(t.settings.secretKey.reveal(), anna!)}/`;
    const login = new TestClient(t.app);
    await login.get('/accounts/login/');
    await login.post('/accounts/login/', { username: 'anna', password: NEW_PASSWORD });
    expect((await new TestClient(t.app).get(link)).statusCode).toBe(400);
  });

  it('refuses a malformed address with 400, and throttles requests per address and client', async () => {
    const bad = await request('not an address');
    expect(bad.statusCode).toBe(400);
    const client = new TestClient(t.app, { remoteAddress: '198.51.100.20' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await request('flood@example.com', client)).statusCode);
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
  });

  it('sends at most five mails per address in 15 minutes, whoever asks', async () => {
    await t.createUser({ username: 'boris', email: 'boris@example.com' });
    const before = smtp.messages.length;
    for (let i = 0; i < 7; i++) {
      const client = new TestClient(t.app, { remoteAddress: `203.0.113.${i + 1}` });
      expect((await request('boris@example.com', client)).statusCode).toBe(303);
    }
    await smtp.waitFor(before + 5, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(smtp.messages.slice(before)).toHaveLength(5);
  }, 40_000);
});
