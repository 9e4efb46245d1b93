// Stage 6 (auth) and the account pages: AUTH-02, AUTH-05…AUTH-08, AUTH-10 and ASVS 7.4.x.
import { pbkdf2Sync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeNextUrl } from '../../src/contrib/auth/safe-next.js';
import { users } from '../../src/contrib/auth/schema.js';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

const NEW_PASSWORD = 'another-Long-passphrase-77';

describe('safe next URL', () => {
  it('allows only paths on this site', () => {
    expect(safeNextUrl('/accounts/password_change/?x=1')).toBe('/accounts/password_change/?x=1');
    for (const bad of [
      'https://evil.com/',
      '//evil.com/',
      '/\\evil.com',
      '\\\\evil.com',
      'javascript:alert(1)',
      '/\t/evil.com',
      'evil',
    ]) {
      expect(safeNextUrl(bad), bad).toBe('/');
    }
  });
});

describe(`authentication (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('redirects to a safe next after login, and ignores an off-site next', async () => {
    await t.createUser({ username: 'nina' });
    const client = new TestClient(t.app);
    await client.get('/accounts/login/?next=/accounts/password_change/');
    const ok = await client.post('/accounts/login/', {
      username: 'nina',
      password: GOOD_PASSWORD,
      next: '/accounts/password_change/',
    });
    expect(ok.headers.location).toBe('/accounts/password_change/');
    const other = new TestClient(t.app);
    await other.get('/accounts/login/');
    const res = await other.post('/accounts/login/', {
      username: 'nina',
      password: GOOD_PASSWORD,
      next: '//evil.com/',
    });
    expect(res.headers.location).toBe('/');
  });

  it('usernames match case-insensitively; wrong passwords get a 400 form error and a warning log', async () => {
    await t.createUser({ username: 'Oscar' });
    const client = new TestClient(t.app);
    expect((await client.login('oscar', GOOD_PASSWORD)).statusCode).toBe(303);
    const wrong = new TestClient(t.app);
    const res = await wrong.login('Oscar', 'not-the-password-at-all');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please enter a correct username and password');
    expect(t.logs.some((line) => line.msg === 'login failed' && line.level === 40)).toBe(true);
  });

  it('password change: needs the old password, keeps this session, ends the others', async () => {
    await t.createUser({ username: 'paula' });
    const laptop = new TestClient(t.app);
    const phone = new TestClient(t.app);
    await laptop.login('paula', GOOD_PASSWORD);
    await phone.login('paula', GOOD_PASSWORD);
    expect((await phone.get('/')).body).toContain('<span class="SiteHeader-user">paula</span>');

    await laptop.get('/accounts/password_change/');
    const wrongOld = await laptop.post('/accounts/password_change/', {
      old_password: 'nope-nope-nope-nope',
      new_password1: NEW_PASSWORD,
      new_password2: NEW_PASSWORD,
    });
    expect(wrongOld.statusCode).toBe(400);
    const weak = await laptop.post('/accounts/password_change/', {
      old_password: GOOD_PASSWORD,
      new_password1: 'qwertyuiop123',
      new_password2: 'qwertyuiop123',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('too common');

    const changed = await laptop.post('/accounts/password_change/', {
      old_password: GOOD_PASSWORD,
      new_password1: NEW_PASSWORD,
      new_password2: NEW_PASSWORD,
    });
    expect(changed.statusCode).toBe(303);
    expect((await laptop.get('/')).body).toContain('<span class="SiteHeader-user">paula</span>');
    expect((await phone.get('/')).body).not.toContain('<span class="SiteHeader-user">paula</span>');
    expect((await new TestClient(t.app).login('paula', NEW_PASSWORD)).statusCode).toBe(303);
  });

  it('a password changed elsewhere (another worker, the CLI) invalidates the session via its hash', async () => {
    const user = await t.createUser({ username: 'quinn' });
    const client = new TestClient(t.app);
    await client.login('quinn', GOOD_PASSWORD);
    // Change the hash directly, leaving session rows alone: only the auth-hash check can catch this.
    const other = await t.createUser({ username: 'quinn-other', password: NEW_PASSWORD });
    await t.database.db.update(users).set({ password: other.password }).where(eq(users.id, user.id));
    expect((await client.get('/')).body).not.toContain('<span class="SiteHeader-user">quinn</span>');
  });

  it('deactivating a user ends their session on the next request and refuses login', async () => {
    const user = await t.createUser({ username: 'rita' });
    const client = new TestClient(t.app);
    await client.login('rita', GOOD_PASSWORD);
    await t.database.db.update(users).set({ isActive: false }).where(eq(users.id, user.id));
    expect((await client.get('/')).body).not.toContain('<span class="SiteHeader-user">rita</span>');
    expect((await new TestClient(t.app).login('rita', GOOD_PASSWORD)).statusCode).toBe(400);
  });

  it('a Django pbkdf2_sha256 hash logs in and is re-hashed to argon2id', async () => {
    const salt = 'djangosalt123456';
    const digest = pbkdf2Sync(GOOD_PASSWORD, salt, 1000, 32, 'sha256').toString('base64');
    const user = await t.createUser({ username: 'sasha' });
    await t.database.db
      .update(users)
      .set({ password: `pbkdf2_sha256$1000$${salt}$${digest}` })
      .where(eq(users.id, user.id));
    expect((await new TestClient(t.app).login('sasha', GOOD_PASSWORD)).statusCode).toBe(303);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, user.id));
    expect(row?.password.startsWith('$argon2id$')).toBe(true);
    expect(row?.lastLogin).toBeInstanceOf(Date);
  });

  it('logout is POST only', async () => {
    const res = await t.app.inject({ url: '/accounts/logout/', headers: { host: 'localhost' } });
    expect(res.statusCode).toBe(405);
  });

  it('the password change page sends anonymous users to login with next', async () => {
    const res = await t.app.inject({ url: '/accounts/password_change/', headers: { host: 'localhost' } });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/accounts/login/?next=%2Faccounts%2Fpassword_change%2F');
  });

  it('login rotates the CSRF token: a token from before login no longer works', async () => {
    await t.createUser({ username: 'tom' });
    const client = new TestClient(t.app);
    await client.get('/accounts/login/');
    const before = client.lastCsrfToken as string;
    await client.post('/accounts/login/', { username: 'tom', password: GOOD_PASSWORD });
    const res = await client.post('/accounts/logout/', { _csrf: before });
    expect(res.statusCode).toBe(403);
  });

  it('too many failures for one account → 429 with Retry-After', async () => {
    await t.createUser({ username: 'uma' });
    const client = new TestClient(t.app);
    for (let i = 0; i < 5; i++)
      expect((await client.login('uma', `wrong-${i}-password-xx`)).statusCode).toBe(400);
    const blocked = await client.login('uma', GOOD_PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(t.logs.some((line) => line.msg === 'password attempts throttled')).toBe(true);
  });
});

describe(`first-run setup page (${ENGINE})`, () => {
  it('creates the first admin with the one-time token, then closes', async () => {
    const t = await createTestApp({ setupToken: 'the-one-time-token-1234567890' });
    try {
      const client = new TestClient(t.app);
      expect((await client.get('/setup/?token=wrong')).statusCode).toBe(403);
      expect((await client.get('/setup/?token=the-one-time-token-1234567890')).statusCode).toBe(200);
      const weak = await client.post('/setup/', {
        token: 'the-one-time-token-1234567890',
        username: 'admin',
        email: 'admin@example.com',
        password: 'short',
        password2: 'short',
      });
      expect(weak.statusCode).toBe(400);
      const made = await client.post('/setup/', {
        token: 'the-one-time-token-1234567890',
        username: 'admin',
        email: 'admin@example.com',
        password: GOOD_PASSWORD,
        password2: GOOD_PASSWORD,
      });
      expect(made.statusCode).toBe(303);
      expect((await client.get('/')).body).toContain('<span class="SiteHeader-user">admin</span>');
      const [row] = await t.database.db.select().from(users).where(eq(users.username, 'admin'));
      expect(row?.isSuperuser && row.isStaff).toBe(true);
      expect(
        (await new TestClient(t.app).get('/setup/?token=the-one-time-token-1234567890')).statusCode,
      ).toBe(404);
      expect(t.rawLogs()).not.toContain('the-one-time-token');
    } finally {
      await t.close();
    }
  });
});
