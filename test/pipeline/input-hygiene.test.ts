// Issue 14: every bad byte is a 400 before any handler runs, every malformed multipart body is a 400,
// a client hanging up is a client abort (not a database outage), and no log line grows with the input.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffClient } from '../admin/support.js';
import { pngBytes, waitFor } from '../media/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';

describe(`input hygiene (${ENGINE})`, () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp();
    url = await listenOnLoopback(t.app as FastifyInstance);
  });
  afterAll(() => t.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url: path, headers: { host: 'localhost', ...headers } });
  const serverErrors = () => t.logs.filter((line) => Number(line.level) >= 50);

  it('NUL, broken escapes and invalid UTF-8 in a path or query string are 400, never 500', async () => {
    const targets = [
      '/blog/?tag=%00',
      '/blog/a%00b/',
      '/blog/%E0%A4%A/',
      '/blog/?tag=%C0%AE',
      '/blog/?category=%ED%A0%80',
      '/blog/%FF/',
      '/blog/%C0%AE/',
      '/blog/%ED%A0%80/?page=2',
      '/%/',
      '/admin/auth/user/?q=%00',
      '/static/css/site%00.css',
    ];
    for (const target of targets) {
      const before = t.logs.length;
      const res = await get(target, { accept: 'text/html' });
      expect(res.statusCode, target).toBe(400);
      // The site's own error page with its headers, whether the router could decode the path or not
      // (find-my-way cannot decode /blog/%E0%A4%A/ or /blog/%FF/; Fastify alone would answer bare JSON).
      expect(res.headers['content-type'], target).toMatch(/^text\/html/);
      expect(res.body, target).toContain('Bad request.');
      expect(res.body, target).not.toMatch(/\bat .+:\d+:\d+/);
      expect(res.headers['permissions-policy'], target).toBeDefined();
      expect(res.headers['x-frame-options'], target).toBe('DENY');
      const lines = t.logs.slice(before);
      expect(
        lines.filter((line) => line.code).map((line) => [line.level, line.code]),
        target,
      ).toEqual([[40, 'KEEN_E_BAD_REQUEST']]);
      // The access line names the path as it arrived.
      expect(lines.find((line) => line.msg === 'request refused')?.path, target).toBe(target.split('?')[0]);
    }
    expect(serverErrors()).toEqual([]);
    // Escaped Cyrillic is ordinary text.
    expect((await get('/blog/tag/%D0%BF%D0%BE%D1%81%D1%82/')).statusCode).toBe(404);
  });

  it('on a real socket: NUL in a header or raw non-ASCII in the target is refused by Node, a broken escape in an absolute-form target by Keen', async () => {
    const { port } = new URL(url);
    const exchange = (request: string) =>
      new Promise<string>((resolve) => {
        let received = '';
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString('latin1');
        });
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(received));
      });
    const end = 'Host: localhost\r\nConnection: close\r\n\r\n';
    expect(await exchange(`GET /blog/ HTTP/1.1\r\nX-Note: a\u0000b\r\n${end}`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await exchange(`GET /blog/?tag=\u00ff HTTP/1.1\r\n${end}`)).toMatch(/^HTTP\/1\.1 400 /);
    const absolute = await exchange(`GET http://localhost/blog/%FF/ HTTP/1.1\r\n${end}`);
    expect(absolute).toMatch(/^HTTP\/1\.1 400 /);
    expect(absolute).toContain('text/html');
    // Other header bytes arrive as Latin-1 text, which PostgreSQL can store: an ordinary request.
    expect(await exchange(`GET /blog/ HTTP/1.1\r\nUser-Agent: \u00c0\u00ae\r\n${end}`)).toMatch(
      /^HTTP\/1\.1 200 /,
    );
    expect(serverErrors()).toEqual([]);
  });

  it('NUL and invalid UTF-8 in form fields are 400 (a login with username=bo%00ss)', async () => {
    const client = new TestClient(t.app);
    await client.get('/accounts/login/');
    for (const payload of [
      'username=bo%00ss&password=x',
      'username=%C0%AE&password=x',
      'username=a&password=%FF',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/accounts/login/',
        headers: {
          host: 'localhost',
          cookie: client.cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: `${payload}&_csrf=${client.lastCsrfToken}`,
      });
      expect(res.statusCode, payload).toBe(400);
    }
    expect(serverErrors()).toEqual([]);
  });

  it('a NUL or a lone surrogate in a JSON body is a 400, like broken JSON', async () => {
    for (const payload of ['{"username":"bo\\u0000ss"}', '{"note":"\\ud800"}', '{"a\\u0000":1}', '{broken']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/accounts/login/',
        headers: { host: 'localhost', 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode, payload).toBe(400);
    }
    expect(serverErrors()).toEqual([]);
  });

  it('every malformed multipart body is a 400 with one warning, on the login page and the admin upload form', async () => {
    const visitor = new TestClient(t.app);
    await visitor.get('/accounts/login/');
    // A superuser, so the admin's add-post form (with its cover upload) really reads the body.
    const staff = await staffClient(t, 'hygiene-staff', { superuser: true });
    await staff.get('/admin/blog/post/add/');
    const long = 'b'.repeat(1000);
    const bodiesFor = (token: string | null): Record<string, [string, string]> => ({
      'no boundary': [
        'multipart/form-data',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
      ],
      truncated: [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
      ],
      '1,000-character boundary': [
        `multipart/form-data; boundary=${long}`,
        `--${long}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${long}--\r\n`,
      ],
      'bare LF line ends': [
        'multipart/form-data; boundary=x',
        '--x\nContent-Disposition: form-data; name="a"\n\n1\n--x--\n',
      ],
      'NUL in a field': [
        'multipart/form-data; boundary=x',
        `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nbo\u0000ss\r\n--x--\r\n`,
      ],
    });
    for (const [client, path] of [
      [visitor, '/accounts/login/'],
      [staff, '/admin/blog/post/add/'],
    ] as const) {
      for (const [name, [type, body]] of Object.entries(bodiesFor(client.lastCsrfToken))) {
        const before = t.logs.length;
        const res = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { cookie: client.cookieHeader(), 'content-type': type },
          body,
        });
        await res.arrayBuffer();
        expect(res.status, `${name} → ${path}`).toBe(400);
        await waitFor(
          () => t.logs.slice(before).some((line) => line.msg === 'request refused'),
          'the access line',
        );
        const reports = t.logs.slice(before).filter((line) => line.code !== undefined);
        expect(
          reports.map((line) => [line.level, line.code]),
          `${name} → ${path}`,
        ).toEqual([[40, 'KEEN_E_BAD_REQUEST']]);
        // The next request is served (on this connection, or a new one if this one was closed).
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
      }
    }
    expect(serverErrors()).toEqual([]);
  });

  /**
   * Sends the start of a large POST on a real socket, waits until `serverIsReading` holds (the server is
   * in the middle of the body), then hangs up; returns once the request's log lines say it is over.
   */
  async function hangUpDuring(app: TestApp, head: string, serverIsReading: () => boolean) {
    const before = app.logs.length;
    const address = app.app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    const socket = connect(address.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(head);
    await waitFor(serverIsReading, 'the server to be reading the body');
    socket.destroy();
    await waitFor(
      () => app.logs.slice(before).some((line) => line.code !== undefined),
      'the request to be reported',
    );
    return app.logs.slice(before);
  }

  /** A client abort, reported once at info, and nothing that looks like a refusal or an outage. */
  function expectOneClientAbort(lines: Record<string, unknown>[]) {
    expect(lines.filter((line) => line.code !== undefined).map((line) => [line.level, line.code])).toEqual([
      [30, 'KEEN_E_CLIENT_ABORT'],
    ]);
    expect(lines.filter((line) => Number(line.level) >= 40)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('KEEN_E_DB_UNAVAILABLE');
  }

  it('a client that hangs up while the CSRF stage reads the form is a client abort, not a database outage', async () => {
    const client = new TestClient(t.app);
    await client.get('/accounts/login/');
    const before = t.logs.length;
    const lines = await hangUpDuring(
      t,
      'POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\n' +
        `Cookie: ${client.cookieHeader()}\r\n` +
        'Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n' +
        '--x\r\nContent-Disposition: form-data; name="note"\r\n\r\n' +
        'x'.repeat(1000),
      () => t.logs.slice(before).some((line) => line.msg === 'starting multipart parsing'),
    );
    expectOneClientAbort(lines);
  });

  it('a client that hangs up in the middle of an upload to the admin is a client abort', async () => {
    const tempDir = mkdtempSync(join(tmpdir(), 'keen-abort-'));
    const admin = await createTestApp({ database: t.database, env: { FILE_UPLOAD_TEMP_DIR: tempDir } });
    try {
      await listenOnLoopback(admin.app as FastifyInstance);
      const staff = await staffClient(admin, 'uploader', { superuser: true });
      await staff.get('/admin/blog/post/add/');
      const png = await pngBytes(64, 64);
      const lines = await hangUpDuring(
        admin,
        'POST /admin/blog/post/add/ HTTP/1.1\r\nHost: localhost\r\n' +
          `Cookie: ${staff.cookieHeader()}\r\n` +
          'Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 5000000\r\n\r\n' +
          `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${staff.lastCsrfToken}\r\n` +
          '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nHalf a cover\r\n' +
          '--x\r\nContent-Disposition: form-data; name="cover"; filename="c.png"\r\n' +
          'Content-Type: image/png\r\n\r\n' +
          png.toString('latin1'),
        // The view is streaming the cover into its temp file.
        () => readdirSync(tempDir).length > 0,
      );
      expectOneClientAbort(lines);
      await waitFor(() => readdirSync(tempDir).length === 0, 'the temp file to go');
    } finally {
      await admin.close();
      rmSync(tempDir, { recursive: true, force: true });
    }
  });

  it('no log line grows with a 100,000-character path, Host, Referer or Origin', async () => {
    const before = t.logs.length;
    const huge = 'a'.repeat(100_000);
    await get(`/${huge}`);
    await get('/', { host: `${huge}.example` });
    const client = new TestClient(t.app);
    await client.get('/accounts/login/');
    await client.post(
      '/accounts/login/',
      { username: 'x', password: 'y' },
      { headers: { origin: `https://${huge}` } },
    );
    await client.post(
      '/accounts/login/',
      { username: 'x', password: 'y' },
      { headers: { 'x-forwarded-proto': 'https', referer: `https://${huge}/` } },
    );
    const raw = t.logs.slice(before).map((line) => JSON.stringify(line));
    expect(raw.length).toBeGreaterThan(3);
    for (const line of raw) expect(line.length).toBeLessThan(4000);
  });
});
