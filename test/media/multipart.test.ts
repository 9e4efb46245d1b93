// Multipart forms and the pipeline: the CSRF check reads `_csrf` from the fields before the first file,
// the form limits hold, and a refused upload does not wedge its keep-alive connection.
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedApps } from '../../src/installed-apps.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { listenOnLoopback } from '../support/listen.js';
import {
  type Backend,
  createDocumentsTable,
  localBackend,
  tempDir as makeTempDir,
  multipart,
  type Part,
  PDF_BYTES,
  postMultipart,
  removeTempDirs,
  uploadTestApp,
  waitFor,
} from './support.js';

/** A careless view: reads a little of the first file, then destroys its stream. */
const abandoningApp: KeenApp = {
  name: 'abandoning',
  routes(app) {
    app.post('/abandon/', { config: { csrf: false } }, async (request) => {
      const form = await request.multipartForm();
      for await (const part of form.files()) {
        part.file.destroy();
        break;
      }
      return { fields: form.fields };
    });
  },
};

describe(`multipart forms in the pipeline (${ENGINE})`, () => {
  let backend: Backend;
  let t: TestApp;
  let tempDir: string;

  beforeAll(async () => {
    backend = localBackend();
    tempDir = makeTempDir('upload-tmp');
    t = await createTestApp({
      env: {
        ...backend.env,
        FILE_UPLOAD_TEMP_DIR: tempDir,
        DATA_UPLOAD_MAX_NUMBER_FIELDS: '20',
        DATA_UPLOAD_MAX_MEMORY_SIZE: '2048',
      },
      apps: [...installedApps, uploadTestApp, abandoningApp],
    });
    await createDocumentsTable(t.database);
  });
  afterAll(async () => {
    await t?.close();
    removeTempDirs();
  });

  let url: URL | undefined;
  /** The app on a real port (once), for tests that need raw sockets. */
  async function listening(): Promise<URL> {
    url ??= new URL(await listenOnLoopback(t.app as FastifyInstance));
    return url;
  }

  const post = (parts: (token: string) => [string, Part][], headers: Record<string, string> = {}) =>
    postMultipart(t.app, parts, headers);

  const pdf = (filename = 'a.pdf'): Part => ({ filename, data: PDF_BYTES });

  it('accepts the token as the first field, or in the X-CSRF-Token header', async () => {
    const first = await post((token) => [
      ['_csrf', token],
      ['title', 'field'],
      ['attachment', pdf()],
    ]);
    expect(first.statusCode, first.body).toBe(200);
    const client = new TestClient(t.app);
    const token = (await client.get('/form/')).json().token as string;
    const { body, contentType } = await multipart([
      ['title', 'header'],
      ['attachment', pdf()],
    ]);
    const viaHeader = await t.app.inject({
      method: 'POST',
      url: '/upload/',
      headers: {
        host: 'localhost',
        cookie: client.cookieHeader(),
        'content-type': contentType,
        'x-csrf-token': token,
      },
      payload: body,
    });
    expect(viaHeader.statusCode, viaHeader.body).toBe(200);
  });

  it('refuses a token that comes after the file, or none, before anything is stored', async () => {
    await waitFor(() => readdirSync(tempDir).length === 0, 'earlier temp files to go');
    const before = backend.list();
    const late = await post((token) => [
      ['title', 'late'],
      ['attachment', pdf()],
      ['_csrf', token],
    ]);
    expect(late.statusCode).toBe(403);
    expect(late.json().error.code).toBe('KEEN_E_CSRF');
    const none = await post(() => [
      ['title', 'none'],
      ['attachment', pdf()],
    ]);
    expect(none.statusCode).toBe(403);
    expect(backend.list()).toEqual(before);
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it('limits: fields (400), field size (413), one file per field (400), 100 files (400)', async () => {
    const tooManyFields = await post((token) => [
      ['_csrf', token],
      ...Array.from({ length: 25 }, (_, i): [string, Part] => [`f${i}`, 'x']),
    ]);
    expect(tooManyFields.statusCode).toBe(400);
    expect(tooManyFields.json().error.code).toBe('KEEN_E_BAD_REQUEST');

    const bigField = await post((token) => [
      ['_csrf', token],
      ['title', 'y'.repeat(3000)],
    ]);
    expect(bigField.statusCode).toBe(413);

    const twoInOne = await post((token) => [
      ['_csrf', token],
      ['title', 'two'],
      ['attachment', pdf('one.pdf')],
      ['attachment', pdf('two.pdf')],
    ]);
    expect(twoInOne.statusCode).toBe(400);

    const manyFiles = await post((token) => [
      ['_csrf', token],
      ...Array.from({ length: 101 }, (_, i): [string, Part] => [`file${i}`, pdf()]),
    ]);
    expect(manyFiles.statusCode).toBe(400);
    await waitFor(() => readdirSync(tempDir).length === 0, 'the temp files to go');
  });

  it('after refused uploads, the same keep-alive connection serves the next request', async () => {
    const base = await listening();
    const client = new TestClient(t.app);
    const token = (await client.get('/form/')).json().token as string;
    const big: Part = { filename: 'big.pdf', data: Buffer.concat([PDF_BYTES, Buffer.alloc(5_000_000, 1)]) };
    // Refused by the CSRF check with 5 MB still unread: once after reading the fields (the token comes
    // after the file), once without reading anything (no session). The rest of each body must be read
    // and dropped, or the next request on the socket is never seen.
    const late = await multipart([
      ['title', 'keep-alive'],
      ['attachment', big],
      ['_csrf', token],
    ]);
    const anonymous = await multipart([['attachment', big]]);
    const socket = connect(Number(base.port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    for (const [form, cookie] of [
      [late, `Cookie: ${client.cookieHeader()}\r\n`],
      [anonymous, ''],
    ] as const) {
      socket.write(
        `POST /upload/ HTTP/1.1\r\nHost: localhost\r\n${cookie}Content-Type: ${form.contentType}\r\n` +
          `Content-Length: ${form.body.length}\r\n\r\n`,
      );
      socket.write(form.body);
    }
    socket.write('GET /form/ HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const statuses = () => [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    try {
      await waitFor(() => statuses().length >= 3, 'three responses on one connection', 10_000);
      expect(statuses()).toEqual(['403', '403', '200']);
    } finally {
      socket.destroy();
    }
  });

  it('a body that can no longer be read is answered with Connection: close', async () => {
    const base = await listening();
    // The route destroys the file stream half-read, which stops the parser for good.
    const { body, contentType } = await multipart([
      ['note', 'x'],
      ['attachment', { filename: 'big.pdf', data: Buffer.concat([PDF_BYTES, Buffer.alloc(5_000_000, 1)]) }],
    ]);
    const socket = connect(Number(base.port), '127.0.0.1');
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(
      `POST /abandon/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${contentType}\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body);
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received.toLowerCase()).toContain('connection: close');
  });
});

describe(`malformed multipart bodies (${ENGINE})`, () => {
  let backend: Backend;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    backend = localBackend();
    t = await createTestApp({
      env: { ...backend.env, FILE_UPLOAD_TEMP_DIR: makeTempDir('upload-tmp') },
      apps: [...installedApps, uploadTestApp],
    });
    await createDocumentsTable(t.database);
    base = await listenOnLoopback(t.app as FastifyInstance);
  });
  afterAll(async () => {
    await t?.close();
    removeTempDirs();
  });

  const LONG = 'b'.repeat(1000);
  /** The four bodies from the attacker's report, each broken before any field is read. */
  const broken: Record<string, [contentType: string, body: string]> = {
    'no boundary': [
      'multipart/form-data',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
    ],
    truncated: [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
    ],
    'a 1,000-character boundary': [
      `multipart/form-data; boundary=${LONG}`,
      `--${LONG}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${LONG}--\r\n`,
    ],
    'bare LF line ends': [
      'multipart/form-data; boundary=x',
      '--x\nContent-Disposition: form-data; name="a"\n\n1\n--x--\n',
    ],
  };

  /** Posts on a real socket; returns the status and the log lines the request wrote (its access line included). */
  async function postRaw(path: string, cookie: string, contentType: string, body: string) {
    const before = t.logs.length;
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { cookie, 'content-type': contentType, accept: 'text/html' },
      body,
    });
    const text = await response.text();
    await waitFor(() => t.logs.slice(before).some((line) => line.path === path), 'the access line');
    return { status: response.status, text, lines: t.logs.slice(before) };
  }

  /** The error reports (lines with a code, not the access line) among `lines`. */
  const reports = (lines: Record<string, unknown>[]) =>
    lines.filter((line) => line.code !== undefined).map((line) => [line.level, line.code]);

  it('each is a 400 with one warning in the CSRF stage, on the login page and an upload form', async () => {
    const client = new TestClient(t.app);
    await client.get('/form/');
    for (const [name, [contentType, body]] of Object.entries(broken)) {
      for (const path of ['/accounts/login/', '/upload/']) {
        const { status, text, lines } = await postRaw(path, client.cookieHeader(), contentType, body);
        expect(status, `${name} → ${path}`).toBe(400);
        expect(text, name).toContain('Bad request.');
        expect(text, name).not.toMatch(/\bat .+:\d+:\d+/);
        expect(reports(lines), `${name} → ${path}`).toEqual([[40, 'KEEN_E_BAD_REQUEST']]);
        // The server (and a new connection, if this one was closed) goes on serving.
        expect((await fetch(`${base}/form/`, { headers: { cookie: client.cookieHeader() } })).status).toBe(
          200,
        );
      }
    }
    expect(t.logs.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it('a body that breaks after the token is a 400 from the view that reads it', async () => {
    const client = new TestClient(t.app);
    const token = (await client.get('/form/')).json().token as string;
    const start =
      `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
      '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nbroken later\r\n';
    const bodies: Record<string, string> = {
      'a file cut short': `${start}--x\r\nContent-Disposition: form-data; name="attachment"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
      'a part without headers': `${start}--x\r\n`,
      'a NUL in a later field': `${start}--x\r\nContent-Disposition: form-data; name="note"\r\n\r\na\u0000b\r\n--x--\r\n`,
    };
    for (const [name, body] of Object.entries(bodies)) {
      const { status, lines } = await postRaw(
        '/upload/',
        client.cookieHeader(),
        'multipart/form-data; boundary=x',
        body,
      );
      expect(status, name).toBe(400);
      expect(reports(lines), name).toEqual([[40, 'KEEN_E_BAD_REQUEST']]);
      expect((await fetch(`${base}/form/`)).status).toBe(200);
    }
    expect(backend.list()).toEqual([]);
    expect(t.logs.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it('a body that breaks in the part nobody reads is one warning after the response, never an error', async () => {
    const client = new TestClient(t.app);
    await client.get('/accounts/login/');
    // The login page reads no multipart fields: the rest of the body is skipped after its answer.
    const body =
      `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${client.lastCsrfToken}\r\n` +
      '--x\r\nContent-Disposition: form-data; name="attachment"; filename="a.pdf"\r\n\r\n%PDF-1.4\n';
    const before = t.logs.length;
    const { status } = await postRaw(
      '/accounts/login/',
      client.cookieHeader(),
      'multipart/form-data; boundary=x',
      body,
    );
    expect(status).toBeLessThan(500);
    await waitFor(
      () =>
        t.logs.slice(before).some((line) => line.msg === 'the rest of a multipart body could not be read'),
      'the warning about the unread rest',
    );
    const lines = t.logs.slice(before);
    expect(
      lines.filter((line) => line.msg === 'the rest of a multipart body could not be read'),
    ).toHaveLength(1);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect((await fetch(`${base}/form/`)).status).toBe(200);
  });
});
