// Issue 18, the stack: compose.yaml as shipped, run with Debian's docker-compose (1.29) on the test's
// engine, step by step as docs/deployment.md tells an operator: .env from .env.example, the host's
// static and media folders, `up -d --build`, an admin, restarts, `down` and `up`, the nginx profile in
// front of three replicas sharing their sessions through Redis. Each step's commands are the docs' (the last check holds the docs to them).
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { codeAt } from '../../src/contrib/auth/two-factor/totp.js';
import { projectRoot } from '../../src/project-root.js';
import { HttpSession } from '../support/http-session.js';
import { startLoad } from '../support/load.js';
import { selfSignedCertificate } from '../support/nginx.js';
import { ComposeProject } from './compose-project.js';
import type { DockerSetup } from './docker-setup.js';

const HOST = 'example.com';
const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'compose-Admin-2026!' };
// The published port, reached as the host's nginx reaches it (it says the visitor came over HTTPS).
const APP = 'http://127.0.0.1:8000';
const AS_PROXY = { 'x-forwarded-proto': 'https' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until the app answers 200 (after a restart, before docker's next health check). */
async function answering(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new HttpSession(url, HOST).get('/healthz').then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(500);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** The admin's second factor, set up in the first login. */
let totpSecret = '';

/**
 * Logs in as the admin through the published port (or, given, through nginx); turns on two-factor
 * authentication first when asked to.
 */
async function adminSession(
  enrol: boolean,
  base = APP,
  headers: Record<string, string> = AS_PROXY,
): Promise<HttpSession> {
  const session = new HttpSession(base, HOST, headers);
  await session.get('/accounts/login/');
  const login = await session.post('/accounts/login/', {
    username: ADMIN.username,
    password: ADMIN.password,
  });
  expect(login.status, login.body.slice(0, 500)).toBe(303);
  if (enrol) {
    // ADMIN_REQUIRE_2FA is on by default: the admin sends staff to set up a second factor first.
    const admin = await session.get('/admin/');
    expect(admin.status).toBe(302);
    expect(admin.headers.location).toMatch(/^\/accounts\/2fa\//);
    const page = await session.get(admin.headers.location as string);
    const secret = (/<code class="TwoFactor-secret">([A-Z2-7 ]+)<\/code>/.exec(page.body)?.[1] ?? '').replace(
      / /g,
      '',
    );
    expect(secret).not.toBe('');
    const enrolled = await session.post('/accounts/2fa/', {
      code: codeAt(secret, Date.now()),
      next: '/admin/',
    });
    expect(enrolled.status, enrolled.body.slice(0, 500)).toBe(200);
    totpSecret = secret;
  } else if (login.headers.location?.startsWith('/accounts/login/verify/')) {
    await session.get(login.headers.location);
    // Each code counts once: when this step's was used by an earlier login, the next step's will do.
    let verified = await session.post('/accounts/login/verify/', { code: codeAt(totpSecret, Date.now()) });
    for (let tries = 0; verified.status !== 303 && tries < 2; tries++) {
      await sleep(30_000 - (Date.now() % 30_000) + 500);
      verified = await session.post('/accounts/login/verify/', { code: codeAt(totpSecret, Date.now()) });
    }
    expect(verified.status).toBe(303);
  }
  return session;
}

export function stackChecks(setup: DockerSetup): void {
  let compose: ComposeProject;
  let hostFolders: string;

  afterAll(async () => {
    await compose?.tryRun([
      '--profile',
      'nginx',
      '--profile',
      'scale',
      'down',
      '--volumes',
      '--remove-orphans',
    ]);
    if (hostFolders) rmSync(hostFolders, { recursive: true, force: true });
  }, 300_000);

  it('`up -d --build`: db turns healthy, web waits for it, migrates, collects static and turns healthy by its own HEALTHCHECK', async () => {
    compose = new ComposeProject(setup.engine, setup.context);
    // Outside the build context, as /var/www/example.com is in the docs.
    hostFolders = mkdtempSync(join(tmpdir(), 'keen-compose-host-'));
    // docs/deployment.md, step 2: .env from the example, the host's folders owned by the image's user.
    copyFileSync(join(setup.context, '.env.example'), join(setup.context, '.env'));
    const values = {
      SECRET_KEY: randomBytes(48).toString('base64'),
      DB_PASSWORD: randomBytes(32).toString('base64url'),
      ALLOWED_HOSTS: `${HOST},www.${HOST}`,
      SECURE_SSL_REDIRECT: 'true',
      KEEN_STATIC_DIR: join(hostFolders, 'staticfiles'),
      KEEN_MEDIA_DIR: join(hostFolders, 'media'),
      KEEN_LETSENCRYPT_DIR: join(hostFolders, 'letsencrypt'),
    };
    writeFileSync(
      join(setup.context, '.env'),
      Object.entries(values)
        .map(([name, value]) => `${name}=${value}\n`)
        .join(''),
      { flag: 'a' },
    );
    for (const folder of ['staticfiles', 'media']) {
      mkdirSync(join(hostFolders, folder), { recursive: true });
      chownSync(join(hostFolders, folder), 1000, 1000);
    }
    const since = Math.floor(Date.now() / 1000);
    await compose.operator(['up', '-d', '--build'], 900_000);
    await compose.waitHealthy('web');
    expect((await compose.state('db')).health).toBe('healthy');
    expect((await compose.state('worker')).status).toBe('running');
    // compose started web only once db's health check had passed.
    const events = setup.engine
      .docker([
        'events',
        '--since',
        String(since),
        '--until',
        String(Math.ceil(Date.now() / 1000)),
        '--format',
        '{{.Actor.Attributes.name}} {{.Status}}',
      ])
      .trim()
      .split('\n');
    const dbHealthy = events.findIndex((event) => /[_-]db[_-]1 health_status: healthy$/.test(event));
    const webStarted = events.findIndex((event) => /[_-]web[_-]1 start$/.test(event));
    expect(dbHealthy, events.join('\n')).toBeGreaterThanOrEqual(0);
    expect(webStarted).toBeGreaterThan(dbHealthy);
    const logs = await compose.logs('web');
    const steps = [
      'entrypoint: waiting for the database',
      'entrypoint: applying migrations',
      'entrypoint: collecting static files',
      'entrypoint: deployment checks',
      'entrypoint: starting: node /app/bin/keen.js serve',
    ].map((line) => logs.indexOf(line));
    expect(
      steps.every((at, i) => at >= 0 && (i === 0 || at > (steps[i - 1] as number))),
      logs.slice(-3000),
    ).toBe(true);
    // Collected into the host's folder, where the host's nginx serves it from.
    expect(readFileSync(join(hostFolders, 'staticfiles', 'staticfiles.json'), 'utf8')).toMatch(/"paths"/);
  }, 1_200_000);

  it('an admin is created, logs in through the published port and saves a change in the admin', async () => {
    await compose.operator([
      'exec',
      '-T',
      '-e',
      `KEEN_SUPERUSER_PASSWORD=${ADMIN.password}`,
      'web',
      'node',
      'bin/keen.js',
      'createsuperuser',
      '--noinput',
      '--username',
      ADMIN.username,
      '--email',
      ADMIN.email,
    ]);
    const session = await adminSession(true);
    await session.get('/admin/blog/category/add/');
    const saved = await session.postMultipart('/admin/blog/category/add/', {
      name: 'Заметки',
      slug: 'notes',
    });
    expect(saved.status, saved.body.slice(0, 1000)).toBe(303);
    expect((await session.get('/admin/blog/category/')).body).toContain('Заметки');
  }, 120_000);

  it('`restart web` and `stop web` take under 10 s: keen serve gets SIGTERM, finishes in-flight requests, exits 0', async () => {
    for (const command of [
      ['restart', 'web'],
      ['stop', 'web'],
    ]) {
      const load = startLoad(`${APP}/`, { concurrency: 3, rate: 60, headers: { host: HOST, ...AS_PROXY } });
      await sleep(1000);
      // A request in flight when the signal arrives: half its body now, the rest after the signal.
      const visitor = new HttpSession(APP, HOST, AS_PROXY);
      await visitor.get('/accounts/login/');
      const slowLogin = visitor.start('POST', '/accounts/login/', {
        username: ADMIN.username,
        password: ADMIN.password,
      });
      await sleep(300);
      const issued = Date.now();
      const finished = sleep(2000).then(() => slowLogin.finish());
      await compose.operator(command);
      const tookMs = Date.now() - issued;
      const log = (await load.stop()).entries;
      console.info(`docker-compose ${command.join(' ')}: ${tookMs} ms`);
      expect(tookMs).toBeLessThan(10_000);
      expect((await finished).status).toBe(303);
      const lost = log.filter((entry) => entry.startedAt < issued && entry.outcome !== 200);
      expect(lost).toEqual([]);
      expect(log.filter((entry) => entry.startedAt < issued).length).toBeGreaterThan(10);
      if (command[0] === 'restart') await answering(APP);
    }
    expect(await compose.state('web')).toMatchObject({ status: 'exited', exitCode: 0 });
    expect(await compose.logs('web')).toMatch(/stopping: workers finish their in-flight requests/);
  }, 180_000);

  it('a `stop` while the entrypoint is still at work takes under 10 s too', async () => {
    await compose.run(['start', 'web']);
    const issued = Date.now();
    await compose.run(['stop', 'web']);
    expect(Date.now() - issued).toBeLessThan(10_000);
    expect(await compose.logs('web')).toMatch(/entrypoint: stopped by a signal/);
  }, 60_000);

  it('`down` then `up -d` keeps every row (the postgres_data volume)', async () => {
    await compose.operator(['down']);
    expect(setup.engine.docker(['volume', 'ls', '--format', '{{.Name}}'])).toMatch(/_postgres_data$/m);
    await compose.operator(['up', '-d']);
    await answering(APP);
    const session = await adminSession(false);
    expect((await session.get('/admin/blog/category/')).body).toContain('Заметки');
  }, 300_000);

  it('with the database down, web exits 1 after DB_WAIT_TIMEOUT with a clear line', async () => {
    await compose.run(['stop', 'db']);
    const started = Date.now();
    const run = await compose.tryRun(['run', '--rm', '--no-deps', '-e', 'DB_WAIT_TIMEOUT=3', 'web']);
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/keen wait-for-db: database \S+ not reachable after 3 s/);
    expect(Date.now() - started).toBeLessThan(60_000);
    await compose.run(['start', 'db']);
  }, 120_000);

  it('the nginx and scale profiles: nginx serves static files itself and proxies the rest to three replicas, which share one login through Redis and survive one being killed', async () => {
    await compose.waitHealthy('db');
    const live = join(hostFolders, 'letsencrypt', 'live', HOST);
    mkdirSync(live, { recursive: true });
    const tls = selfSignedCertificate(live, 'cert', [], HOST);
    copyFileSync(tls.certificate, join(live, 'fullchain.pem'));
    copyFileSync(tls.key, join(live, 'privkey.pem'));
    // docs/deployment.md, "Scaling": a port each for three replicas, and Redis for what they share.
    writeFileSync(join(setup.context, '.env'), 'KEEN_WEB_PORTS=8000-8002\nREDIS_URL=redis://redis:6379/0\n', {
      flag: 'a',
    });
    const rendered = await compose.operatorStdout([
      'exec',
      '-T',
      'web',
      'node',
      'bin/keen.js',
      'nginx',
      '--domain',
      HOST,
      '--upstream',
      'web:8000',
      '--static-root',
      '/var/www/keen/staticfiles',
      '--media-root',
      '/var/www/keen/media',
    ]);
    mkdirSync(join(setup.context, 'deploy', 'nginx', 'rendered'), { recursive: true });
    writeFileSync(join(setup.context, 'deploy', 'nginx', 'rendered', 'site.conf'), rendered);
    await compose.operator(
      ['--profile', 'nginx', '--profile', 'scale', 'up', '-d', '--scale', 'web=3'],
      900_000,
    );
    await compose.waitHealthy('redis');
    await compose.waitHealthy('web', 180_000, 3);
    const replicas = await compose.containerIds('web');
    expect(replicas).toHaveLength(3);
    // Each replica on a port of its own from the range, as the host's nginx would list them.
    const published = replicas.map((id) => setup.engine.docker(['port', id, '8000/tcp']).trim()).sort();
    expect(published).toEqual(['127.0.0.1:8000', '127.0.0.1:8001', '127.0.0.1:8002']);

    const viaNginx = 'https://127.0.0.1:443';
    await answering(viaNginx);
    const visitor = new HttpSession(viaNginx, HOST);
    // A file only the host's folder has (the app serves only what its manifest lists): nginx read it.
    writeFileSync(join(hostFolders, 'staticfiles', 'from-disk.txt'), 'served by nginx\n');
    const fromDisk = await visitor.get('/static/from-disk.txt');
    expect(fromDisk.status).toBe(200);
    expect(fromDisk.body).toBe('served by nginx\n');
    const home = await visitor.get('/');
    expect(home.status).toBe(200);
    expect(home.body).toMatch(/<html lang="/);
    expect(home.headers['strict-transport-security']).toMatch(/^max-age=\d+/);

    // One login through nginx, whose requests go round the replicas: each must find the session.
    const since = Math.floor(Date.now() / 1000) - 1;
    const admin = await adminSession(false, viaNginx, {});
    for (let request = 0; request < 12; request++) {
      const page = await admin.get('/admin/blog/category/');
      expect(page.status, page.body.slice(0, 500)).toBe(200);
      expect(page.body).toContain('Заметки');
    }
    for (const id of replicas) {
      const authenticated = setup.engine
        .docker(['logs', '--since', String(since), id])
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { path?: string; status?: number; userId?: unknown })
        .filter((line) => line.path === '/admin/blog/category/' && line.status === 200 && line.userId);
      expect(authenticated.length, `replica ${id}`).toBeGreaterThan(0);
    }
    const sessionKeys = await compose.run([
      '--profile',
      'scale',
      'exec',
      '-T',
      'redis',
      'redis-cli',
      '--scan',
      '--pattern',
      'keen:session:*',
    ]);
    expect(sessionKeys).toMatch(/^keen:session:/m);

    // The admin's pages under load while one replica is killed: nginx retries the others, and the
    // session is still found.
    const load = startLoad(`${viaNginx}/admin/blog/category/`, {
      concurrency: 3,
      rate: 60,
      ca: tls.pem,
      headers: {
        host: HOST,
        cookie: [...admin.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
    });
    await sleep(1500);
    const killedAt = Date.now();
    setup.engine.docker(['kill', replicas[1] as string]);
    await sleep(3000);
    const log = (await load.stop()).entries;
    expect(log.filter((entry) => entry.outcome !== 200)).toEqual([]);
    expect(log.filter((entry) => entry.startedAt > killedAt).length).toBeGreaterThan(10);
  }, 1_200_000);

  it('docs/deployment.md holds each command the test ran as the operator', () => {
    const docs = readFileSync(join(projectRoot(), 'docs', 'deployment.md'), 'utf8').replace(/\\\n\s*/g, '');
    const normalized = docs.replace(/[ \t]+/g, ' ');
    for (const command of compose.operatorCommands) {
      const documented = command
        .replace(ADMIN.password, '<password>')
        .replace(/--username \S+ --email \S+/, '--username <name> --email <address>');
      expect(normalized, documented).toContain(documented);
    }
  });
}
