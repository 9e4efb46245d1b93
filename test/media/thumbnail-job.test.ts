// With the job queue running (keen serve on the embedded database, keen worker on PostgreSQL), a page
// asking for a thumbnail not made yet enqueues one `media.thumbnails` job per image (however many ask
// while it waits) and gets the original; the worker makes every width.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THUMBNAIL_WIDTHS } from '../../src/contrib/media/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ENGINE } from '../support/database.js';
import { pngBytes } from './support.js';

const POLL = { timeout: 30_000, interval: 200 };

describe(`thumbnails by the job queue (${ENGINE})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    // Enqueue only first, so the waiting jobs can be counted; the worker starts below.
    await t.app.jobs.start({ work: false });
  }, 60_000);
  afterAll(() => t.close());

  const thumbnail = (name: string, w: number) =>
    t.app.inject({ url: `/thumbnails/${name}?w=${w}`, headers: { host: 'localhost' } });

  it('enqueues one job per image, answers with the original, and the worker makes every width', async () => {
    const name = 'uploads/2026/12/queued.png';
    const bytes = await pngBytes(700, 350);
    await t.app.media.storage.save(name, Readable.from([bytes]), {
      contentType: 'image/png',
      size: bytes.length,
    });
    const responses = await Promise.all([thumbnail(name, 320), thumbnail(name, 640), thumbnail(name, 320)]);
    for (const response of responses) {
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe(t.app.media.url(name));
    }
    await expect
      .poll(async () => (await t.app.jobs.summary()).filter((row) => row.queue === 'media.thumbnails'), POLL)
      .toEqual([{ queue: 'media.thumbnails', state: 'created', count: 1 }]);
    expect(t.app.media.thumbnails.generated).toBe(0);

    await t.app.jobs.stop(5000);
    await t.app.jobs.start({ work: true, pollingIntervalSeconds: 0.5 });
    await expect
      .poll(
        async () => (await t.app.jobs.summary()).find((row) => row.queue === 'media.thumbnails')?.state,
        POLL,
      )
      .toBe('completed');
    for (const width of THUMBNAIL_WIDTHS) {
      expect(await t.app.media.storage.exists(`thumbs/${name}-${width}.webp`), String(width)).toBe(true);
    }
    expect((await thumbnail(name, 640)).headers.location).toBe(t.app.media.url(`thumbs/${name}-640.webp`));
  }, 60_000);
});
