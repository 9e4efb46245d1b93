/**
 * `npm run bench`: Keen's production server against a no-framework baseline on the same endpoints,
 * the same database and the same load generator, one server at a time. See docs/performance.md.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench -- \
 *     [--duration 10] [--warmup 3] [--connections 50] [--workers 2] [--rounds 1]
 *     [--only healthz,login,items,post,static]
 *     [--profile-duration 5] [--profile slowest,items] [--no-profile]
 *
 * It builds both servers (the runner is the only thing tsx runs), creates its own database on that
 * server (keen_bench_<random>), migrates it with `keen migrate`, seeds it, and drops it at the end.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { nodeBundleOptions } from '../scripts/esbuild-options.mjs';
import { collectStatic } from '../src/contrib/staticfiles/collect.js';
import { staticSources } from '../src/contrib/staticfiles/finder.js';
import { installedApps } from '../src/installed-apps.js';
import { projectRoot } from '../src/project-root.js';
import { BASELINE_PDF_NAME, STATIC_CSS_NAME } from './bench-constants.js';
import {
  type BenchDatabase,
  createBenchDatabase,
  createUser,
  dropBenchDatabase,
  postgresVersion,
  resetData,
  seed,
  seedBlogPost,
  seedResume,
  settledTransactionCount,
  writeBaselinePdf,
} from './bench-db.js';
import { summariseProfile } from './cpu-profile.js';
import { type Flags, parseFlags, USAGE } from './flags.js';
import { checkRatios, readRecorded, recordRatios } from './guard.js';
import {
  type Credentials,
  checkEndpoint,
  ENDPOINTS,
  type Endpoint,
  type EndpointId,
  type LoadStats,
  logIn,
  runLoad,
} from './load.js';
import { compare, healthzShareLines, memoryLine, profileReport, resultsTable } from './report.js';
import {
  clusterMemory,
  cpuTimeMs,
  freePort,
  type ProcessMemory,
  type RunningServer,
  startServer,
} from './server-process.js';

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The production CLI (for `keen migrate`) and the two servers under test, bundled like scripts/build.mjs. */
async function buildAll(root: string): Promise<void> {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  // Not emptied first: esbuild overwrites its outputs, and the kept CPU profiles live here too.
  const outdir = join(root, 'bench', '.build');
  await build({
    entryPoints: [join(root, 'bench', 'keen-bench-server.ts'), join(root, 'bench', 'baseline-server.ts')],
    outdir,
    ...nodeBundleOptions,
    sourcemap: true,
    splitting: true, // as scripts/build.mjs: the supervisor does not load the workers' code
  });
}

