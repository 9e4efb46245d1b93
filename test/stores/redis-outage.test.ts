// Issue 15, part 1: Redis killed and started again under a running site. While it is down, whatever
// needs it answers 503 (never a logout, never a login attempt let through unthrottled), one line is
// logged for the outage, and the site recovers on its own when Redis is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { type OwnRedis, startOwnRedis, testRedisPrefix } from '../support/redis.js';

describe(`Redis down and back (${ENGINE})`, () => {
  let redis: OwnRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await createTestApp({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: testRedisPrefix() } });
    await t.createUser({ username: 'owner', password: GOOD_PASSWORD });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  const outageLines = () =>
    t.logs.filter((line) => line.msg === 'redis is unreachable; requests that need it get 503');

  it('answers 503 to what needs Redis, keeps the visitor logged in, and recovers without a restart', async () => {
    expect(t.app.keen.stores.sessions.kind).toBe('redis');
    const owner = new TestClient(t.app);
    await owner.get('/accounts/login/');
    const login = await owner.post('/accounts/login/', { username: 'owner', password: GOOD_PASSWORD });
    expect(login.statusCode).toBe(303);
    expect((await owner.get('/accounts/sessions/')).statusCode).toBe(200);
    const cookieBefore = owner.cookieHeader();

    const stranger = new TestClient(t.app);
    await stranger.get('/accounts/login/');

    await redis.kill();
    const json = { headers: { accept: 'application/json' } };
    const during = await Promise.all([
      owner.get('/accounts/sessions/'),
      owner.get('/accounts/sessions/', json),
    ]);
    expect(during[1]?.json()).toMatchObject({ error: { code: 'KEEN_E_REDIS_UNAVAILABLE' } });
    for (const response of during) {
      expect(response.statusCode).toBe(503);
      // The session cookie is neither dropped nor replaced: the visitor is not logged out.
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    expect(owner.cookieHeader()).toBe(cookieBefore);
    // A password guess cannot be counted, so it is not checked.
    const guess = await stranger.post('/accounts/login/', {
      username: 'owner',
      password: 'wrong-password-1',
    });
    expect(guess.statusCode).toBe(503);
    // A page without a session is served as usual; the health page names what is down.
    expect((await new TestClient(t.app).get('/healthz')).statusCode).toBe(200);
    const health = await new TestClient(t.app).get('/health/');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({ status: 'error', database: 'ok', redis: 'error' });
    expect(outageLines()).toHaveLength(1);

    await redis.start();
    let after = await owner.get('/accounts/sessions/');
    for (let i = 0; i < 50 && after.statusCode === 503; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await owner.get('/accounts/sessions/');
    }
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('owner');
    expect((await new TestClient(t.app).get('/health/')).json()).toEqual({
      status: 'ok',
      database: 'ok',
      redis: 'ok',
    });
    expect(t.logs.some((line) => line.msg === 'redis is reachable again')).toBe(true);
    expect(outageLines()).toHaveLength(1);
    expect(t.rawLogs()).not.toContain(owner.cookies.get('sessionid') ?? 'no-cookie');
  });
});
