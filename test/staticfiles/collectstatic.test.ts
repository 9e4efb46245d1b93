// keen collectstatic (STA-01, STA-02, WN-04): collecting, hashing, CSS rewriting, compression, idempotency.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type CollectOptions, collectStatic } from '../../src/contrib/staticfiles/collect.js';
import type { StaticSource } from '../../src/contrib/staticfiles/finder.js';
import { BIG_CSS, listTree, PNG, RANDOM, snapshot, tempDir, writeTree } from './fixtures.js';

const md5_12 = (content: Buffer | string) => createHash('md5').update(content).digest('hex').slice(0, 12);

/** One source folder with `files`, and an empty STATIC_ROOT path (not created). */
function setup(files: Record<string, string | Buffer>, more: StaticSource[] = []) {
  const source = writeTree(tempDir('src'), files);
  const staticRoot = join(tempDir('root'), 'staticfiles');
  const lines: string[] = [];
  const options: CollectOptions = {
    staticRoot,
    staticUrl: '/static/',
    sources: [{ label: 'app one', dir: source }, ...more],
    report: (line) => lines.push(line),
  };
  return { source, staticRoot, lines, options, read: (path: string) => readFileSync(join(staticRoot, path)) };
}

describe('collectstatic output', () => {
  it('writes each file under its name and its content-hashed name, and the manifest', async () => {
    const t = setup({ 'js/app.js': 'console.log(1);\n', 'img/logo.png': PNG });
    const summary = await collectStatic(t.options);
    const jsHash = md5_12('console.log(1);\n');
    const manifest = JSON.parse(t.read('staticfiles.json').toString());
    expect(manifest).toEqual({
      version: 1,
      paths: { 'img/logo.png': `img/logo.${md5_12(PNG)}.png`, 'js/app.js': `js/app.${jsHash}.js` },
    });
    expect(t.read(`js/app.${jsHash}.js`).toString()).toBe('console.log(1);\n');
    expect(t.read('img/logo.png').equals(PNG)).toBe(true);
    expect(summary).toMatchObject({ files: 2, unchanged: 0, bytes: PNG.length + 16 });
    expect(t.lines.some((line) => line.includes(`js/app.js → js/app.${jsHash}.js`))).toBe(true);
  });

  it('gathers several folders; the first one wins and the duplicate is a warning', async () => {
    const second = writeTree(tempDir('src2'), { 'css/x.css': 'second', 'only-two.txt': 'two' });
    const t = setup({ 'css/x.css': 'first' }, [{ label: 'app two', dir: second }]);
    const summary = await collectStatic(t.options);
    expect(t.read('css/x.css').toString()).toBe('first');
    expect(t.read('only-two.txt').toString()).toBe('two');
    expect(summary.warnings).toEqual([
      expect.stringMatching(/css\/x\.css in app two is ignored: app one has it/),
    ]);
  });

  it('ignores dotfiles and symlinks that lead outside their folder', async () => {
    const outside = writeTree(tempDir('outside'), { 'secret.txt': 'nope' });
    const t = setup({ '.env': 'SECRET=1', '.git/config': 'x', 'ok.txt': 'ok' });
    symlinkSync(join(outside, 'secret.txt'), join(t.source, 'leak.txt'));
    const summary = await collectStatic(t.options);
    const files = listTree(t.staticRoot);
    expect(files.some((f) => f.includes('env') || f.includes('git') || f.includes('leak'))).toBe(false);
    expect(files).toContain('ok.txt');
    expect(summary.warnings.join('\n')).toContain('leak.txt');
  });
});

