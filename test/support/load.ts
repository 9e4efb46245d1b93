/**
 * A small, bounded load generator for the reliability tests: `concurrency` loops issuing GETs over
 * keep-alive connections until stopped (or `maxDurationMs`), counting successes, HTTP failures and
 * socket errors separately.
 */
import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface LoadResult {
  ok: number;
  /** Responses with a status ≥ 500 (or otherwise unexpected). */
  failed: number;
  /** Connection-level errors (ECONNRESET, socket hang up, …). */
  socketErrors: number;
  errors: string[];
  /** Each request: when it started, and its status or its error's message. */
  entries: { startedAt: number; outcome: number | string }[];
}

export interface Load {
  stop(): Promise<LoadResult>;
  /** Requests completed so far. */
  completed(): number;
}

function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : request;
    const req = send(url, { agent, method: 'GET', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.setTimeout(3_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

export function startLoad(
  target: string,
  options: {
    concurrency?: number;
    maxDurationMs?: number;
    /** Total requests per second; unset = as fast as possible. */
    rate?: number;
    /** CA certificate to trust for https:// targets (a test's self-signed one). */
    ca?: string;
    /** Sent with every request (a Host header, X-Forwarded-Proto). */
    headers?: Record<string, string>;
  } = {},
): Load {
  const concurrency = options.concurrency ?? 8;
  // Each loop waits this long between requests when a rate is set (steady load instead of saturation).
  const pauseMs = options.rate ? (1000 * concurrency) / options.rate : 0;
  const deadline = Date.now() + (options.maxDurationMs ?? 60_000);
  const agent: Agent =
    new URL(target).protocol === 'https:'
      ? new HttpsAgent({ keepAlive: true, maxSockets: concurrency, ca: options.ca })
      : new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(target);
  const result: LoadResult = { ok: 0, failed: 0, socketErrors: 0, errors: [], entries: [] };
  let running = true;
  const loop = async () => {
    while (running && Date.now() < deadline) {
      const entry: LoadResult['entries'][number] = { startedAt: Date.now(), outcome: 0 };
      result.entries.push(entry);
      try {
        const status = await get(agent, url, options.headers ?? {});
        entry.outcome = status;
        if (status >= 200 && status < 500) result.ok += 1;
        else {
          result.failed += 1;
          if (result.errors.length < 20) result.errors.push(`HTTP ${status}`);
        }
      } catch (error) {
        entry.outcome = (error as Error).message;
        result.socketErrors += 1;
        if (result.errors.length < 20) result.errors.push((error as Error).message);
      }
      if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    completed: () => result.ok + result.failed + result.socketErrors,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}
