/** Turns the measurements into the table `npm run bench` prints and docs/performance.md quotes. */
import type { ProfileSummary, Row } from './cpu-profile.js';
import type { Endpoint, EndpointId, LoadStats } from './load.js';
import type { ProcessMemory } from './server-process.js';

/** The targets: share of the baseline's req/s, and how much worse keen's p99 may be. */
export const TARGETS = Object.freeze({
  minRatio: 0.7,
  /** Issue 17's targets against the upgraded baseline (items keeps its earlier 90%). */
  minRatioByEndpoint: { healthz: 0.85, items: 0.9, post: 0.9, static: 0.8 } as Partial<
    Record<EndpointId, number>
  >,
  maxP99Factor: 2,
  /** Database round trips per request keen may make (an anonymous visitor's form page: none). */
  maxRoundTripsByEndpoint: { login: 0 } as Partial<Record<EndpointId, number>>,
  /** Median latency keen must stay under, in ms (the résumé PDF once built: issue 11). */
  maxP50MsByEndpoint: { resume_pdf: 5 } as Partial<Record<EndpointId, number>>,
  /** Keen's req/s on an endpoint as a share of its own /healthz (issue 15: a cached post page). */
  minShareOfHealthzByEndpoint: { cached_post: 0.8 } as Partial<Record<EndpointId, number>>,
});

export interface EndpointResult {
  id: EndpointId;
  label: string;
  keen: LoadStats;
  baseline: LoadStats;
  /** keen req/s ÷ baseline req/s. */
  ratio: number;
  requiredRatio: number;
  ratioMet: boolean;
  /** keen p99 ÷ baseline p99 (the baseline's p99 floored at 1 ms, the histogram's resolution). */
  p99Factor: number;
  p99Met: boolean;
  /** The most database round trips per request allowed, if the endpoint has a target. */
  maxRoundTrips: number | null;
  roundTripsMet: boolean;
  /** The median latency keen must stay under, if the endpoint has one. */
  maxP50Ms: number | null;
  p50Met: boolean;
}

