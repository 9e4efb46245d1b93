// Issue 16, the files and the links: `keen import-django --media-from` copies every file the Django rows
// point at into Keen's media storage (checked like uploads, verified by size and SHA-256), lists the
// missing ones, rewrites the references, and the old public addresses of the Django site still answer
// on Keen: with the content, or with a 301 to where it went.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDjangoCommand } from '../../src/cli/commands/import-django.js';
import type { StoredImage } from '../../src/contrib/media/fields.js';
import { createMedia, type Media } from '../../src/contrib/media/media.js';
import { queryRows } from '../../src/db/client.js';
import { openDjangoMediaSource } from '../../src/import-django/media-source.js';
import { type ImportReport, importDjango } from '../../src/import-django/run.js';
import { openDjangoSource } from '../../src/import-django/source.js';
import { createLogger } from '../../src/log.js';
import { createTestApp, type TestApp, testSettings } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import {
  createDjangoFixture,
  type DjangoFixture,
  djangoServerAvailable,
  OWNER_PASSWORD,
} from './django-fixture.js';

const SERVER = await djangoServerAvailable();

/** A Cyrillic file name, as CKEditor's upload wrote it into the post (percent-encoded). */
const PLAN_NAME = 'uploads/2025/06/План похода.pdf';
const PLAN_LINK = `/media/${PLAN_NAME.split('/').map(encodeURIComponent).join('/')}`;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const image = (format: 'jpeg' | 'png', width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#2563eb' } })
    .toFormat(format)
    .toBuffer();

describe.runIf(SERVER || process.env.CI === 'true')(
  `keen import-django --media-from (into ${ENGINE})`,
  () => {
    let fixture: DjangoFixture;
    let database: TestDatabase;
    let djangoMedia: string;
    let keenMediaRoot: string;
    let media: Media;
    let files: Record<string, Buffer>;
    let report: ImportReport;
    const rows = <T>(text: string) => queryRows<T>(database.db, sql.raw(text));

    const run = async (options: { dryRun?: boolean } = {}) => {
      const source = await openDjangoSource(fixture.url);
      const from = await openDjangoMediaSource(djangoMedia);
      try {
        return await importDjango(database.db, source, {
          dryRun: false,
          merge: false,
          ...options,
          media: { from, keen: media },
        });
      } finally {
        await from.close();
        await source.close();
      }
    };

    beforeAll(async () => {
      fixture = await createDjangoFixture();
      // A linked PDF with a Cyrillic name, and a link to a file that was never uploaded.
      await fixture.query(
        `UPDATE blog_post SET content = content || '<p><a href="${PLAN_LINK}">План</a> и <a href="/media/uploads/2025/06/lost.jpg?v=2">фото</a></p>' WHERE slug = 'django-notes'`,
      );
      database = await createTestDatabase();
      djangoMedia = mkdtempSync(join(tmpdir(), 'keen-django-media-'));
      keenMediaRoot = mkdtempSync(join(tmpdir(), 'keen-imported-media-'));
      files = {
        'blog/featured/2025/06/elbrus.jpg': await image('jpeg', 1200, 800),
        'uploads/2025/06/elbrus.jpg': await image('jpeg', 600, 400),
        // A PNG its uploader called .jpg: Keen names files by what they are.
        'resume/photos/ivan.jpg': await image('png', 300, 300),
        [PLAN_NAME]: PDF,
      };
      for (const [name, bytes] of Object.entries(files)) {
        mkdirSync(dirname(join(djangoMedia, name)), { recursive: true });
        writeFileSync(join(djangoMedia, name), bytes);
      }
      media = createMedia(
        testSettings({ MEDIA_ROOT: keenMediaRoot }),
        createLogger({ logLevel: 'silent', logPretty: false }),
      );
    }, 60_000);

    afterAll(async () => {
      await database?.close();
      await fixture?.drop();
      rmSync(djangoMedia, { recursive: true, force: true });
      rmSync(keenMediaRoot, { recursive: true, force: true });
    });

    it('a rehearsal lists what it would copy and what is missing, and stores nothing', async () => {
      const rehearsal = await run({ dryRun: true });
      expect(rehearsal.counts.find((row) => row.table === 'media files')).toMatchObject({
        read: 6,
        insert: 4,
        skipped: 2,
      });
      expect(rehearsal.missingMedia).toEqual([
        expect.stringMatching(/^uploads\/2025\/06\/lost\.jpg: not in .* \(blog_post "django-notes"\)$/),
        expect.stringMatching(/^uploads\/2025\/05\/team\.jpg: not in .* \(resume_profile "Иван Петров"\)$/),
      ]);
      expect(readdirDeep(keenMediaRoot)).toEqual([]);
    });

    it('copies every file byte for byte, keeping the names Keen can serve and renaming the others', async () => {
      report = await run();
      expect(report.written).toBe(true);
      const stored = readdirDeep(keenMediaRoot).sort();
      const photo = stored.find((name) => name.startsWith('resume/photos/')) as string;
      const plan = stored.find((name) => name.endsWith('.pdf')) as string;
      expect(stored).toEqual(
        ['blog/featured/2025/06/elbrus.jpg', photo, plan, 'uploads/2025/06/elbrus.jpg'].sort(),
      );
      // Renamed by content: the PNG gets .png, the Cyrillic name a hash of the bytes in the same folder.
      expect(photo).toBe(
        `resume/photos/${sha256(files['resume/photos/ivan.jpg'] as Buffer).slice(0, 32)}.png`,
      );
      expect(plan).toBe(`uploads/2025/06/${sha256(PDF).slice(0, 32)}.pdf`);
      for (const [name, bytes] of Object.entries(files)) {
        const keenName = name === PLAN_NAME ? plan : name.startsWith('resume/') ? photo : name;
        expect(sha256(readFileSync(join(keenMediaRoot, keenName))), name).toBe(sha256(bytes));
      }
    });

    it('fills the covers and photos as stored images, and points the HTML at the copies', async () => {
      const [trip] = await rows<{ cover: StoredImage; extra: Record<string, unknown>; body_html: string }>(
        "SELECT cover, extra, body_html FROM blog_post WHERE slug = 'pokhod-na-elbrus'",
      );
      expect(trip?.cover).toEqual({
        name: 'blog/featured/2025/06/elbrus.jpg',
        size: files['blog/featured/2025/06/elbrus.jpg']?.length,
        contentType: 'image/jpeg',
        originalName: 'elbrus.jpg',
        width: 1200,
        height: 800,
      });
      expect(trip?.extra).toEqual({ metaKeywords: 'эльбрус, горы' });
      expect(trip?.body_html).toContain('src="/media/uploads/2025/06/elbrus.jpg"');
      const [notes] = await rows<{ body: string }>("SELECT body FROM blog_post WHERE slug = 'django-notes'");
      expect(notes?.body).toContain(`href="/media/uploads/2025/06/${sha256(PDF).slice(0, 32)}.pdf"`);
      // The missing file's link is left as it was, for the owner to fix.
      expect(notes?.body).toContain('href="/media/uploads/2025/06/lost.jpg?v=2"');
      const [profile] = await rows<{ photo: StoredImage }>(
        'SELECT photo FROM resume_profile WHERE is_active',
      );
      expect(profile?.photo).toMatchObject({ contentType: 'image/png', width: 300, height: 300 });
    });

    it('a second run copies nothing and changes nothing', async () => {
      const again = await run();
      expect(again.changes).toBe(0);
      expect(again.counts.find((row) => row.table === 'media files')).toMatchObject({
        insert: 0,
        unchanged: 4,
      });
    });

    it('the old addresses answer on Keen: pages and files as they were, renamed files by a 301', async () => {
      const app: TestApp = await createTestApp({ database, env: { MEDIA_ROOT: keenMediaRoot } });
      try {
        const get = (url: string) => app.app.inject({ url, headers: { host: 'localhost' } });
        const expectations: [string, number, string?][] = [
          ['/blog/', 200],
          ['/blog/pokhod-na-elbrus/', 200],
          ['/blog/django-notes/', 200],
          ['/resume/', 200],
          ['/resume/export/pdf/', 200],
          ['/media/blog/featured/2025/06/elbrus.jpg', 200],
          ['/media/uploads/2025/06/elbrus.jpg', 200],
          [
            '/media/resume/photos/ivan.jpg',
            301,
            `/media/resume/photos/${sha256(files['resume/photos/ivan.jpg'] as Buffer).slice(0, 32)}.png`,
          ],
          [PLAN_LINK, 301, `/media/uploads/2025/06/${sha256(PDF).slice(0, 32)}.pdf`],
          // A draft stays unpublished, and a file that never existed stays a 404.
          ['/blog/chernovik/', 404],
          ['/media/uploads/2025/06/lost.jpg', 404],
        ];
        for (const [url, status, location] of expectations) {
          const response = await get(url);
          expect(response.statusCode, url).toBe(status);
          if (location) {
            expect(response.headers.location, url).toBe(location);
            expect((await get(location)).statusCode, location).toBe(200);
          }
        }
        const pdf = await get('/resume/export/pdf/');
        expect(pdf.headers['content-type']).toBe('application/pdf');
        // The owner logs in with the Django password, and Keen rehashes it with its own algorithm.
        const owner = new TestClient(app.app, { headers: { host: 'localhost' } });
        const login = await owner.login('owner', OWNER_PASSWORD);
        expect(login.statusCode).toBe(303);
        const [hash] = await rows<{ password: string }>(
          "SELECT password FROM auth_user WHERE username = 'owner'",
        );
        expect(hash?.password).toMatch(/^\$argon2id\$/);
      } finally {
        await app.close();
      }
    });

    it('the command takes --media-from and refuses what is not a folder or a bucket', async () => {
      await expect(
        importDjangoCommand.run(['--from', fixture.url, '--media-from', join(djangoMedia, 'none')]),
      ).rejects.toThrow(/is not a folder/);
      await expect(
        importDjangoCommand.run(['--from', fixture.url, '--media-from', 'https://example.com/media']),
      ).rejects.toThrow(/a folder or s3:\/\/bucket/);
    });
  },
);

/** Every file under `root`, as slash-separated relative names. */
function readdirDeep(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(root, name)).isFile())
    .map((name) => name.split(sep).join('/'));
}
