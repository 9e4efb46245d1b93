/**
 * Starting, watching and stopping a server under test (Keen's or the baseline's built JS), and
 * measuring its memory. Both are node:cluster primaries that print READY_LINE once per listening worker.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { READY_LINE } from './bench-constants.js';

export interface RunningServer {
  name: string;
  origin: string;
  port: number;
  child: ChildProcess;
  /** PIDs of the workers that reported ready (less any `replaceWorker` killed). */
  workerPids: number[];
  /** Cold start: ms from spawning the primary to the first 200 of /healthz, every worker ready. */
  startupMs: number;
  /** The last few KB of the server's output, for error messages. */
  output(): string;
  /** Log lines at warn level or above so far: a healthy run under load logs none. */
  problemLines(): number;
  /** The last such line, shortened, to show what went wrong. */
  lastProblem(): string | null;
  /**
   * Kills one worker with SIGKILL and resolves with the ms until a new worker reports ready: what a
   * crash costs before the supervisor's replacement serves (Keen's only: the baseline stops instead).
   */
  replaceWorker(timeoutMs?: number): Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface StartOptions {
  name: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
  port: number;
  workers: number;
  /** Node flags for the primary; cluster workers inherit them (how --cpu-prof reaches the workers). */
  execArgv?: string[];
  timeoutMs?: number;
}

/** A free loopback port (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const OUTPUT_TAIL = 16_384;

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(options.execArgv ?? []), options.script], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const workerPids: number[] = [];
  // Called each time a worker reports ready (its PID is in workerPids by then).
  const readyListeners = new Set<() => void>();
  let problems = 0;
  let lastProblem: string | null = null;
  // One reader per stream: each keeps its own unfinished line, so stdout and stderr never mix mid-line.
  const reader = () => {
    let partial = '';
    return (text: string) => {
      tail = (tail + text).slice(-OUTPUT_TAIL);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
  };
  const onLine = (line: string) => {
    if (line.startsWith(READY_LINE)) {
      const pid = Number(line.slice(READY_LINE.length));
      workerPids.push(pid);
      for (const listener of readyListeners) listener();
    } else if (/^\{"level":(4|5|6)0,/.test(line) || line.startsWith('baseline:')) {
      // Keen logs pino JSON (40 warn, 50 error, 60 fatal); the baseline prints "baseline: …".
      problems += 1;
      lastProblem = line.slice(0, 300);
    }
  };
  // Decoded as UTF-8 by the streams, so a character split across chunks stays whole.
  child.stdout?.setEncoding('utf8').on('data', reader());
  child.stderr?.setEncoding('utf8').on('data', reader());
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = new Promise<void>((resolve) => {
    const onReady = () => {
      if (workerPids.length < options.workers) return;
      readyListeners.delete(onReady);
      resolve();
    };
    readyListeners.add(onReady);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? 60_000);
  });
  const outcome = await Promise.race([ready.then(() => 'ready' as const), exited, timedOut]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    if (child.exitCode === null) child.kill('SIGKILL');
    const why = outcome === 'timeout' ? 'did not get ready in time' : `exited with status ${outcome}`;
    throw new Error(`${options.name} ${why}; its output:\n${tail}`);
  }

  const origin = `http://127.0.0.1:${options.port}`;
  const health = await fetch(`${origin}/healthz`);
  if (health.status !== 200) throw new Error(`${options.name}: /healthz answered ${health.status}`);
  const startupMs = Math.round(performance.now() - spawnedAt);

  return {
    name: options.name,
    origin,
    port: options.port,
    child,
    workerPids,
    startupMs,
    output: () => tail,
    problemLines: () => problems,
    lastProblem: () => lastProblem,
    replaceWorker(timeoutMs = 10_000) {
      const victim = workerPids.shift();
      if (victim === undefined) return Promise.reject(new Error(`${options.name}: no worker to kill`));
      return new Promise((resolve, reject) => {
        const killedAt = performance.now();
        const timer = setTimeout(() => {
          readyListeners.delete(onReady);
          reject(new Error(`${options.name}: no replacement ready ${timeoutMs} ms after kill -9`));
        }, timeoutMs);
        const onReady = () => {
          clearTimeout(timer);
          readyListeners.delete(onReady);
          resolve(Math.round(performance.now() - killedAt));
        };
        readyListeners.add(onReady);
        process.kill(victim, 'SIGKILL');
      });
    },
    async stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

export interface ProcessMemory {
  pid: number;
  role: 'primary' | 'worker';
  rssKiB: number;
}

/** Resident memory of the primary and each of its children, from ps (procps). */
export function clusterMemory(primaryPid: number): ProcessMemory[] {
  const rows: ProcessMemory[] = [];
  const read = (args: string[], role: ProcessMemory['role']) => {
    let text = '';
    try {
      text = execFileSync('ps', ['-o', 'pid=,rss=', ...args], { encoding: 'utf8' });
    } catch {
      // ps exits 1 when nothing matches.
      return;
    }
    for (const line of text.trim().split('\n')) {
      const [pid, rss] = line.trim().split(/\s+/).map(Number);
      if (pid && rss !== undefined) rows.push({ pid, role, rssKiB: rss });
    }
  };
  read(['-p', String(primaryPid)], 'primary');
  read(['--ppid', String(primaryPid)], 'worker');
  return rows;
}

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ: 100 on every mainstream Linux build). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, milliseconds) the given processes have used so far, from /proc. Divided by
 * the requests served, it gives the CPU each request costs the server: a figure other processes on a
 * shared machine disturb far less than req/s.
 */
export function cpuTimeMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Not on Linux, or the process is gone: the figure is then left out.
      return Number.NaN;
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
