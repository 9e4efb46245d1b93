// The locale stage (Django's LocaleMiddleware): which language a page is in, and the switcher.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';

describe(`page language (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url, headers: { host: 'localhost', ...headers } });

  it('is LANGUAGE_CODE by default, with Content-Language and Vary on the page', async () => {
    const page = await get('/');
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('>Blog</a>');
    expect(page.headers['content-language']).toBe('en');
    expect(String(page.headers.vary)).toMatch(/Accept-Language/);
    expect(String(page.headers.vary)).toMatch(/Cookie/);
  });

  it('follows Accept-Language, and the visitor’s cookie beats it', async () => {
    const russian = await get('/', { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.8' });
    expect(russian.body).toContain('<html lang="ru">');
    expect(russian.body).toContain('>Блог</a>');
    expect(russian.body).toContain('Работает на Keen');
    expect(russian.headers['content-language']).toBe('ru');
    const chosen = await get('/', { 'accept-language': 'ru', cookie: 'language=en' });
    expect(chosen.body).toContain('<html lang="en">');
    // A cookie naming a language that is not enabled is ignored.
    const unknown = await get('/', { 'accept-language': 'ru', cookie: 'language=de' });
    expect(unknown.body).toContain('<html lang="ru">');
  });

  it('leaves responses that never asked alone: static files and probes', async () => {
    for (const url of ['/static/css/site.css', '/healthz']) {
      const res = await get(url, { 'accept-language': 'ru' });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-language'], url).toBeUndefined();
      expect(String(res.headers.vary ?? ''), url).not.toMatch(/Accept-Language/);
    }
  });

  it('the switcher stores the choice and returns to the same page', async () => {
    const home = await get('/blog/?page=1');
    expect(home.body).toContain('href="/i18n/setlang/?language=ru&amp;next=%2Fblog%2F%3Fpage%3D1"');
    const res = await get('/i18n/setlang/?language=ru&next=%2Fblog%2F%3Fpage%3D1');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/blog/?page=1');
    expect(res.headers['cache-control']).toBe('no-store');
    const cookie = (res.cookies as { name: string; value: string; maxAge?: number }[]).find(
      (c) => c.name === 'language',
    );
    expect(cookie?.value).toBe('ru');
    expect(cookie?.maxAge).toBeGreaterThan(300 * 24 * 3600);
    const after = await get('/blog/', { cookie: 'language=ru' });
    expect(after.body).toContain('<html lang="ru">');
  });

  it('the switcher refuses unknown languages and never redirects off the site', async () => {
    expect((await get('/i18n/setlang/?language=de&next=/')).statusCode).toBe(400);
    expect((await get('/i18n/setlang/?language=%3Cscript%3E')).statusCode).toBe(400);
    const away = await get('/i18n/setlang/?language=en&next=//evil.example/');
    expect(away.statusCode).toBe(302);
    expect(away.headers.location).toBe('/');
  });
});

describe(`a Russian site (${ENGINE})`, () => {
  it('LANGUAGE_CODE=ru makes Russian the default, English still available', async () => {
    const t = await createTestApp({ env: { LANGUAGE_CODE: 'ru', TIME_ZONE: 'Europe/Moscow' } });
    try {
      const page = await t.app.inject({ url: '/', headers: { host: 'localhost' } });
      expect(page.body).toContain('<html lang="ru">');
      expect(page.body).toContain('Войти');
      const english = await t.app.inject({ url: '/', headers: { host: 'localhost', cookie: 'language=en' } });
      expect(english.body).toContain('<html lang="en">');
    } finally {
      await t.close();
    }
  });
});

describe(`account pages in Russian (${ENGINE})`, () => {
  it('the login page, its errors, the password change page and the logout notice read as Russian', async () => {
    const t = await createTestApp({ env: { LANGUAGE_CODE: 'ru' } });
    try {
      await t.createUser({ username: 'anna' });
      const client = new TestClient(t.app);
      const page = await client.get('/accounts/login/');
      for (const russian of ['<h1>Вход</h1>', 'Имя пользователя', 'Пароль', '>Войти</button>'])
        expect(page.body, russian).toContain(russian);
      const failed = await client.post('/accounts/login/', {
        username: 'anna',
        password: 'wrong-password-1',
      });
      expect(failed.body).toContain('Введите правильные имя пользователя и пароль.');
      const empty = await client.post('/accounts/login/', { username: '', password: '' });
      expect(empty.body).toContain('Обязательное поле.');
      const long = await client.post('/accounts/login/', { username: 'я'.repeat(151), password: 'x' });
      expect(long.body).toContain('Не больше 150 символов.');
      expect((await client.login('anna', GOOD_PASSWORD)).statusCode).toBe(303);
      const change = await client.get('/accounts/password_change/');
      for (const russian of ['Смена пароля', 'Старый пароль', 'Новый пароль (ещё раз)', 'Сменить пароль'])
        expect(change.body, russian).toContain(russian);
      const mismatch = await client.post('/accounts/password_change/', {
        old_password: GOOD_PASSWORD,
        new_password1: 'a-Brand-new-password-99',
        new_password2: 'a-Brand-new-password-98',
      });
      expect(mismatch.body).toContain('Пароли в двух полях не совпадают.');
      await client.post('/accounts/logout/', {});
      expect((await client.get('/')).body).toContain('Вы вышли из системы.');
      for (const english of ['Log in', 'Username', 'Old password', 'You have been logged out']) {
        expect(page.body + change.body, english).not.toContain(english);
      }
    } finally {
      await t.close();
    }
  });
});
