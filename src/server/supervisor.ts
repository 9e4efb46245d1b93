/**
 * The `keen serve` supervisor (Gunicorn's arbiter): a node:cluster primary that keeps WEB_CONCURRENCY
 * workers serving one shared port.
 *
 * - A worker that crashes is replaced at once; workers that keep failing to boot (5 in 30 s) end the
 *   supervisor with exit status 3 instead of a crash loop.
 * - A worker silent for WORKER_TIMEOUT (event loop blocked) is killed and replaced.
 * - MAX_REQUESTS (+ jitter) recycles workers one at a time: the replacement is ready before the old
 *   one drains, so capacity never dips.
 * - SIGHUP: rolling reload, one worker at a time, new before old; a new worker that fails to boot
 *   aborts the reload and the old workers keep serving.
 * - SIGTERM/SIGINT: every worker drains (in-flight requests finish within GRACEFUL_TIMEOUT), then exit
 *   0; a second signal kills them at once. SIGTTIN/SIGTTOU: one worker more/fewer.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { WorkerBootError } from '../errors.js';
import type { Settings } from '../settings.js';
import {
  isWorkerMessage,
  type SupervisorMessage,
  setupMessage,
  UNRECOVERABLE_BOOT_CODES,
  WORKER_BOOT_ERROR,
  WORKER_ENV,
  type WorkerMessage,
} from './messages.js';

type WorkerState = 'booting' | 'ready' | 'draining';

interface Tracked {
  worker: Worker;
  state: WorkerState;
  lastHeartbeat: number;
  startedAt: number;
  /** Set once the watchdog has sent SIGKILL, so it is not sent every second until the exit arrives. */
  killed?: boolean;
}

/** Boot failures that end the supervisor: this many within the window. */
export const CRASH_LOOP = Object.freeze({ failures: 5, windowMs: 30_000 });

export interface SupervisorOptions {
  settings: Readonly<Settings>;
  logger: Logger;
  /** Arguments the workers are started with (the same script re-runs in worker mode). */
  workerArgs?: string[];
}

export class Supervisor {
  readonly #settings: Readonly<Settings>;
  readonly #log: Logger;
  readonly #tracked = new Map<number, Tracked>();
  readonly #bootFailures: number[] = [];
  readonly #setupToken = randomBytes(24).toString('base64url');
  #target: number;
  #stopping = false;
  #setupShown = false;
  /** Some worker has been ready: from then on a boot failure is a reload's problem, not the start's. */
  #everReady = false;
  /** Reloads, recycles and scaling run one after another, never interleaved. */
  #queue: Promise<void> = Promise.resolve();
  #watchdog: NodeJS.Timeout | undefined;
  #exited: (code: number) => void = () => {};
  /** The supervisor's exit status: 0 after a clean stop. */
  #exitCode = 0;
  readonly done: Promise<number>;

  constructor(options: SupervisorOptions) {
    this.#settings = options.settings;
    this.#log = options.logger.child({ role: 'supervisor' });
    // PGlite belongs to one process: with the embedded database there is exactly one worker.
    this.#target = options.settings.database.kind === 'pglite' ? 1 : options.settings.webConcurrency;
    this.done = new Promise((resolve) => {
      this.#exited = resolve;
    });
    this.firstReady = new Promise((resolve) => {
      this.#markReady = resolve;
    });
    if (options.workerArgs) cluster.setupPrimary({ args: options.workerArgs });
  }

  get embedded(): boolean {
    return this.#settings.database.kind === 'pglite';
  }

  /** Resolves when the first worker is ready (never, if none ever boots: then `done` resolves with 3). */
  readonly firstReady: Promise<void>;
  #markReady: () => void = () => {};

