// The deployment files (issue 6): compose parsed with a YAML parser, the Dockerfile's rules, the nginx
// renderer, and the entrypoint run outside Docker.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { queryRows } from '../../src/db/client.js';
import { renderNginxSite } from '../../src/deploy/nginx.js';
import { projectRoot } from '../../src/project-root.js';
import { TEST_SECRET_KEY } from '../support/app.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';
import { prepareBuildCopy, removeBuildCopy } from '../support/keen-serve.js';

const root = projectRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type Service = Record<string, unknown> & { ports?: string[]; healthcheck?: { test: string[] } };

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };

  it('has web and db, an optional nginx, and the postgres_data volume', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['web', 'worker', 'db', 'nginx']));
    expect(compose.volumes).toHaveProperty('postgres_data');
    expect(compose.services.nginx?.profiles).toEqual(['nginx']);
  });

  it('web: built image, .env, waits for a healthy db, health check, restart policy, port(s) on loopback only', () => {
    const web = compose.services.web as Service;
    expect(web.build).toMatchObject({ dockerfile: 'deploy/Dockerfile' });
    expect(web.env_file).toBe('.env');
    expect(web.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(web.healthcheck?.test.join(' ')).toContain('/healthz');
    expect(web.restart).toBe('unless-stopped');
    // One port, or a range for `--scale web=3` (KEEN_WEB_PORTS=8000-8002), on loopback.
    expect(web.ports).toHaveLength(1);
    expect(web.ports?.[0]).toMatch(/^127\.0\.0\.1:\$\{KEEN_WEB_PORTS:-8000\}:8000$/);
    // Empty unless .env sets it: then web and worker keep their stores in Redis.
    const environment = (web as { environment?: Record<string, string> }).environment;
    expect(environment?.REDIS_URL).toMatch(/^\$\{REDIS_URL:-\}$/);
  });

  it('redis: only with the scale profile, append-only on its volume, health check, not published', () => {
    const redis = compose.services.redis as Service & { command?: string[] };
    expect(redis.profiles).toEqual(['scale']);
    expect(redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(redis.volumes).toEqual(['redis_data:/data']);
    expect(compose.volumes).toHaveProperty('redis_data');
    expect(redis.healthcheck?.test.join(' ')).toContain('redis-cli ping');
    expect(redis.ports).toBeUndefined();
  });

  it('worker: the same image running keen worker, no port, no HTTP health check', () => {
    const worker = compose.services.worker as Service & {
      command?: string[];
      healthcheck?: { disable?: boolean };
    };
    expect(worker.image).toBe('keen-web');
    expect(worker.command).toEqual(['keen', 'worker']);
    expect(worker.ports).toEqual([]);
    expect(worker.healthcheck?.disable).toBe(true);
    // After web (migrated, and its image built first by docker-compose 1.29).
    expect(worker.depends_on).toEqual({
      db: { condition: 'service_healthy' },
      web: { condition: 'service_healthy' },
    });
  });

  it('db: postgres:15-alpine on the volume, pg_isready health check, not published', () => {
    const db = compose.services.db as Service;
    expect(db.image).toBe('postgres:15-alpine');
    expect(db.volumes).toEqual(['postgres_data:/var/lib/postgresql/data']);
    expect(db.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(db.ports).toBeUndefined();
  });

  it('the dev override publishes ports and mounts the source', () => {
    const dev = parse(read('compose.dev.yaml')) as {
      services: Record<string, Service & { volumes?: string[] }>;
    };
    expect(dev.services.web?.volumes).toContain('.:/app');
    expect(dev.services.db?.ports).toEqual(['5432:5432']);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = read('deploy/Dockerfile');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('is multi-stage on a slim Node image, and the final stage runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/FROM node:\$\{NODE_VERSION\}-bookworm-slim/);
    expect(finalStage).toMatch(/^USER node$/m);
    // Production dependencies only: the build stage prunes dev dependencies before the copy.
    expect(dockerfile).toContain('npm prune --omit=dev');
    expect(finalStage).toContain('COPY --from=build --chown=node:node /app/node_modules ./node_modules');
  });

  it('checks health without curl, stops on SIGTERM, runs keen serve through the entrypoint', () => {
    expect(finalStage).toMatch(/^HEALTHCHECK .*\n?.*node.*\/healthz/m);
    const instructions = dockerfile.split('\n').filter((line) => !line.trimStart().startsWith('#'));
    expect(instructions.join('\n')).not.toMatch(/\bcurl\b/);
    expect(finalStage).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(finalStage).toContain('ENTRYPOINT ["/app/deploy/entrypoint.sh"]');
    expect(finalStage).toContain('CMD ["keen", "serve"]');
  });

  it('.dockerignore keeps secrets and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', 'node_modules', 'var', '.git']) expect(ignored).toContain(entry);
  });
});