describe('CSS references', () => {
  const files = {
    'css/site.css': '@import "parts/base.css";\n.logo { background: url("../img/logo.png?v=1#x"); }\n',
    'css/parts/base.css': '@import url(fonts.css);\nbody { background: url(/static/img/bg.png); }\n',
    'css/parts/fonts.css': '@font-face { src: url("../../fonts/a.woff2") format("woff2"); }\n',
    'img/logo.png': PNG,
    'img/bg.png': Buffer.concat([PNG, Buffer.from('bg')]),
    'fonts/a.woff2': 'font-bytes',
    'css/external.css':
      '.a{background:url(data:image/png;base64,AA==)} .b{background:url(https://x.test/a.png)} ' +
      '.c{filter:url(#f)} .d{background:url(//cdn.test/a.png)} /* url(missing.png) */',
  };

  it('rewrites url() and @import to hashed names, nested CSS first, keeping query and fragment', async () => {
    const t = setup(files);
    const summary = await collectStatic(t.options);
    const paths = summary.paths;
    const fonts = t.read(paths.get('css/parts/fonts.css') as string).toString();
    expect(fonts).toContain(`url("../../fonts/a.${md5_12('font-bytes')}.woff2")`);
    const base = t.read(paths.get('css/parts/base.css') as string).toString();
    expect(base).toContain(`@import url(${(paths.get('css/parts/fonts.css') as string).split('/').pop()});`);
    expect(base).toContain(`url(/static/${paths.get('img/bg.png')})`);
    const site = t.read(paths.get('css/site.css') as string).toString();
    expect(site).toContain(`@import "parts/${(paths.get('css/parts/base.css') as string).split('/').pop()}"`);
    expect(site).toContain(`url("../${paths.get('img/logo.png')}?v=1#x")`);
    // Each CSS file's hash is of its final, rewritten content.
    expect(paths.get('css/site.css')).toBe(`css/site.${md5_12(site)}.css`);
    expect(t.read('css/site.css').toString()).toBe(site);
    expect(t.read(paths.get('css/external.css') as string).toString()).toBe(files['css/external.css']);
  });

  it('a change deep in an @import chain changes every hash up the chain', async () => {
    const before = await collectStatic(setup(files).options);
    const after = await collectStatic(setup({ ...files, 'fonts/a.woff2': 'new-font-bytes' }).options);
    for (const name of ['css/parts/fonts.css', 'css/parts/base.css', 'css/site.css']) {
      expect(after.paths.get(name), name).not.toBe(before.paths.get(name));
    }
    expect(after.paths.get('img/logo.png')).toBe(before.paths.get('img/logo.png'));
  });

  it('a reference to a missing file fails, naming the CSS file and the reference, and writes nothing', async () => {
    const t = setup({ 'css/site.css': '.a { background: url("../img/missing.png"); }', 'ok.txt': 'ok' });
    const failure = collectStatic(t.options);
    await expect(failure).rejects.toMatchObject({ code: 'KEEN_E_STATIC' });
    await expect(failure).rejects.toThrow(/css\/site\.css references "\.\.\/img\/missing\.png"/);
    expect(existsSync(t.staticRoot)).toBe(false);
  });

  it('refuses references that climb out of the static folders, and CSS that imports itself in a cycle', async () => {
    await expect(
      collectStatic(setup({ 'a.css': 'x{background:url(../../etc/passwd)}' }).options),
    ).rejects.toThrow(/outside the static folders/);
    const cycle = setup({ 'a.css': '@import "b.css";', 'b.css': '@import "a.css";' });
    await expect(collectStatic(cycle.options)).rejects.toThrow(/cycle: a\.css → b\.css → a\.css/);
  });
});