/** A command of the production CLI, run exactly as an operator runs it. */
function keenCommand(root: string, env: Record<string, string>, ...args: string[]): void {
  execFileSync(process.execPath, [join(root, 'bin', 'keen.js'), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** About 20 KB of ordinary-looking CSS: the size of a small site's stylesheet. */
function writeStylesheet(sourceDir: string): void {
  const rules: string[] = [];
  for (let i = 0; rules.join('\n').length < 20_480; i++) {
    rules.push(
      `.Block-${i} { margin: ${i % 8}px auto; padding: ${i % 5}rem ${i % 3}rem; color: #${(i * 2654435761).toString(16).slice(-6).padStart(6, '0')}; }\n` +
        `.Block-${i}:hover, .Block-${i}:focus-visible { outline: 2px solid currentColor; outline-offset: ${i % 4}px; }`,
    );
  }
  mkdirSync(join(sourceDir, 'css'), { recursive: true });
  writeFileSync(join(sourceDir, 'css', 'bench.css'), `${rules.join('\n')}\n`);
}

/**
 * `keen collectstatic` with the stylesheet as one more source, so it is hashed and compressed like a
 * real site's: returns the URL pages would link (the hashed name).
 */
async function collectWithStylesheet(staticRoot: string, sourceDir: string): Promise<string> {
  writeStylesheet(sourceDir);
  const { paths } = await collectStatic({
    staticRoot,
    staticUrl: '/static/',
    sources: [...staticSources(installedApps), { label: 'bench', dir: sourceDir }],
  });
  return `/static/${paths.get(STATIC_CSS_NAME) as string}`;
}

interface ServerPlan {
  name: 'keen' | 'baseline';
  script: string;
  /** Added to the shared environment for this server only. */
  env?: Record<string, string>;
}

async function measureServer(
  plan: ServerPlan,
  options: {
    root: string;
    env: Record<string, string>;
    databaseUrl: string;
    flags: Flags;
    endpoints: readonly Endpoint[];
    username: string;
    password: string;
    track: (server: RunningServer | null) => void;
  },
): Promise<{
  stats: Map<EndpointId, LoadStats>;
  memory: ProcessMemory[];
  pageBytes: Map<EndpointId, number>;
  /** Spawn to the first 200 with every worker ready. */
  startupMs: number;
  /** Keen only: kill -9 of a worker after the runs to its replacement's ready (null for the baseline). */
  replacementMs: number | null;
}> {
  const { flags } = options;
  const port = await freePort();
  progress(`starting ${plan.name} with ${flags.workers} worker(s) on 127.0.0.1:${port}`);
  const server = await startServer({
    name: plan.name,
    script: plan.script,
    cwd: options.root,
    env: { ...options.env, ...plan.env, BIND: `127.0.0.1:${port}`, WEB_CONCURRENCY: String(flags.workers) },
    port,
    workers: flags.workers,
  });
  options.track(server);
  try {
    const credentials = await logIn(server.origin, options.username, options.password);
    const stats = new Map<EndpointId, LoadStats>();
    const pageBytes = new Map<EndpointId, number>();
    for (const endpoint of options.endpoints) {
      pageBytes.set(endpoint.id, (await checkEndpoint(server.origin, endpoint, credentials)).bytes);
      // Counted from before the warm-up: reading the count closes the servers' connections (see there).
      const transactionsBefore = await settledTransactionCount(options.databaseUrl);
      const warmup = await runLoad(server.origin, endpoint, credentials, {
        connections: flags.connections,
        duration: flags.warmup,
      });
      await pause(500);
      const cpuBefore = cpuTimeMs(server.workerPids);
      const problemsBefore = server.problemLines();
      const result = await runLoad(server.origin, endpoint, credentials, {
        connections: flags.connections,
        duration: flags.duration,
      });
      const cpuMs = cpuTimeMs(server.workerPids) - cpuBefore;
      result.workerCpuMsPerRequest = Math.round((cpuMs / Math.max(1, result.requests)) * 1000) / 1000;
      result.serverProblemLines = server.problemLines() - problemsBefore;
      result.lastServerProblem = result.serverProblemLines > 0 ? server.lastProblem() : null;
      const transactions = (await settledTransactionCount(options.databaseUrl)) - transactionsBefore;
      result.dbRoundTripsPerRequest =
        Math.round((transactions / Math.max(1, warmup.requests + result.requests)) * 100) / 100;
      await pause(500);
      stats.set(endpoint.id, result);
      progress(
        `${plan.name} ${endpoint.id}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.latencyMs.p50} ms, ` +
          `p99 ${result.latencyMs.p99} ms, errors ${result.socketErrors + result.unexpectedStatus}, ` +
          `worker CPU ${result.workerCpuMsPerRequest} ms/request, ` +
          `${result.dbRoundTripsPerRequest} database round trips/request` +
          (result.serverProblemLines ? `, ${result.serverProblemLines} warning/error log lines` : ''),
      );
    }
    const memory = clusterMemory(server.child.pid as number);
    const replacementMs = plan.name === 'keen' ? await server.replaceWorker() : null;
    return { stats, memory, pageBytes, startupMs: server.startupMs, replacementMs };
  } finally {
    await server.stop();
    options.track(null);
  }
}

/** Runs one server (`plan`) with a single worker under `node --cpu-prof` and summarises its profile. */
async function profileServer(
  plan: ServerPlan,
  options: {
    root: string;
    env: Record<string, string>;
    flags: Flags;
    endpoint: Endpoint;
    username: string;
    password: string;
    profileDir: string;
    track: (server: RunningServer | null) => void;
  },
) {
  const { flags, endpoint } = options;
  const port = await freePort();
  progress(
    `profiling ${plan.name} (1 worker, --cpu-prof) under ${endpoint.id} for ${flags.profileDuration} s`,
  );
  const server = await startServer({
    name: `${plan.name} (profiled)`,
    script: plan.script,
    cwd: options.root,
    env: { ...options.env, ...plan.env, BIND: `127.0.0.1:${port}`, WEB_CONCURRENCY: '1' },
    port,
    workers: 1,
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`],
  });
  options.track(server);
  let window: { fromUs: number; toUs: number };
  let stats: LoadStats;
  try {
    const credentials: Credentials = await logIn(server.origin, options.username, options.password);
    await checkEndpoint(server.origin, endpoint, credentials);
    await runLoad(server.origin, endpoint, credentials, {
      connections: flags.connections,
      duration: flags.warmup,
    });
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    stats = await runLoad(server.origin, endpoint, credentials, {
      connections: flags.connections,
      duration: flags.profileDuration,
    });
    window = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n) };
  } finally {
    // The profile is written when the worker exits (both servers' workers exit on SIGTERM).
    await server.stop();
    options.track(null);
  }
  const workerPid = server.workerPids[0];
  const file = readdirSync(options.profileDir).find((name) => name.includes(`.${workerPid}.`));
  if (!file) throw new Error(`no CPU profile for worker ${workerPid} in ${options.profileDir}`);
  // Kept (in the git-ignored build folder) for a closer look in Chrome DevTools' Performance panel.
  const kept = join(options.root, 'bench', '.build', `${plan.name}-${endpoint.id}.cpuprofile`);
  copyFileSync(join(options.profileDir, file), kept);
  progress(`CPU profile kept in ${relative(options.root, kept)}`);
  return { stats, summary: summariseProfile(kept, options.root, window) };
}

function dependencyVersions(root: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const pick = ['fastify', 'drizzle-orm', 'pg', 'preact', 'preact-render-to-string', 'pino'];
  const versions: Record<string, string> = { keen: pkg.version };
  for (const name of pick) versions[name] = pkg.dependencies[name] ?? '?';
  versions.autocannon = pkg.devDependencies.autocannon ?? '?';
  return versions;
}

async function main(): Promise<number> {
  let flags: Flags | 'help';
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (flags === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const adminUrl = process.env.DATABASE_URL?.trim();
  if (!adminUrl) {
    process.stderr.write(
      'bench: DATABASE_URL is required (a PostgreSQL server the bench may create a database on), e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench\n',
    );
    return 2;
  }
  const selected = flags.only;
  let endpoints = ENDPOINTS.filter((endpoint) => selected.includes(endpoint.id));
  const root = projectRoot();

  const busy = loadavg()[0] ?? 0;
  if (busy > cpus().length / 2) {
    progress(
      `warning: the 1-min load average is ${busy.toFixed(1)} on ${cpus().length} CPUs; other processes will ` +
        'slow the runs unevenly (use --rounds 3, or run on a quiet machine)',
    );
  }
  progress('building (npm run build, then bench/.build)');
  await buildAll(root);

  const tmp = mkdtempSync(join(tmpdir(), 'keen-bench-'));
  let database: BenchDatabase | undefined;
  let running: RunningServer | null = null;
  const track = (server: RunningServer | null) => {
    running = server;
  };
  // Ctrl-C mid-run: stop the server under test and drop the database before leaving.
  const interrupt = () => {
    progress('interrupted; cleaning up');
    void (async () => {
      await (running as RunningServer | null)?.stop(5000);
      if (database) await dropBenchDatabase(adminUrl, database.name).catch(() => {});
      rmSync(tmp, { recursive: true, force: true });
      process.exit(130);
    })();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  try {
    database = await createBenchDatabase(adminUrl);
    progress(`created database ${database.name}`);
    const secretKey = randomBytes(45).toString('base64url'); // 60 characters
    const staticRoot = join(tmp, 'static');
    // A minimal environment, so nothing from the caller's shell changes what is measured.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      SECRET_KEY: secretKey,
      KEEN_DATA_DIR: join(tmp, 'data'),
      STATIC_ROOT: staticRoot,
      // The résumé PDF Keen builds, and the baseline's copy (BASELINE_PDF_NAME).
      MEDIA_ROOT: join(tmp, 'media'),
      // Per-request logging to a pipe would measure the pipe; warnings and errors still show.
      LOG_LEVEL: 'warn',
    };
    // A production deploy's steps: migrate, collect the static files (DEBUG off serves STATIC_ROOT only).
    keenCommand(root, env, 'migrate');
    // The 20 KB stylesheet is collected with the apps' files (hashed, with .br/.gz); both servers send
    // it from STATIC_ROOT, to a browser's Accept-Encoding.
    const stylesheetUrl = await collectWithStylesheet(staticRoot, join(tmp, 'bench-static'));
    endpoints = endpoints.map((endpoint) =>
      endpoint.id === 'static' ? { ...endpoint, path: stylesheetUrl } : endpoint,
    );
    await seed(database.url);
    await seedResume(database.url);
    await seedBlogPost(database.url);
    await writeBaselinePdf(database.url, join(tmp, 'media', BASELINE_PDF_NAME));
    const username = 'bench';
    const password = randomBytes(18).toString('base64url');
    await createUser(database.url, username, password);
    const pgVersion = await postgresVersion(database.url);

    const plans: ServerPlan[] = [
      { name: 'keen', script: join(root, 'bench', '.build', 'keen-bench-server.js') },
      {
        name: 'baseline',
        script: join(root, 'bench', '.build', 'baseline-server.js'),
        env: { BASELINE_RENDERER: flags.baselineRenderer },
      },
    ];
    type Measured = Awaited<ReturnType<typeof measureServer>>;
    const rounds: { keen?: Measured; baseline?: Measured; loadAverage: number[] }[] = [];
    for (let round = 0; round < flags.rounds; round++) {
      // Alternating the order (ABBA…) keeps slow drift on a shared machine from favouring one side.
      const order = round % 2 === 0 ? plans : [...plans].reverse();
      const record: (typeof rounds)[number] = { loadAverage: [] };
      for (const plan of order) {
        await resetData(database.url);
        record.loadAverage.push(loadavg()[0] ?? 0);
        progress(
          `round ${round + 1}/${flags.rounds}, 1-min load average ${record.loadAverage.at(-1)?.toFixed(2)}`,
        );
        record[plan.name] = await measureServer(plan, {
          root,
          env,
          databaseUrl: database.url,
          flags,
          endpoints,
          username,
          password,
          track,
        });
      }
      rounds.push(record);
    }
    const runsOf = (name: ServerPlan['name']) => rounds.map((r) => r[name] as Measured);
    // Noise from other processes only ever slows a run down, so each side's best run is its figure.
    const best = (name: ServerPlan['name'], id: EndpointId) =>
      runsOf(name)
        .map((run) => run.stats.get(id) as LoadStats)
        .reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
    const keen = runsOf('keen').at(-1) as Measured;
    const baseline = runsOf('baseline').at(-1) as Measured;
    const results = endpoints.map((endpoint) =>
      compare(endpoint, best('keen', endpoint.id), best('baseline', endpoint.id)),
    );
    const allRuns = Object.fromEntries(
      endpoints.map((endpoint) => [
        endpoint.id,
        {
          keen: runsOf('keen').map((run) => Math.round(run.stats.get(endpoint.id)?.requestsPerSecond ?? 0)),
          baseline: runsOf('baseline').map((run) =>
            Math.round(run.stats.get(endpoint.id)?.requestsPerSecond ?? 0),
          ),
        },
      ]),
    );

    const profiles: {
      server: ServerPlan['name'];
      endpoint: EndpointId;
      report: string;
      summary: unknown;
      stats: LoadStats;
    }[] = [];
    if (flags.profile && results.length > 0) {
      const slowest = results.reduce((worst, r) => (r.ratio < worst.ratio ? r : worst));
      const ids = new Set(flags.profileEndpoints.map((id) => (id === 'slowest' ? slowest.id : id)));
      const profiled = flags.profileBaseline ? plans : plans.filter((plan) => plan.name === 'keen');
      for (const id of ids) {
        const endpoint = endpoints.find((e) => e.id === id) as Endpoint;
        for (const plan of profiled) {
          await resetData(database.url);
          const profileDir = join(tmp, `profile-${plan.name}-${id}`);
          mkdirSync(profileDir);
          const { stats, summary } = await profileServer(plan, {
            root,
            env,
            flags,
            endpoint,
            username,
            password,
            profileDir,
            track,
          });
          const label = plan.name === 'keen' ? 'Keen' : 'baseline';
          profiles.push({
            server: plan.name,
            endpoint: id,
            report: profileReport(label, endpoint, summary, stats.requests),
            summary,
            stats,
          });
        }
      }
    }

    const cpu = cpus();
    const machine = {
      cpuModel: cpu[0]?.model ?? 'unknown',
      cpus: cpu.length,
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      kernel: release(),
    };
    const date = new Date().toISOString();
    const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    const out = [
      '',
      `Keen vs baseline — ${date}`,
      `node ${process.version}, PostgreSQL ${pgVersion}, ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB`,
      `${flags.workers} worker(s) each, ${flags.connections} connections, ${flags.warmup} s warm-up + ${flags.duration} s per endpoint, ` +
        `${flags.rounds} round(s) (best run per side)` +
        (flags.baselineRenderer === 'tsx'
          ? '; the baseline renders its pages with Preact (--baseline-renderer tsx)'
          : ''),
      '',
      resultsTable(results),
      ...healthzShareLines(results),
      '',
      memoryLine('keen', keen.memory),
      memoryLine('baseline', baseline.memory),
      `Cold start, spawn to the first 200 with ${flags.workers} worker(s) ready (keen / baseline): ` +
        `${runsOf('keen')
          .map((run) => run.startupMs)
          .join(', ')} / ${runsOf('baseline')
          .map((run) => run.startupMs)
          .join(', ')} ms`,
      `Worker replacement, kill -9 to the new worker ready (keen; target < 1,000 ms): ${runsOf('keen')
        .map((run) => run.replacementMs)
        .join(', ')} ms`,
      '',
      `Database round trips per request (keen / baseline): ${results
        .map((r) => `${r.id} ${r.keen.dbRoundTripsPerRequest} / ${r.baseline.dbRoundTripsPerRequest}`)
        .join(', ')}`,
      ...results
        .filter((r) => r.maxRoundTrips !== null)
        .map(
          (r) =>
            `Round trips target, ${r.id}: keen ≤ ${r.maxRoundTrips} per request: ${r.roundTripsMet ? 'met' : '**missed**'} (${r.keen.dbRoundTripsPerRequest})`,
        ),
      ...results
        .filter((r) => r.maxP50Ms !== null)
        .map(
          (r) =>
            `Latency target, ${r.id}: keen p50 < ${r.maxP50Ms} ms: ${r.p50Met ? 'met' : '**missed**'} (${r.keen.latencyMs.p50} ms)`,
        ),
      `req/s of every round (keen / baseline): ${endpoints
        .map((e) => `${e.id} ${allRuns[e.id]?.keen.join(', ')} / ${allRuns[e.id]?.baseline.join(', ')}`)
        .join('; ')}`,
      `1-min load average before each server run: ${rounds.map((r) => r.loadAverage.map((l) => l.toFixed(2)).join(', ')).join('; ')}`,
      `Page sizes (bytes, keen / baseline): ${endpoints
        .map((e) => `${e.id} ${keen.pageBytes.get(e.id)} / ${baseline.pageBytes.get(e.id)}`)
        .join(', ')}`,
    ];
    for (const r of results) {
      for (const [side, stats] of [
        ['keen', r.keen],
        ['baseline', r.baseline],
      ] as const) {
        if (stats.serverProblemLines) {
          out.push(
            `${side} logged ${stats.serverProblemLines} warning/error lines during ${r.id}; the last: ${stats.lastServerProblem}`,
          );
        }
      }
    }
    for (const profile of profiles) out.push('', profile.report);
    process.stdout.write(`${out.join('\n')}\n`);

    const resultsDir = join(root, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const json = {
      date,
      command,
      versions: { node: process.version, postgres: pgVersion, ...dependencyVersions(root) },
      machine,
      settings: flags,
      results,
      rounds: allRuns,
      loadAverage: rounds.map((r) => r.loadAverage),
      memory: { keen: keen.memory, baseline: baseline.memory },
      startupMs: {
        keen: runsOf('keen').map((run) => run.startupMs),
        baseline: runsOf('baseline').map((run) => run.startupMs),
      },
      replacementMs: runsOf('keen').map((run) => run.replacementMs),
      pageBytes: {
        keen: Object.fromEntries(keen.pageBytes),
        baseline: Object.fromEntries(baseline.pageBytes),
      },
      profiles: profiles.map((p) => ({
        server: p.server,
        endpoint: p.endpoint,
        load: p.stats,
        summary: p.summary,
      })),
    };
    const ratiosPath = join(resultsDir, 'ratios.json');
    if (flags.quick) {
      // A quick run is a check, not a record: latest.json keeps the last full run.
      const { lines, failed } = checkRatios(readRecorded(ratiosPath), results);
      process.stdout.write(`\n${lines.join('\n')}\n`);
      return failed ? 1 : 0;
    }
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
    progress('wrote bench/results/latest.json');
    if (flags.record) {
      recordRatios(ratiosPath, results, command);
      progress('wrote bench/results/ratios.json');
    }
    return 0;
  } finally {
    await (running as RunningServer | null)?.stop(5000);
    if (database) {
      await dropBenchDatabase(adminUrl, database.name);
      progress(`dropped database ${database.name}`);
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
