// The seed's topology on loopback (issue 6), grown past one machine (issue 15): real nginx (TLS,
// self-signed) → three `keen serve` instances (the production build) sharing sessions and login limits
// in Redis → PostgreSQL 15.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBundleOptions } from '../../scripts/esbuild-options.mjs';
import { insertUser } from '../../src/contrib/auth/users.js';
import { redirects } from '../../src/contrib/redirects/schema.js';
import { renderNginxSite } from '../../src/deploy/nginx.js';
import { projectRoot } from '../../src/project-root.js';
import { GOOD_PASSWORD } from '../support/app.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import {
  freePort,
  type KeenServe,
  prepareBuildCopy,
  removeBuildCopy,
  startKeenServe,
} from '../support/keen-serve.js';
import { startLoad } from '../support/load.js';
import { NGINX_AVAILABLE, selfSignedCertificate, startNginx } from '../support/nginx.js';
import { dropRedisKeys, TEST_REDIS_URL, testRedisPrefix } from '../support/redis.js';

const UPLOAD_LIMIT = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe.runIf(NGINX_AVAILABLE && ENGINE === 'postgres')(
  'nginx → keen serve ×3 on Redis → PostgreSQL',
  () => {
    let work: string;
    let buildDir: string;
    let database: TestDatabase;
    let nginx: ChildProcess;
    let cert: string;
    let httpPort: number;
    let httpsPort: number;
    let a: KeenServe;
    let b: KeenServe;
    let c: KeenServe;
    const redisPrefix = testRedisPrefix();
    /** The editor's session cookie, from the login test. */
    let editorSession = '';
    let entry: string;
    let keenEnv: Record<string, string>;

    /** An HTTPS request to nginx that trusts the test's certificate. */
    function https(
      method: string,
      path: string,
      options: { headers?: Record<string, string>; body?: Buffer | string } = {},
    ) {
      return new Promise<Reply>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: httpsPort,
            method,
            path,
            ca: cert,
            servername: 'localhost',
            headers: { host: `localhost:${httpsPort}`, ...options.headers },
          },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => {
              body += chunk.toString('latin1');
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          },
        );
        req.on('error', reject);
        req.end(options.body);
      });
    }

    const appLogsFor = (path: string) => [a, b, c].flatMap((instance) => requestLines(instance, path));
    const requestLines = (instance: KeenServe, path: string) =>
      instance.logs.filter((line) => line.reqId !== undefined && line.path === path);

    /** The login form's CSRF cookie and token, fetched through nginx. */
    async function loginForm(): Promise<{ cookie: string; token: string }> {
      const page = await https('GET', '/accounts/login/');
      const cookie = String(page.headers['set-cookie']).split(';')[0] as string;
      const token = /name="_csrf" value="([A-Za-z0-9]+)"/.exec(page.body)?.[1] as string;
      return { cookie, token };
    }

    function postLogin(form: { cookie: string; token: string }, username: string, password: string) {
      return https('POST', '/accounts/login/', {
        headers: {
          cookie: form.cookie,
          origin: `https://localhost:${httpsPort}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ _csrf: form.token, username, password }).toString(),
      });
    }

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'keen-topology-'));
      buildDir = prepareBuildCopy();
      // The production build plus one upload route, bundled like scripts/build.mjs does.
      entry = join(buildDir, 'dist', 'cli', 'topology-entry.js');
      await build({
        entryPoints: [join(projectRoot(), 'test', 'topology', 'topology-entry.ts')],
        outfile: entry,
        ...nodeBundleOptions,
      });
      database = await createTestDatabase();
      await insertUser(database.db, { username: 'editor', password: GOOD_PASSWORD });
      await insertUser(database.db, { username: 'writer', password: GOOD_PASSWORD });

      const tls = selfSignedCertificate(work);
      cert = tls.pem;

      const mediaRoot = join(work, 'media');
      mkdirSync(mediaRoot);
      keenEnv = {
        DATABASE_URL: database.url as string,
        TRUSTED_PROXIES: '127.0.0.1',
        ALLOWED_HOSTS: 'localhost',
        SECURE_SSL_REDIRECT: 'true',
        STATIC_ROOT: join(buildDir, 'staticfiles'),
        MEDIA_ROOT: mediaRoot,
        FILE_UPLOAD_MAX_SIZE: String(UPLOAD_LIMIT),
        GRACEFUL_TIMEOUT: '10',
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: redisPrefix,
      };
      [a, b, c] = await Promise.all([
        startKeenServe(buildDir, { ...keenEnv, WEB_CONCURRENCY: '2' }, entry),
        startKeenServe(buildDir, { ...keenEnv, WEB_CONCURRENCY: '1' }, entry),
        startKeenServe(buildDir, { ...keenEnv, WEB_CONCURRENCY: '1' }, entry),
      ]);

      httpPort = await freePort();
      httpsPort = await freePort();
      const site = renderNginxSite({
        name: 'topology',
        serverNames: ['localhost'],
        upstreams: [a, b, c].map((instance) => new URL(instance.url).host),
        staticRoot: join(buildDir, 'staticfiles'),
        mediaRoot,
        certificate: tls.certificate,
        certificateKey: tls.key,
        maxBodyBytes: UPLOAD_LIMIT,
        httpPort,
        httpsPort,
        listenAddress: '127.0.0.1',
      });
      nginx = startNginx(work, site);
      for (let i = 0; i < 50; i++) {
        if (
          await https('GET', '/healthz').then(
            (r) => r.status === 200,
            () => false,
          )
        )
          break;
        await sleep(100);
      }
    }, 120_000);

    afterAll(async () => {
      nginx?.kill('SIGQUIT');
      await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
      await database?.close();
      await dropRedisKeys(redisPrefix);
      if (buildDir) removeBuildCopy(buildDir);
    });

    it('HTTP redirects to HTTPS, except the health probe', async () => {
      // fetch() will not send a Host header of our choosing; a plain request will.
      const plain = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
        httpRequest(
          { host: '127.0.0.1', port: httpPort, path: '/accounts/login/', headers: { host: 'localhost' } },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, location: res.headers.location });
          },
        )
          .on('error', reject)
          .end();
      });
      expect(plain.status).toBe(301);
      expect(plain.location).toBe(`https://localhost:${httpsPort}/accounts/login/`);
      const probe = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      expect(probe.status).toBe(200);
    });

    it('over HTTPS: HSTS and the security headers from Keen, no nginx version', async () => {
      const home = await https('GET', '/');
      expect(home.status).toBe(200);
      expect(home.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(home.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(home.headers.server).toBe('nginx');
    });

    it('logs in through nginx: the CSRF Origin check passes via the trusted proxy headers', async () => {
      // The anonymous visitor's CSRF secret comes in a cookie; the session starts at login.
      const form = await loginForm();
      expect(form.cookie).toMatch(/^__Host-csrftoken=/);
      const login = await postLogin(form, 'editor', GOOD_PASSWORD);
      expect(login.status).toBe(303);
      const setCookies = [login.headers['set-cookie']].flat().map(String);
      expect(setCookies.find((cookie) => cookie.startsWith('__Host-sessionid='))).toContain('Secure');
      editorSession = setCookies
        .find((cookie) => cookie.startsWith('__Host-sessionid='))
        ?.split(';')[0] as string;
      expect((await https('GET', '/', { headers: { cookie: editorSession } })).body).toContain(
        '<span class="SiteHeader-user">editor</span>',
      );
      // The request id nginx generated reached Keen's log.
      expect(appLogsFor('/accounts/login/').some((line) => /^[0-9a-f]{32}$/.test(String(line.reqId)))).toBe(
        true,
      );
    });

    it('a session made on one instance is valid on every other', async () => {
      const pages = await Promise.all(
        Array.from({ length: 9 }, () =>
          https('GET', '/accounts/sessions/', { headers: { cookie: editorSession } }),
        ),
      );
      for (const page of pages) {
        expect(page.status).toBe(200);
        expect(page.body).toContain('<span class="SiteHeader-user">editor</span>');
      }
      // nginx spread them: each instance answered the editor, none sent them to the login page.
      for (const instance of [a, b, c]) {
        const lines = requestLines(instance, '/accounts/sessions/');
        expect(lines.length).toBeGreaterThan(0);
        expect(lines.every((line) => line.status === 200 && typeof line.userId === 'number')).toBe(true);
      }
    });

    it('login limits are shared: the sixth wrong password is refused whichever instance gets it', async () => {
      const form = await loginForm();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await postLogin(form, 'writer', 'wrong-password-1')).status);
      expect(statuses.slice(0, 5).every((status) => status !== 429)).toBe(true);
      expect(statuses[5]).toBe(429);
      // The failures were not all counted on one instance (refusals are logged as "request refused").
      const answered = [a, b, c].filter((instance) =>
        requestLines(instance, '/accounts/login/').some(
          (line) => line.method === 'POST' && line.status !== 303,
        ),
      );
      expect(answered.length).toBeGreaterThan(1);
      // And the right password is refused too until the window passes: the limit is the account's, here.
      expect((await postLogin(form, 'writer', GOOD_PASSWORD)).status).toBe(429);
    });

    it('static files come from nginx (not the app), hashed names cached as immutable, gzip_static', async () => {
      const home = await https('GET', '/');
      const css = /href="(\/static\/css\/site\.[0-9a-f]{12}\.css)"/.exec(home.body)?.[1] as string;
      expect(css).toBeDefined();
      const asset = await https('GET', css, { headers: { 'accept-encoding': 'gzip' } });
      expect(asset.status).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['content-encoding']).toBe('gzip');
      await sleep(200);
      expect(appLogsFor(css)).toEqual([]);
    });

    it('a media file that is not on disk goes to the app: a moved one answers its redirect, others 404', async () => {
      writeFileSync(join(work, 'media', 'kept.txt'), 'on disk');
      await database.db.insert(redirects).values({
        oldPath: '/media/uploads/2025/06/Фото 1.jpg',
        newPath: '/media/uploads/2025/06/photo-1.jpg',
      });
      const kept = await https('GET', '/media/kept.txt');
      expect(kept.status).toBe(200);
      expect(kept.body).toBe('on disk');
      const moved = await https('GET', `/media/uploads/2025/06/${encodeURIComponent('Фото 1.jpg')}`);
      expect(moved.status).toBe(301);
      expect(moved.headers.location).toBe('/media/uploads/2025/06/photo-1.jpg');
      // nginx's HSTS header only, the app's hidden.
      expect([moved.headers['strict-transport-security']].flat()).toHaveLength(1);
      expect((await https('GET', '/media/uploads/none.jpg')).status).toBe(404);
    });

    it('an upload just under the limit succeeds; one over it gets 413 from nginx', async () => {
      const upload = (size: number) => {
        const boundary = 'keenboundary7d1';
        const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(size - 9, 0x20)]);
        const body = Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
          ),
          pdf,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        return https('POST', '/topology-upload/', {
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(body.length),
          },
          body,
        });
      };
      const ok = await upload(UPLOAD_LIMIT - 4096);
      expect(ok.status).toBe(201);
      expect(JSON.parse(ok.body).name).toMatch(/^uploads\/\d{4}\/\d{2}\/[A-Za-z0-9_-]{20,}\.pdf$/);
      const tooBig = await upload(UPLOAD_LIMIT + 4096);
      expect(tooBig.status).toBe(413);
      expect(tooBig.headers.server).toBe('nginx');
    });

    it('one instance killed under load: nginx moves to the others, the editor stays logged in, no failed request', async () => {
      const load = startLoad(`https://127.0.0.1:${httpsPort}/accounts/sessions/`, {
        concurrency: 6,
        ca: cert,
        rate: 150,
        headers: { host: `localhost:${httpsPort}`, cookie: editorSession },
      });
      await sleep(500);
      a.child.kill('SIGKILL'); // the supervisor…
      for (const pid of a.workerPids()) process.kill(pid, 'SIGKILL'); // …and its workers: the whole instance
      await sleep(1500);
      const result = await load.stop();
      expect(result.errors).toEqual([]);
      expect(result.ok).toBeGreaterThan(200);
      // Back on the same port, where nginx's upstream expects it.
      a = await startKeenServe(
        buildDir,
        { ...keenEnv, WEB_CONCURRENCY: '2' },
        entry,
        Number(new URL(a.url).port),
      );
    }, 60_000);

    it('a rolling reload of the three instances, one after the other: no failed request', async () => {
      const load = startLoad(`https://127.0.0.1:${httpsPort}/health/`, { concurrency: 6, ca: cert });
      await sleep(300);
      for (const instance of [a, b, c]) {
        const done = instance.logs.filter((line) => line.msg === 'rolling reload complete').length;
        instance.child.kill('SIGHUP');
        await instance.waitForLog(
          (line) =>
            line.msg === 'rolling reload complete' &&
            instance.logs.filter((l) => l.msg === line.msg).length > done,
          60_000,
        );
      }
      await sleep(300);
      const result = await load.stop();
      expect(result.errors).toEqual([]);
      expect(result.failed + result.socketErrors).toBe(0);
      expect(result.ok).toBeGreaterThan(100);
    }, 120_000);
  },
);