  /** Forks the workers and starts watching them. */
  start(): void {
    if (this.embedded && this.#settings.webConcurrency > 1) {
      this.#log.info(
        'embedded database (PGlite): running 1 worker, since only one process may open it; set DATABASE_URL for more',
      );
    }
    cluster.on('exit', (worker, code, signal) => this.#onExit(worker, code, signal));
    cluster.on('message', (worker, message: unknown) => {
      if (isWorkerMessage(message)) this.#onMessage(worker, message);
    });
    this.#watchdog = setInterval(() => this.#checkHeartbeats(), 1000);
    for (let i = 0; i < this.#target; i++) this.#fork();
  }

  /** The workers serving now (booted, not draining). */
  get readyWorkers(): Worker[] {
    return [...this.#tracked.values()].filter((t) => t.state === 'ready').map((t) => t.worker);
  }

  /** Workers currently serving or starting (not draining). */
  get liveWorkers(): number {
    return [...this.#tracked.values()].filter((t) => t.state !== 'draining').length;
  }

  #fork(): Tracked {
    const maxRequests =
      this.#settings.maxRequests > 0
        ? this.#settings.maxRequests + randomInt(this.#settings.maxRequestsJitter + 1)
        : 0;
    const worker = cluster.fork({
      [WORKER_ENV.setupToken]: this.#setupToken,
      [WORKER_ENV.maxRequests]: String(maxRequests),
    });
    const tracked: Tracked = { worker, state: 'booting', lastHeartbeat: Date.now(), startedAt: Date.now() };
    this.#tracked.set(worker.id, tracked);
    this.#log.info({ workerPid: worker.process.pid, maxRequests }, 'worker started');
    return tracked;
  }

  /** Resolves when the worker reports ready; rejects with its boot error if it exits first. */
  #whenReady(tracked: Tracked): Promise<void> {
    if (tracked.state === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (!isWorkerMessage(message)) return;
        if (message.type === 'keen:ready') finish(null);
        if (message.type === 'keen:boot-failed') finish(new WorkerBootError(message.message));
      };
      const onExit = (code: number | null) =>
        finish(new WorkerBootError(`worker exited with status ${code} before it was ready`));
      const finish = (error: Error | null) => {
        tracked.worker.off('message', onMessage);
        tracked.worker.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      tracked.worker.on('message', onMessage);
      tracked.worker.on('exit', onExit);
    });
  }

  #onMessage(worker: Worker, message: WorkerMessage): void {
    const tracked = this.#tracked.get(worker.id);
    if (!tracked) return;
    switch (message.type) {
      case 'keen:ready':
        tracked.state = tracked.state === 'draining' ? 'draining' : 'ready';
        this.#everReady = true;
        tracked.lastHeartbeat = Date.now();
        this.#log.info({ workerPid: worker.process.pid, bootMs: message.bootMs }, 'worker ready');
        this.#markReady();
        if (message.needsSetup && !this.#setupShown) {
          this.#setupShown = true;
          process.stdout.write(setupMessage(message.url, this.#setupToken));
        }
        break;
      case 'keen:heartbeat':
        tracked.lastHeartbeat = Date.now();
        break;
      case 'keen:boot-failed':
        this.#log.error({ workerPid: worker.process.pid, error: message.message }, 'worker boot error');
        // During a reload the old workers keep serving (#replace); at the first start nothing serves yet.
        if (!this.#everReady && message.code && UNRECOVERABLE_BOOT_CODES.has(message.code)) {
          this.#giveUp(`a worker cannot start: ${message.message}`);
        }
        break;
      case 'keen:recycle':
        this.#log.info(
          { workerPid: worker.process.pid, served: message.served },
          'worker reached MAX_REQUESTS; replacing it',
        );
        this.#enqueue(() => this.#replace(tracked));
        break;
    }
  }

