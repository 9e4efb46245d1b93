// The admin in Russian: its frame, index and history read as Russian; English stays the default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

describe(`admin language (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.createUser({ username: 'boss', isStaff: true, isSuperuser: true });
  });
  afterAll(() => t.close());

  async function staff(language: string) {
    const client = new TestClient(t.app, { headers: { 'accept-language': language } });
    expect((await client.login('boss', GOOD_PASSWORD)).statusCode).toBe(303);
    return client;
  }

  it('shows its frame and index in Russian to a Russian browser', async () => {
    const client = await staff('ru');
    const page = await client.get('/admin/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="ru">');
    for (const russian of [
      'Администрирование сайта',
      'Открыть сайт',
      'Сменить пароль',
      'Выйти',
      'Последние действия',
    ]) {
      expect(page.body, russian).toContain(russian);
    }
    for (const english of [
      'Site administration',
      'View site',
      'Change password',
      'Log out',
      'Recent actions',
    ]) {
      expect(page.body, english).not.toContain(english);
    }
  });

  it('stays English for an English browser', async () => {
    const page = await (await staff('en')).get('/admin/');
    expect(page.body).toContain('Site administration');
    expect(page.body).not.toContain('Администрирование сайта');
  });
});
