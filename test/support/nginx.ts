/** Real nginx for tests: a self-signed certificate, and a rendered site run inside a test's own folder. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';
/** CI installs nginx; a developer machine without it skips the tests that need it. */
export const NGINX_AVAILABLE = existsSync(NGINX) || process.env.CI === 'true';

/** A self-signed certificate for localhost and 127.0.0.1, valid one day; `extensions` are openssl `-addext` values. */
export function selfSignedCertificate(
  work: string,
  name = 'cert',
  extensions: readonly string[] = [],
  hostName = 'localhost',
): { certificate: string; key: string; pem: string } {
  const certificate = join(work, `${name}.pem`);
  const key = join(work, `${name}-key.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${hostName}`,
      '-addext',
      `subjectAltName=DNS:${hostName},IP:127.0.0.1`,
      ...extensions.flatMap((extension) => ['-addext', extension]),
      '-keyout',
      key,
      '-out',
      certificate,
    ],
    { stdio: 'ignore' },
  );
  return { certificate, key, pem: readFileSync(certificate, 'utf8') };
}

/**
 * Checks `site` with `nginx -t` inside a minimal main configuration (everything in `work`), then runs
 * nginx in the foreground. Stop it with `.kill('SIGQUIT')`.
 */
export function startNginx(work: string, site: string): ChildProcess {
  writeFileSync(join(work, 'site.conf'), site);
  writeFileSync(
    join(work, 'nginx.conf'),
    [
      'user root;',
      'worker_processes 1;',
      `pid ${work}/nginx.pid;`,
      `error_log ${work}/error.log warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      `  access_log ${work}/access.log;`,
      `  client_body_temp_path ${work}/body;`,
      `  proxy_temp_path ${work}/proxy;`,
      `  fastcgi_temp_path ${work}/fastcgi;`,
      `  uwsgi_temp_path ${work}/uwsgi;`,
      `  scgi_temp_path ${work}/scgi;`,
      `  include ${work}/site.conf;`,
      '}',
    ].join('\n'),
  );
  execFileSync(NGINX, ['-t', '-p', work, '-c', join(work, 'nginx.conf')], { stdio: 'pipe' });
  return spawn(NGINX, ['-p', work, '-c', join(work, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
}
