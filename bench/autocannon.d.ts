/**
 * The part of autocannon's programmatic API the bench uses. autocannon ships no types, and
 * @types/autocannon describes an older major, so the few fields read here are declared by hand.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      pipelining?: number;
      /** Seconds before a request counts as timed out (and as an error). */
      timeout?: number;
      method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
      headers?: Record<string, string>;
      body?: string;
    }

    /** A histogram summary: mean/stddev/min/max plus percentiles keyed p50, p97_5, p99, … */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total?: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
      p99_9: number;
    }

    interface Result {
      /** Per-second samples of completed requests. */
      requests: Histogram & { sent: number };
      /** Milliseconds, recorded at 1 ms resolution. */
      latency: Histogram & { totalCount: number };
      throughput: Histogram;
      duration: number;
      /** Socket errors, timeouts included. */
      errors: number;
      timeouts: number;
      resets: number;
      non2xx: number;
      statusCodeStats: Record<string, { count: number }>;
    }

    interface Instance extends EventEmitter {
      stop(): void;
    }
  }

  function autocannon(
    options: autocannon.Options,
    callback: (error: Error | null, result: autocannon.Result) => void,
  ): autocannon.Instance;

  export = autocannon;
}
