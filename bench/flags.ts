/** The options of `npm run bench`, checked and bounded (a typo must not become an hour of load). */
import { parseArgs } from 'node:util';
import { ENDPOINT_IDS, type EndpointId } from './load.js';

export const USAGE = `usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench -- [options]
  --duration S          seconds of measured load per endpoint and server (default 10)
  --warmup S            seconds of unmeasured load before each measurement (default 3)
  --connections N       concurrent keep-alive connections (default 50)
  --workers N           worker processes for both servers (default 2)
  --rounds N            repeat keen→baseline (then baseline→keen, …) N times; best run counts (default 1)
  --only a,b            endpoints among ${ENDPOINT_IDS.join(', ')} (default all)
  --profile-duration S  seconds of each CPU-profiled run (default 5)
  --profile a,b         endpoints to profile; "slowest" is the one with the lowest keen/baseline
                        ratio (default: slowest)
  --no-profile          skip the CPU profile
  --profile-baseline    profile the baseline too, under the same endpoints, to compare per request
  --quick               3 s per endpoint, no profile; exits 1 when a keen/baseline ratio fell more
                        than 15 points under bench/results/ratios.json
  --record              write this run's ratios to bench/results/ratios.json (for --quick)
  --baseline-renderer R the baseline's HTML pages: template (strings, the default) or tsx (Preact, as
                        Keen renders); tsx runs are neither recorded nor checked against the record`;

export interface Flags {
  duration: number;
  warmup: number;
  connections: number;
  workers: number;
  rounds: number;
  only: EndpointId[];
  profile: boolean;
  /** `slowest`: the endpoint with the lowest keen/baseline ratio. */
  profileEndpoints: (EndpointId | 'slowest')[];
  profileDuration: number;
  /** Also profile the baseline, so both servers' time per request can be compared. */
  profileBaseline: boolean;
  /** A few seconds per endpoint, no profile, checked against the recorded ratios (bench/guard.ts). */
  quick: boolean;
  /** Write this run's ratios to bench/results/ratios.json. */
  record: boolean;
  /** How the baseline writes its HTML pages: template strings, or TSX rendered by Preact like Keen's. */
  baselineRenderer: BaselineRenderer;
}

export const BASELINE_RENDERERS = ['template', 'tsx'] as const;
export type BaselineRenderer = (typeof BASELINE_RENDERERS)[number];

function positive(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max} (got "${raw}")`);
  }
  return value;
}

export class UsageError extends Error {}

function endpointList(flag: string, raw: string): EndpointId[] {
  const ids = raw
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  for (const id of ids) {
    if (!(ENDPOINT_IDS as readonly string[]).includes(id)) {
      throw new UsageError(`--${flag}: unknown endpoint "${id}" (known: ${ENDPOINT_IDS.join(', ')})`);
    }
  }
  return ids as EndpointId[];
}

export function parseFlags(argv: string[]): Flags | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      workers: { type: 'string' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      'profile-duration': { type: 'string' },
      profile: { type: 'string' },
      'no-profile': { type: 'boolean' },
      'profile-baseline': { type: 'boolean' },
      quick: { type: 'boolean' },
      record: { type: 'boolean' },
      'baseline-renderer': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const only = endpointList('only', values.only ?? ENDPOINT_IDS.join(','));
  const profileWords = (values.profile ?? 'slowest').split(',').map((id) => id.trim());
  const profileEndpoints = [
    ...(profileWords.includes('slowest') ? (['slowest'] as const) : []),
    ...endpointList('profile', profileWords.filter((id) => id !== 'slowest').join(',')),
  ];
  for (const id of profileEndpoints) {
    if (id !== 'slowest' && !only.includes(id)) {
      throw new UsageError(`--profile: ${id} is not among the measured endpoints`);
    }
  }
  const quick = values.quick === true;
  if (quick && values.record) throw new UsageError('--record needs a full run, not --quick');
  const baselineRenderer = values['baseline-renderer'] ?? 'template';
  if (!(BASELINE_RENDERERS as readonly string[]).includes(baselineRenderer)) {
    throw new UsageError(
      `--baseline-renderer must be ${BASELINE_RENDERERS.join(' or ')} (got "${baselineRenderer}")`,
    );
  }
  // The recorded ratios are against the template baseline: another yardstick must not move them.
  if (baselineRenderer !== 'template' && (quick || values.record)) {
    throw new UsageError('--baseline-renderer tsx cannot be recorded or checked with --quick');
  }
  // Bounded runs: a typo must not turn into an hour of load on a shared machine.
  return {
    duration: positive('duration', values.duration, quick ? 3 : 10, 300),
    warmup: positive('warmup', values.warmup, quick ? 1 : 3, 60),
    connections: positive('connections', values.connections, 50, 1000),
    workers: positive('workers', values.workers, 2, 64),
    rounds: positive('rounds', values.rounds, 1, 10),
    only,
    profile: !values['no-profile'] && !quick,
    profileEndpoints,
    profileDuration: positive('profile-duration', values['profile-duration'], 5, 120),
    profileBaseline: values['profile-baseline'] === true,
    quick,
    record: values.record === true,
    baselineRenderer: baselineRenderer as BaselineRenderer,
  };
}
