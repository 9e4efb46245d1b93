/**
 * A Docker engine of the test's own: Debian's `docker.io` daemon with the vfs storage driver, no
 * iptables, and its socket, data and state in a temporary folder. Builds use the classic builder with
 * host networking (BuildKit would fetch its frontend from a registry this machine cannot reach).
 * The base images it needs are made by ./base-images.ts.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DOCKERD = '/usr/sbin/dockerd';

export interface DockerEngine {
  /** The environment that points `docker` and `docker-compose` at this engine. */
  env: Record<string, string>;
  /** Runs `docker …` against this engine; throws with its output when it fails. */
  docker(
    args: readonly string[],
    options?: { cwd?: string; env?: Record<string, string>; timeoutMs?: number },
  ): string;
  /** The same, returning the status and output instead of throwing. */
  tryDocker(
    args: readonly string[],
    options?: { cwd?: string; env?: Record<string, string>; timeoutMs?: number },
  ): {
    status: number | null;
    output: string;
  };
  stop(): Promise<void>;
}

/** Runs `program` with `env`; its status and its output (stdout then stderr). */
export function runTool(
  program: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { cwd?: string; timeoutMs?: number } = {},
): { status: number | null; output: string } {
  const result = spawnSync(program, args, {
    cwd: options.cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 600_000,
  });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** The same without blocking the event loop (requests in flight while the command runs). */
export function runToolAsync(
  program: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ status: number | null; stdout: string; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: options.cwd, env, timeout: options.timeoutMs ?? 600_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, output: stdout + stderr }));
  });
}

/**
 * Starts the engine; with KEEN_TEST_DOCKER_HOST set (`unix:///path/docker.sock`), uses that running one
 * instead and leaves it running: its image and build cache make a rerun take a minute, not ten.
 */
export async function startDockerEngine(): Promise<DockerEngine> {
  const reuse = process.env.KEEN_TEST_DOCKER_HOST;
  if (reuse) return engineAt(reuse, async () => undefined);
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
  return engineAt(`unix://${socket}`, async () => {
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
  });
}

async function engineAt(host: string, stop: () => Promise<void>): Promise<DockerEngine> {
  const env = { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0' } as Record<string, string>;
  const tryDocker: DockerEngine['tryDocker'] = (args, options = {}) =>
    runTool('docker', args, { ...env, ...options.env }, options);
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
    env,
    docker,
    tryDocker,
    stop,
  };
}