  #onExit(worker: Worker, code: number | null, signal: string | null): void {
    const tracked = this.#tracked.get(worker.id);
    this.#tracked.delete(worker.id);
    if (!tracked) return;
    const pid = worker.process.pid;
    if (tracked.state === 'draining') {
      this.#log.info({ workerPid: pid, code }, 'worker stopped');
    } else if (tracked.state === 'booting' || code === WORKER_BOOT_ERROR) {
      this.#recordBootFailure(pid, code, signal);
    } else {
      this.#log.error({ workerPid: pid, code, signal }, 'worker died; starting a replacement');
    }
    if (this.#stopping) {
      if (this.#tracked.size === 0) this.#finish();
      return;
    }
    // Keep the number of serving workers at the target (reloads add their own replacements).
    while (this.liveWorkers < this.#target && !this.#stopping) this.#fork();
  }

  #recordBootFailure(pid: number | undefined, code: number | null, signal: string | null): void {
    const now = Date.now();
    this.#bootFailures.push(now);
    while (this.#bootFailures.length && (this.#bootFailures[0] as number) < now - CRASH_LOOP.windowMs) {
      this.#bootFailures.shift();
    }
    this.#log.error(
      { workerPid: pid, code, signal, recentFailures: this.#bootFailures.length },
      'worker failed to boot',
    );
    if (this.#bootFailures.length >= CRASH_LOOP.failures) {
      this.#giveUp(
        `workers failed to boot ${CRASH_LOOP.failures} times in ${CRASH_LOOP.windowMs / 1000} s; stopping instead of crash-looping (see the errors above)`,
      );
    }
  }

  /** Stops everything with exit status 3: workers cannot boot. */
  #giveUp(reason: string): void {
    if (this.#stopping) return;
    this.#log.fatal(reason);
    this.#stopping = true;
    this.#exitCode = WORKER_BOOT_ERROR;
    for (const t of this.#tracked.values()) t.worker.process.kill('SIGKILL');
    if (this.#tracked.size === 0) this.#finish();
  }

  #finish(): void {
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#exited(this.#exitCode);
  }

  #checkHeartbeats(): void {
    const now = Date.now();
    const timeoutMs = this.#settings.workerTimeout * 1000;
    for (const tracked of this.#tracked.values()) {
      // Booting workers get twice as long: opening the database and migrating take a moment.
      const limit = tracked.state === 'booting' ? 2 * timeoutMs : timeoutMs;
      const silentFor = now - (tracked.state === 'booting' ? tracked.startedAt : tracked.lastHeartbeat);
      if (silentFor > limit && tracked.state !== 'draining' && !tracked.killed) {
        this.#log.error(
          { workerPid: tracked.worker.process.pid, silentMs: silentFor, state: tracked.state },
          'WORKER TIMEOUT: no heartbeat (event loop blocked?); killing and replacing it',
        );
        tracked.killed = true;
        tracked.worker.process.kill('SIGKILL');
      }
    }
  }

  #enqueue(operation: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(operation).catch((error) => {
      this.#log.error({ err: error }, 'worker operation failed');
    });
    return this.#queue;
  }

  /** Tells a worker to drain, and kills it if it outlives the graceful timeout. */
  #retire(tracked: Tracked): Promise<void> {
    tracked.state = 'draining';
    const message: SupervisorMessage = { type: 'keen:drain' };
    tracked.worker.send(message);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.#log.warn(
            { workerPid: tracked.worker.process.pid },
            'worker did not stop within GRACEFUL_TIMEOUT; killing it',
          );
          tracked.worker.process.kill('SIGKILL');
        },
        (this.#settings.gracefulTimeout + 5) * 1000,
      );
      tracked.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Replaces one worker: the new one first, then the old one drains (with PGlite the old one must let
   * go of the database first, so the order is reversed and connections wait in the listen queue).
   * Throws when the new worker fails to boot; the old one then keeps serving.
   */
  async #replace(old: Tracked): Promise<void> {
    if (!this.#tracked.has(old.worker.id) || old.state === 'draining' || this.#stopping) return;
    if (this.embedded) {
      await this.#retire(old);
      // #onExit has already forked the replacement to keep the target; wait for it.
      const replacement = [...this.#tracked.values()].find((t) => t.state === 'booting');
      if (replacement) await this.#whenReady(replacement);
      return;
    }
    await this.#whenReady(this.#fork());
    await this.#retire(old);
  }

  /** SIGHUP: replaces every current worker, one at a time, new before old. */
  reload(): Promise<void> {
    return this.#enqueue(async () => {
      const old = [...this.#tracked.values()].filter((t) => t.state === 'ready');
      this.#log.info({ workers: old.length }, 'rolling reload started');
      for (const tracked of old) {
        try {
          await this.#replace(tracked);
        } catch (error) {
          this.#log.error(
            { error: (error as Error).message },
            'rolling reload aborted: a new worker failed to boot; the old workers keep serving',
          );
          return;
        }
      }
      this.#log.info('rolling reload complete');
    });
  }

  /** SIGTTIN / SIGTTOU. */
  scale(delta: 1 | -1): Promise<void> {
    return this.#enqueue(async () => {
      if (this.embedded) {
        this.#log.warn('the embedded database allows one worker only; not scaling');
        return;
      }
      if (delta > 0) {
        this.#target += 1;
        const tracked = this.#fork();
        await this.#whenReady(tracked).catch((error) =>
          this.#log.error({ error: error.message }, 'new worker failed'),
        );
      } else if (this.#target > 1) {
        this.#target -= 1;
        const victim = [...this.#tracked.values()].find((t) => t.state === 'ready');
        if (victim) await this.#retire(victim);
      }
      this.#log.info({ workers: this.#target }, 'worker count changed');
    });
  }

  /** SIGTERM/SIGINT: drain everything, then resolve `done` with 0. */
  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#log.info({ workers: this.#tracked.size }, 'stopping: workers finish their in-flight requests');
    if (this.#tracked.size === 0) {
      this.#finish();
      return;
    }
    for (const tracked of this.#tracked.values()) {
      if (tracked.state !== 'draining') void this.#retire(tracked);
    }
  }

  /** A second stop signal: no more waiting. */
  kill(): void {
    this.#log.warn('second stop signal: killing workers now');
    for (const tracked of this.#tracked.values()) tracked.worker.process.kill('SIGKILL');
    this.#exitCode = 1;
    if (this.#tracked.size === 0) this.#finish();
  }
}