describe('keen nginx', () => {
  const base = {
    name: 'example',
    serverNames: ['example.com', 'www.example.com'],
    upstreams: ['127.0.0.1:8000', '127.0.0.1:8001'],
    staticRoot: '/var/www/example.com/staticfiles/',
    mediaRoot: '/var/www/example.com/media',
    certificate: '/etc/letsencrypt/live/example.com/fullchain.pem',
    certificateKey: '/etc/letsencrypt/live/example.com/privkey.pem',
    maxBodyBytes: 10_485_760,
  };

  it('renders the site: redirect, TLS, proxy headers, upstreams, static and media, body limit', () => {
    const site = renderNginxSite({ ...base, cloudflareInclude: '/etc/nginx/cloudflare-real-ip.conf' });
    expect(site).not.toMatch(/\{\{/);
    for (const expected of [
      'server 127.0.0.1:8000 max_fails=1 fail_timeout=5s;',
      'server 127.0.0.1:8001 max_fails=1 fail_timeout=5s;',
      'keepalive 32;',
      'listen 443 ssl http2;',
      'listen [::]:80;',
      'return 301 https://$host$request_uri;',
      'location = /healthz',
      'ssl_protocols TLSv1.2 TLSv1.3;',
      'proxy_set_header X-Forwarded-Proto $scheme;',
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      'proxy_set_header X-Forwarded-Host $http_host;',
      'proxy_set_header X-Request-Id $request_id;',
      'proxy_next_upstream error timeout http_502 http_503;',
      'alias /var/www/example.com/staticfiles/;',
      'gzip_static on;',
      'public, max-age=31536000, immutable',
      'alias /var/www/example.com/media/;',
      'add_header X-Content-Type-Options nosniff always;',
      'client_max_body_size 10485760;',
      'server_tokens off;',
      'include /etc/nginx/cloudflare-real-ip.conf;',
    ]) {
      expect(site, expected).toContain(expected);
    }
  });

  it('refuses values that would inject nginx directives', () => {
    expect(() => renderNginxSite({ ...base, serverNames: ['example.com; include /etc/passwd'] })).toThrow(
      /domain/,
    );
    expect(() => renderNginxSite({ ...base, mediaRoot: '/srv/media; }' })).toThrow(/media-root/);
    expect(() => renderNginxSite({ ...base, upstreams: ['127.0.0.1:8000 backup'] })).toThrow(/upstream/);
    expect(() => renderNginxSite({ ...base, name: 'Bad-Name' })).toThrow(/name/);
  });
});

describe(`deploy/entrypoint.sh outside Docker (${ENGINE})`, () => {
  let build: string;
  beforeAll(() => {
    build = prepareBuildCopy();
  }, 60_000);
  afterAll(() => removeBuildCopy(build));

  const run = (env: Record<string, string>, args: string[]) =>
    spawnSync('sh', [join(root, 'deploy', 'entrypoint.sh'), ...args], {
      cwd: build,
      env: {
        PATH: process.env.PATH ?? '',
        SECRET_KEY: TEST_SECRET_KEY,
        KEEN: `node ${join(build, 'bin', 'keen.js')}`,
        ...env,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('gives up after DB_WAIT_TIMEOUT with a clear line and exit 1 when the database is unreachable', () => {
    const started = Date.now();
    const result = run({ DATABASE_URL: 'postgres://keen@127.0.0.1:1/keen', DB_WAIT_TIMEOUT: '2' }, [
      'echo',
      'never',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/database 127\.0\.0\.1:1\/keen not reachable after 2 s/);
    expect(result.stdout).not.toContain('never');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it.runIf(ENGINE === 'postgres')(
    'waits, migrates, collects static files, checks, then execs the command',
    async () => {
      const database: TestDatabase = await createTestDatabase({ migrate: false });
      try {
        const result = run({ DATABASE_URL: database.url as string, STATIC_ROOT: join(build, 'collected') }, [
          'node',
          '-e',
          'console.log("served by pid", process.pid)',
        ]);
        expect(result.stderr).not.toMatch(/error/i);
        expect(result.status).toBe(0);
        const steps = [
          'waiting for the database',
          'applying migrations',
          'collecting static files',
          'deployment checks',
          'starting:',
        ];
        let at = -1;
        for (const step of steps) {
          const index = result.stdout.indexOf(step);
          expect(index, step).toBeGreaterThan(at);
          at = index;
        }
        expect(result.stdout).toMatch(/served by pid \d+/);
        const [row] = await queryRows<{ n: number }>(
          database.db,
          sql`SELECT count(*)::int AS n FROM keen_migrations`,
        );
        expect(row?.n).toBeGreaterThan(0);
      } finally {
        await database.close();
      }
    },
    90_000,
  );
});
