/**
 * Runs the production build (`node bin/keen.js serve`) as a real process tree, from a private copy of
 * the build so a test may break it (the broken-reload test) without touching the repository's dist/.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { installedApps } from '../../src/installed-apps.js';
import { projectRoot } from '../../src/project-root.js';
import { TEST_SECRET_KEY } from './app.js';

/** Builds dist/ once and copies what `keen serve` needs at run time into a fresh folder. */
export function prepareBuildCopy(): string {
  const root = projectRoot();
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  const copy = mkdtempSync(join(tmpdir(), 'keen-build-'));
  for (const part of ['package.json', 'bin', 'dist', 'migrations'])
    cpSync(join(root, part), join(copy, part), { recursive: true });
  // Every installed app's static/ folder, where `keen collectstatic` looks (as the Docker image has them).
  for (const app of installedApps) {
    if (!app.staticDir) continue;
    const target = join(copy, relative(root, app.staticDir));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(app.staticDir, target, { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  // As `npm start` does: production needs the collected static files (copy/staticfiles).
  execFileSync(process.execPath, [join(copy, 'bin', 'keen.js'), 'collectstatic', '--noinput'], {
    cwd: copy,
    env: { PATH: process.env.PATH ?? '', SECRET_KEY: TEST_SECRET_KEY, KEEN_DATA_DIR: join(copy, 'var') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return copy;
}

/** A free loopback port (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export type LogLine = Record<string, unknown> & { msg?: string };

export interface KeenServe {
  url: string;
  child: ChildProcess;
  logs: LogLine[];
  output(): string;
  /** Resolves with the first log line (existing or future) matching `test`. */
  waitForLog(test: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** PIDs of the workers currently ready (from the supervisor's log). */
  workerPids(): number[];
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `keen serve` from `buildDir` and waits for "keen is serving". */
export async function startKeenServe(
  buildDir: string,
  env: Record<string, string>,
  /** Another built entry with the same CLI (the topology test adds an upload route); default bin/keen.js. */
  entry = join(buildDir, 'bin', 'keen.js'),
  /** Listen on this port (a restart in place); default a free one. */
  fixedPort?: number,
): Promise<KeenServe> {
  const port = fixedPort ?? (await freePort());
  const child = spawn(process.execPath, [entry, 'serve', '--bind', `127.0.0.1:${port}`], {
    cwd: buildDir,
    env: {
      PATH: process.env.PATH ?? '',
      SECRET_KEY: TEST_SECRET_KEY,
      LOG_LEVEL: 'info',
      KEEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'keen-serve-data-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let raw = '';
  let pending = '';
  const waiters = new Set<{ test: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  // Kept as the lines arrive: tests poll it from log waiters, and a scan of every line per new line
  // turned quadratic (seconds with the event loop blocked) after a load test's access logs.
  const alivePids = new Set<number>();
  const exitMessages = new Set([
    'worker stopped',
    'worker died; starting a replacement',
    'worker failed to boot',
  ]);
  const trackWorker = (line: LogLine) => {
    if (line.role !== 'supervisor' || typeof line.workerPid !== 'number') return;
    if (line.msg === 'worker ready') alivePids.add(line.workerPid);
    if (exitMessages.has(String(line.msg))) alivePids.delete(line.workerPid);
  };
  const onData = (chunk: Buffer) => {
    raw += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const text of lines) {
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as LogLine;
      logs.push(line);
      trackWorker(line);
      for (const waiter of waiters) {
        if (waiter.test(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForLog = (test: (line: LogLine) => boolean, timeoutMs = 15_000) => {
    const found = logs.find(test);
    if (found) return Promise.resolve(found);
    return new Promise<LogLine>((resolve, reject) => {
      const waiter = {
        test,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`timed out waiting for a log line; output so far:\n${raw.slice(-4000)}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  const workerPids = () => [...alivePids];

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  await Promise.race([
    waitForLog((line) => line.msg === 'keen is serving', 30_000),
    exited.then((code) => {
      throw new Error(`keen serve exited with ${code} before serving:\n${raw}`);
    }),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    logs,
    output: () => raw,
    waitForLog,
    workerPids,
    exited,
    stop,
  };
}

/** Removes a folder made by {@link prepareBuildCopy}. */
export function removeBuildCopy(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
