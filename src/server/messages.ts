/** The messages a worker and the supervisor exchange over the cluster IPC channel. */

/** Worker → supervisor. */
export type WorkerMessage =
  /** Listening and serving; `needsSetup` when no admin account exists yet. */
  | { type: 'keen:ready'; needsSetup: boolean; url: string; bootMs: number }
  /** Sent every second while the event loop runs; silence means the worker is stuck. */
  | { type: 'keen:heartbeat' }
  /** The worker could not start (bad code, settings or database); it exits right after. `code`: Keen's error code. */
  | { type: 'keen:boot-failed'; message: string; code?: string }
  /** The worker served its MAX_REQUESTS and asks to be replaced (one at a time, by the supervisor). */
  | { type: 'keen:recycle'; served: number }
  /** The answer to a metrics request: the worker's registry as prom-client's JSON. */
  | { type: 'keen:metrics'; id: string; metrics: unknown[] };

/** Supervisor → worker. */
export type SupervisorMessage =
  /** Stop taking connections, finish in-flight requests, exit 0. */
  | { type: 'keen:drain' }
  /** Send this worker's metrics (METRICS_BIND is set). */
  | { type: 'keen:metrics'; id: string };

/** Narrowing for messages arriving as `unknown`. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    String((value as { type?: unknown }).type).startsWith('keen:')
  );
}

/** Environment variables the supervisor passes to each worker it forks. */
export const WORKER_ENV = Object.freeze({
  setupToken: 'KEEN_WORKER_SETUP_TOKEN',
  maxRequests: 'KEEN_WORKER_MAX_REQUESTS',
  heartbeatMs: 'KEEN_WORKER_HEARTBEAT_MS',
});

/** Gunicorn's exit status for a worker that failed to boot; the supervisor counts these. */
export const WORKER_BOOT_ERROR = 3;

/**
 * Boot errors another try cannot fix: on the first start the supervisor stops at once instead of
 * retrying until the crash-loop limit. (Static files that do not match the code: the supervisor itself
 * does not load the apps, so their workers are the first to see it.)
 */
export const UNRECOVERABLE_BOOT_CODES: ReadonlySet<string> = new Set(['KEEN_E_STATIC']);

/** The first-run message: printed to the terminal, not the JSON log, so the token stays out of log storage. */
export function setupMessage(url: string, token: string): string {
  return (
    `\nNo admin account exists yet. Create the first one in your browser (the link works once):\n` +
    `  ${url}/setup/?token=${token}\n` +
    'or stop the server and run: npm run keen -- createsuperuser\n\n'
  );
}
