/**
 * An unexpected exception in a view: outside DEBUG the visitor gets a generic 500 page (HTML or the JSON
 * envelope) with nothing from the exception in it; in DEBUG the developer sees the message and stack.
 * Either way the log gets the full error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedApps } from '../../src/installed-apps.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';

const SECRET_DETAIL = 'secret detail xyz';
const GENERIC_MESSAGE = 'Something went wrong on our side. It has been logged.';
/** A stack frame as V8 prints it: "at fn (file:line:col)". */
const STACK_FRAME = /\bat .+:\d+:\d+/;

const boomApp: KeenApp = {
  name: 'boom',
  routes(app) {
    app.get('/boom/', async () => {
      throw new Error(SECRET_DETAIL);
    });
  },
};

describe(`500 error pages (${ENGINE})`, () => {
  let database: TestDatabase;
  let production: TestApp;
  let debug: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const apps = [...installedApps, boomApp];
    [production, debug] = await Promise.all([
      // Request ids are taken from the (trusted) proxy in front: here, the test's loopback peer.
      createTestApp({ database, apps, env: { TRUSTED_PROXIES: '127.0.0.1' } }),
      createTestApp({ database, apps, env: { DEBUG: 'true', TRUSTED_PROXIES: '127.0.0.1' } }),
    ]);
  });

  afterAll(async () => {
    await production?.close();
    await debug?.close();
    await database?.close();
  });

  it('DEBUG off: a generic HTML page with no stack trace or error text, and the full error in the log', async () => {
    const response = await new TestClient(production.app).get('/boom/', {
      headers: { accept: 'text/html', 'x-request-id': 'boom-html' },
    });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toContain('500 Server error');
    expect(response.body).toContain(GENERIC_MESSAGE);
    expect(response.body).not.toContain(SECRET_DETAIL);
    expect(response.body).not.toMatch(STACK_FRAME);
    expect(response.body).not.toContain('Debug information');
    expect(response.body).not.toContain('error-pages.test.ts');

    const [report, ...others] = production.logs.filter((line) => line.reqId === 'boom-html' && line.err);
    expect(others).toEqual([]);
    expect(report).toMatchObject({ level: 50, code: 'KEEN_E_INTERNAL', status: 500 });
    const err = report?.err as { message: string; stack: string };
    expect(err.message).toBe(SECRET_DETAIL);
    expect(err.stack).toMatch(STACK_FRAME);
  });

  it('the error pages speak the visitor’s language: 500, 404, 403 and 429 in Russian', async () => {
    const russian = new TestClient(production.app, { headers: { 'accept-language': 'ru' } });
    const crash = await russian.get('/boom/', { headers: { accept: 'text/html' } });
    expect(crash.statusCode).toBe(500);
    expect(crash.body).toContain('<html lang="ru">');
    expect(crash.body).toContain('500 Ошибка сервера');
    expect(crash.body).toContain('На нашей стороне что-то пошло не так.');
    expect(crash.body).not.toContain(SECRET_DETAIL);
    const missing = await russian.get('/no-such-page/');
    expect(missing.body).toContain('404 Страница не найдена');
    expect(missing.body).toContain('Такой страницы нет.');
    expect(missing.body).toContain('На главную');
    const forged = await russian.post(
      '/accounts/login/',
      { username: 'x', password: 'y' },
      { withCsrf: false },
    );
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('Проверка CSRF не пройдена.');
    for (const english of [
      'Server error',
      'Not found',
      'Back to the home page',
      'CSRF verification failed',
    ]) {
      expect(crash.body + missing.body + forged.body, english).not.toContain(english);
    }
  });

  it('DEBUG off: JSON clients get the error envelope and nothing more', async () => {
    const response = await new TestClient(production.app).get('/boom/', {
      headers: { accept: 'application/json' },
    });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ error: { code: 'KEEN_E_INTERNAL', message: GENERIC_MESSAGE } });
  });

  it('DEBUG on: the page shows the error message and stack trace', async () => {
    const response = await new TestClient(debug.app).get('/boom/', { headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(500);
    expect(response.body).toContain('Debug information');
    expect(response.body).toContain(`Error: ${SECRET_DETAIL}`);
    expect(response.body).toMatch(STACK_FRAME);
    // The frame that threw: this file's route handler.
    expect(response.body).toContain('error-pages.test.ts');
  });

  it('DEBUG on: JSON clients get the envelope with the stack under debug', async () => {
    const response = await new TestClient(debug.app).get('/boom/', {
      headers: { accept: 'application/json' },
    });
    expect(response.statusCode).toBe(500);
    const body = response.json() as { error: { code: string; message: string; debug?: { stack?: string } } };
    expect(body.error).toMatchObject({ code: 'KEEN_E_INTERNAL', message: GENERIC_MESSAGE });
    expect(body.error.debug?.stack).toContain(`Error: ${SECRET_DETAIL}`);
    expect(body.error.debug?.stack).toMatch(STACK_FRAME);
  });
});
