/**
 * Shared pieces of the media tests: an s3rver on loopback, the two storage backends as settings,
 * generated images, multipart bodies, and a small app with a table that has a file and an image field.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { sql } from 'drizzle-orm';
import { pgTable, serial, varchar } from 'drizzle-orm/pg-core';
import type { FastifyInstance } from 'fastify';
import S3rver from 's3rver';
import sharp from 'sharp';
import {
  fileField,
  imageField,
  receiveForm,
  saveFile,
  saveImage,
  withStoredFiles,
} from '../../src/contrib/media/index.js';
import type { Database } from '../../src/db/client.js';
import { atomic } from '../../src/db/transaction.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { TestClient } from '../support/client.js';

export const S3_BUCKET = 'media';
/** s3rver checks the access key id (its built-in account) but not SigV4 signatures. */
export const S3_KEY = 'S3RVER';

export interface S3Server {
  endpoint: string;
  directory: string;
  close(): Promise<void>;
}

/** An s3rver on 127.0.0.1 with a random port and the `media` bucket, in a temp folder. */
export async function startS3(): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'keen-s3-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: S3_BUCKET }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

const madeDirs: string[] = [];

/** A fresh temp folder, removed by {@link removeTempDirs} (call it in afterAll). */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `keen-${label}-`));
  madeDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export type BackendName = 'local' | 's3';

/** A backend to run against: its settings and how to list what it holds. */
export interface Backend {
  name: BackendName;
  env: Record<string, string>;
  /** Every stored name, sorted. */
  list(): string[];
  /** Removes every stored file (between tests). */
  clear(): void;
}

/** Files under `dir`, relative and with `/` separators (none when it does not exist). */
export function listFiles(dir: string): string[] {
  try {
    return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
      .sort();
  } catch {
    return [];
  }
}

export function localBackend(mediaRoot = tempDir('media')): Backend {
  return {
    name: 'local',
    env: { MEDIA_ROOT: mediaRoot, MEDIA_STORAGE: 'local' },
    list: () => listFiles(mediaRoot),
    clear: () => rmSync(mediaRoot, { recursive: true, force: true }),
  };
}

export function s3Backend(server: S3Server): Backend {
  // s3rver keeps each object as `<bucket>/<key>._S3rver_object` plus metadata files beside it.
  const bucketDir = join(server.directory, S3_BUCKET);
  return {
    name: 's3',
    env: {
      MEDIA_STORAGE: 's3',
      S3_ENDPOINT_URL: server.endpoint,
      S3_BUCKET,
      S3_ACCESS_KEY_ID: S3_KEY,
      S3_SECRET_ACCESS_KEY: S3_KEY,
    },
    list: () =>
      listFiles(bucketDir)
        .filter((file) => file.endsWith('._S3rver_object'))
        .map((file) => file.slice(0, -'._S3rver_object'.length)),
    clear: () => {
      for (const entry of readdirSync(bucketDir))
        rmSync(join(bucketDir, entry), { recursive: true, force: true });
    },
  };
}

/** A real PNG of the given size (noise, so it does not compress to nothing). */
export function pngBytes(width = 120, height = 80): Promise<Buffer> {
  const noise = { type: 'gaussian', mean: 128, sigma: 40 } as const;
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise } })
    .png()
    .toBuffer();
}

export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

import { multipart, type Part } from '../support/multipart.js';

export { multipart, type Part };

/** A table with both field types; `title` is unique so a test can make the insert fail. */
export const documents = pgTable('media_test_document', {
  id: serial('id').primaryKey(),
  title: varchar('title', { length: 100 }).notNull().unique(),
  image: imageField('image'),
  attachment: fileField('attachment'),
});

export async function createDocumentsTable(database: Database): Promise<void> {
  await database.db.execute(
    sql.raw(
      'CREATE TABLE IF NOT EXISTS media_test_document (id serial PRIMARY KEY, title varchar(100) NOT NULL UNIQUE, image jsonb, attachment jsonb)',
    ),
  );
}

/**
 * The app under test: GET /form/ gives a CSRF token; POST /upload/ saves `image` (an image field) and
 * `attachment` (a file field) with the row, the way an app should (store, insert, clean up on failure).
 */
export const uploadTestApp: KeenApp = {
  name: 'upload_test',
  dependsOn: ['media'],
  routes(app) {
    app.get('/form/', async (request) => ({ token: request.csrfToken() }));
    app.post('/upload/', async (request) => {
      const { media } = request.server;
      const form = await receiveForm(request);
      const title = String(form.fields.title ?? '');
      return withStoredFiles(media, async (track) => {
        const image = form.files.image ? track(await saveImage(media, form.files.image)) : null;
        const attachment = form.files.attachment ? track(await saveFile(media, form.files.attachment)) : null;
        const [row] = await atomic(request.server.keen.database.db, (tx) =>
          tx.insert(documents).values({ title, image, attachment }).returning(),
        );
        return row;
      });
    });
  },
};

/** Polls `check` until it holds (temp files are deleted just after the response, not before it). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 5000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Posts a multipart form to `/upload/` (the upload test app) with a fresh session: `parts` receives the
 * session's CSRF token, so each test decides where (or whether) `_csrf` goes.
 */
export async function postMultipart(
  app: FastifyInstance,
  parts: (token: string) => [string, Part][],
  headers: Record<string, string> = {},
) {
  const client = new TestClient(app);
  const token = (await client.get('/form/')).json().token as string;
  const { body, contentType } = await multipart(parts(token));
  return app.inject({
    method: 'POST',
    url: '/upload/',
    headers: {
      host: 'localhost',
      accept: 'application/json',
      cookie: client.cookieHeader(),
      'content-type': contentType,
      ...headers,
    },
    payload: body,
  });
}