describe('compression', () => {
  it('writes .br and .gz for compressible text, under both names, decompressing to the file', async () => {
    const t = setup({ 'css/big.css': BIG_CSS });
    const summary = await collectStatic(t.options);
    const hashed = summary.paths.get('css/big.css') as string;
    for (const name of ['css/big.css', hashed]) {
      expect(brotliDecompressSync(t.read(`${name}.br`)).toString()).toBe(BIG_CSS);
      expect(gunzipSync(t.read(`${name}.gz`)).toString()).toBe(BIG_CSS);
    }
    expect(summary.saved.br).toBe(BIG_CSS.length - t.read('css/big.css.br').length);
    expect(summary.saved.gzip).toBe(BIG_CSS.length - t.read('css/big.css.gz').length);
  });

  it('never for images, and not when the result is not at least 5% smaller', async () => {
    const t = setup({ 'img/a.png': Buffer.from(BIG_CSS), 'data.bin': RANDOM, 'tiny.txt': 'hi' });
    await collectStatic(t.options);
    const files = listTree(t.staticRoot);
    expect(files.filter((file) => file.endsWith('.br') || file.endsWith('.gz'))).toEqual([]);
  });

  it('removes a variant that is no longer worth keeping', async () => {
    const t = setup({ 'data.txt': BIG_CSS });
    await collectStatic(t.options);
    expect(existsSync(join(t.staticRoot, 'data.txt.gz'))).toBe(true);
    writeFileSync(join(t.source, 'data.txt'), RANDOM);
    await collectStatic(t.options);
    expect(existsSync(join(t.staticRoot, 'data.txt.gz'))).toBe(false);
    expect(existsSync(join(t.staticRoot, 'data.txt.br'))).toBe(false);
  });
});

describe('runs, --clear and --dry-run', () => {
  const files = {
    'css/site.css': `${BIG_CSS}.x{background:url(../img/a.png)}`,
    'img/a.png': PNG,
    'a.js': BIG_CSS,
  };

  it('a second run writes nothing: same bytes, same mtimes', async () => {
    const t = setup(files);
    const first = await collectStatic(t.options);
    expect(first.written).toBeGreaterThan(5);
    const before = snapshot(t.staticRoot);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await collectStatic({ ...t.options, report: () => {} });
    expect(second).toMatchObject({ written: 0, removed: 0, unchanged: first.written });
    expect(snapshot(t.staticRoot)).toEqual(before);
  });

  it('--clear empties STATIC_ROOT first; without it, stale files stay', async () => {
    const t = setup(files);
    writeTree(t.staticRoot, { 'old/stale.txt': 'old' });
    await collectStatic(t.options);
    expect(existsSync(join(t.staticRoot, 'old/stale.txt'))).toBe(true);
    await collectStatic({ ...t.options, clear: true });
    expect(existsSync(join(t.staticRoot, 'old'))).toBe(false);
    expect(listTree(t.staticRoot)).toContain('staticfiles.json');
  });

  it('--dry-run writes nothing, reports what it would write, and keeps existing files', async () => {
    const t = setup(files);
    const summary = await collectStatic({ ...t.options, dryRun: true });
    expect(existsSync(t.staticRoot)).toBe(false);
    expect(summary.written).toBeGreaterThan(5);
    expect(t.lines.some((line) => line.startsWith('would write css/site.css'))).toBe(true);

    writeTree(t.staticRoot, { 'keep.txt': 'keep' });
    const before = snapshot(t.staticRoot);
    const cleared = await collectStatic({ ...t.options, dryRun: true, clear: true });
    expect(cleared.removed).toBe(1);
    expect(snapshot(t.staticRoot)).toEqual(before);
  });

  it('refuses a STATIC_ROOT that overlaps a source folder, and writing through a symlink out of it', async () => {
    const t = setup(files);
    await expect(collectStatic({ ...t.options, staticRoot: join(t.source, 'out') })).rejects.toThrow(
      /overlaps/,
    );
    await expect(collectStatic({ ...t.options, staticRoot: t.source })).rejects.toThrow(/overlaps/);
    const outside = tempDir('outside');
    writeTree(t.staticRoot, { 'x.txt': 'x' });
    symlinkSync(outside, join(t.staticRoot, 'css'));
    await expect(collectStatic(t.options)).rejects.toMatchObject({ code: 'KEEN_E_STATIC' });
    expect(listTree(outside)).toEqual([]);
  });
});
