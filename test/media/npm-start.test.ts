// What a newcomer does first, on the embedded database with nothing configured but KEEN_DATA_DIR:
// `keen loaddemo`, then `keen serve` from the production build (what `npm start` runs). The demo's
// images live under KEEN_DATA_DIR/media and the app serves them with the same safety headers as the
// nginx template; the pages link them. The résumé PDF is built by the bundled server too.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET_KEY } from '../support/app.js';
import { ENGINE } from '../support/database.js';
import { type KeenServe, prepareBuildCopy, removeBuildCopy, startKeenServe } from '../support/keen-serve.js';

const run = promisify(execFile);

describe.runIf(ENGINE === 'pglite')('media after loaddemo and keen serve, nothing configured', () => {
  let build: string;
  let dataDir: string;
  let keen: KeenServe;

  beforeAll(async () => {
    build = prepareBuildCopy();
    dataDir = mkdtempSync(join(tmpdir(), 'keen-first-run-'));
    const env = { PATH: process.env.PATH ?? '', SECRET_KEY: TEST_SECRET_KEY, KEEN_DATA_DIR: dataDir };
    const loaded = await run(process.execPath, [join(build, 'bin', 'keen.js'), 'loaddemo'], {
      cwd: build,
      env,
    });
    expect(loaded.stdout).toContain('demo loaded');
    keen = await startKeenServe(build, { KEEN_DATA_DIR: dataDir });
  }, 120_000);

  afterAll(async () => {
    await keen?.stop();
    if (build) removeBuildCopy(build);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('the pages link images under KEEN_DATA_DIR/media, served with nosniff and a sandboxing CSP', async () => {
    const home = await (await fetch(`${keen.url}/blog/`)).text();
    const post = home.match(/href="(\/blog\/kak-ustroen[^"]+)"/)?.[1];
    expect(post).toBeDefined();
    const page = await (await fetch(`${keen.url}${post}`)).text();
    const images = [...page.matchAll(/<img [^>]*src="(\/media\/[^"]+)"/g)].map((match) => match[1]!);
    expect(images.length).toBeGreaterThan(0);
    for (const src of images) {
      expect(existsSync(join(dataDir, decodeURIComponent(src)))).toBe(true);
      const image = await fetch(`${keen.url}${src}`);
      expect(image.status, src).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(image.headers.get('x-content-type-options')).toBe('nosniff');
      expect(image.headers.get('content-security-policy')).toContain('sandbox');
      const bytes = Buffer.from(await image.arrayBuffer());
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    }
    // The résumé's photo too.
    const resume = await (await fetch(`${keen.url}/resume/`)).text();
    const photo = resume.match(/class="Resume-photo" src="([^"]+)"/)?.[1];
    expect((await fetch(`${keen.url}${photo}`)).status).toBe(200);
    expect((await fetch(`${keen.url}/media/no-such.png`)).status).toBe(404);
  });

  it('the production build makes the résumé PDF (pdfkit and the fonts survive the bundle)', async () => {
    const pdf = await fetch(`${keen.url}/resume/export/pdf/`, { headers: { 'accept-language': 'ru' } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toContain('DejaVuSans');
    await keen.waitForLog((line) => line.msg === 'résumé PDF built');
  });
});
