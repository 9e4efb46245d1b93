import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, GOOD_PASSWORD, type TestApp } from './support/app.js';
import { TestClient } from './support/client.js';
import { ENGINE } from './support/database.js';

describe(`login and logout through the pages (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.createUser({ username: 'alice' });
  });
  afterAll(() => t.close());

  it('logs in, shows the user, logs out', async () => {
    const client = new TestClient(t.app);
    const login = await client.login('alice', GOOD_PASSWORD);
    expect(login.statusCode).toBe(303);
    const home = await client.get('/');
    expect(home.body).toContain('logged in as alice');
    const logout = await client.post('/accounts/logout/', {});
    expect(logout.statusCode).toBe(303);
    const after = await client.get('/');
    expect(after.body).not.toContain('logged in as alice');
    expect(after.body).toContain('You have been logged out.');
  });
});
