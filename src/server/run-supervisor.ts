/** `keen serve` in the primary process: validates settings, starts the supervisor, maps signals. */
import { checkCollectedStatic } from '../contrib/staticfiles/static-urls.js';
import { loadRuntimeSettings } from '../settings/runtime.js';
import { startMetricsEndpoint } from './metrics-endpoint.js';
import { Supervisor } from './supervisor.js';

export async function runSupervisor(overrides: Record<string, string>): Promise<number> {
  // Settings are validated here, before any worker starts: a bad value stops with one line.
  const { settings, logger } = loadRuntimeSettings(overrides);
  // Uncollected static files stop the start here, with one line, before any worker is forked. The
  // supervisor does not load the apps, so this checks the manifest is there; each worker checks that it
  // covers every asset its apps declare as it builds the app (KEEN_E_STATIC, a boot failure).
  checkCollectedStatic(settings);
  const supervisor = new Supervisor({ settings, logger });
  let stopSignals = 0;
  const stop = (signal: NodeJS.Signals) => {
    stopSignals += 1;
    logger.info({ signal }, stopSignals > 1 ? 'second stop signal' : 'stop signal received');
    if (stopSignals > 1) supervisor.kill();
    else supervisor.stop();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => void supervisor.reload());
  process.on('SIGTTIN', () => void supervisor.scale(1));
  process.on('SIGTTOU', () => void supervisor.scale(-1));
  supervisor.start();
  const metrics = settings.metrics
    ? await startMetricsEndpoint(settings.metrics, () => supervisor.readyWorkers, logger)
    : null;
  void supervisor.done.then(() => metrics?.close());
  const ready = await Promise.race([
    supervisor.firstReady.then(() => true),
    supervisor.done.then(() => false),
  ]);
  if (!ready) return supervisor.done;
  logger.info(
    {
      bind: `${settings.bindHost}:${settings.port}`,
      workers: supervisor.liveWorkers,
      database: settings.database.kind,
    },
    'keen is serving',
  );
  return supervisor.done;
}