export function compare(endpoint: Endpoint, keen: LoadStats, baseline: LoadStats): EndpointResult {
  const ratio = baseline.requestsPerSecond > 0 ? keen.requestsPerSecond / baseline.requestsPerSecond : 0;
  const requiredRatio = TARGETS.minRatioByEndpoint[endpoint.id] ?? TARGETS.minRatio;
  const p99Factor = keen.latencyMs.p99 / Math.max(1, baseline.latencyMs.p99);
  const maxRoundTrips = TARGETS.maxRoundTripsByEndpoint[endpoint.id] ?? null;
  // Measured over thousands of requests, so a stray statement elsewhere stays below 0.01 per request.
  const roundTrips = keen.dbRoundTripsPerRequest ?? Number.NaN;
  const maxP50Ms = TARGETS.maxP50MsByEndpoint[endpoint.id] ?? null;
  return {
    id: endpoint.id,
    label: endpoint.label,
    keen,
    baseline,
    ratio,
    requiredRatio,
    ratioMet: ratio >= requiredRatio,
    p99Factor,
    p99Met: p99Factor <= TARGETS.maxP99Factor,
    maxRoundTrips,
    roundTripsMet: maxRoundTrips === null || roundTrips <= maxRoundTrips + 0.01,
    maxP50Ms,
    p50Met: maxP50Ms === null || keen.latencyMs.p50 < maxP50Ms,
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const errors = (stats: LoadStats) => stats.socketErrors + stats.unexpectedStatus;
const cpu = (stats: LoadStats) =>
  stats.workerCpuMsPerRequest === undefined || Number.isNaN(stats.workerCpuMsPerRequest)
    ? 'n/a'
    : fmt(stats.workerCpuMsPerRequest, 3);

export function resultsTable(results: readonly EndpointResult[]): string {
  const lines = [
    '| Endpoint | Keen req/s | Baseline req/s | Keen/baseline (target) | Keen p50 / p99 ms | Baseline p50 / p99 ms | p99 vs baseline (target ≤ 2×) | Worker CPU ms/req keen / baseline | Errors keen / baseline |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.label} | ${fmt(r.keen.requestsPerSecond)} | ${fmt(r.baseline.requestsPerSecond)} | ` +
        `${fmt(r.ratio * 100)}% (≥ ${fmt(r.requiredRatio * 100)}%) ${r.ratioMet ? 'met' : '**missed**'} | ` +
        `${r.keen.latencyMs.p50} / ${r.keen.latencyMs.p99} | ${r.baseline.latencyMs.p50} / ${r.baseline.latencyMs.p99} | ` +
        `${fmt(r.p99Factor, 2)}× ${r.p99Met ? 'met' : '**missed**'} | ` +
        `${cpu(r.keen)} / ${cpu(r.baseline)} | ${errors(r.keen)} / ${errors(r.baseline)} |`,
    );
  }
  return lines.join('\n');
}

/** Lines comparing endpoints with Keen's own /healthz, for those with such a target and both measured. */
export function healthzShareLines(results: readonly EndpointResult[]): string[] {
  const healthz = results.find((r) => r.id === 'healthz');
  if (!healthz) return [];
  return results.flatMap((r) => {
    const target = TARGETS.minShareOfHealthzByEndpoint[r.id];
    if (target === undefined) return [];
    const share = r.keen.requestsPerSecond / Math.max(1, healthz.keen.requestsPerSecond);
    return [
      `Share of keen's /healthz, ${r.id}: ${fmt(r.keen.requestsPerSecond)} / ${fmt(healthz.keen.requestsPerSecond)} req/s = ` +
        `${fmt(share * 100)}% (≥ ${fmt(target * 100)}%) ${share >= target ? 'met' : '**missed**'}`,
    ];
  });
}

export function memoryLine(name: string, rows: readonly ProcessMemory[]): string {
  const mib = (kib: number) => fmt(kib / 1024, 1);
  const workers = rows.filter((r) => r.role === 'worker');
  const primary = rows.find((r) => r.role === 'primary');
  const workerTotal = workers.reduce((sum, r) => sum + r.rssKiB, 0);
  return (
    `${name} RSS after its runs: workers ${workers.map((r) => mib(r.rssKiB)).join(' + ')} = ${mib(workerTotal)} MiB` +
    `; with the primary (${mib(primary?.rssKiB ?? 0)} MiB) ${mib(workerTotal + (primary?.rssKiB ?? 0))} MiB`
  );
}

/** A table of profile rows, each also in microseconds per request served. */
function rowsTable(title: string, rows: readonly Row[], requests: number): string {
  const perRequest = (ms: number) => fmt((ms * 1000) / requests, 2);
  const lines = [`| ${title} | ms | % of busy | µs per request |`, '|---|--:|--:|--:|'];
  for (const row of rows)
    lines.push(
      `| ${row.name.replaceAll('|', '\\|')} | ${fmt(row.ms)} | ${fmt(row.percent, 1)} | ${perRequest(row.ms)} |`,
    );
  return lines.join('\n');
}

/**
 * One profiled run as Markdown. Per request (the samples' time over the requests served while
 * profiling), two servers' profiles compare even though they served different numbers of requests.
 */
export function profileReport(
  server: 'Keen' | 'baseline',
  endpoint: Endpoint,
  summary: ProfileSummary,
  requests: number,
): string {
  const served = Math.max(1, requests);
  return [
    `CPU profile of one ${server} worker under ${endpoint.label}: ${fmt(summary.sampledMs)} ms of samples` +
      `${summary.windowed ? ' (load window only)' : ' (whole process life: the window did not match)'}, ` +
      `${fmt(summary.busyMs)} ms busy, ${fmt(summary.idleMs)} ms idle; ${fmt(requests)} requests, ` +
      `${fmt((summary.busyMs * 1000) / served, 1)} µs busy per request. Time in a system call (writev) ` +
      'also counts the moments the worker waited for the CPU there, so compare JavaScript rows.',
    '',
    rowsTable('Self time by package', summary.selfByPackage, served),
    '',
    rowsTable('Inclusive time by package (once per stack)', summary.inclusiveByPackage, served),
    '',
    rowsTable('Self time by module', summary.selfByModule, served),
    '',
    rowsTable('Self time by function', summary.selfByFunction, served),
  ].join('\n');
}
