/**
 * One process serving until SIGTERM/SIGINT (used by `keen dev`; `keen serve` runs workers under the
 * supervisor instead). A second signal exits at once.
 */
import { randomBytes } from 'node:crypto';
import { setupMessage } from './messages.js';
import { startServer } from './start.js';

export async function serveUntilSignal(options: {
  command: 'serve' | 'dev';
  overrides?: Record<string, string>;
}) {
  const setupToken = randomBytes(24).toString('base64url');
  const server = await startServer({ ...options, setupToken });
  server.logger.info(
    { url: server.url, database: server.database.kind, debug: server.settings.debug },
    'keen is serving (one process)',
  );
  if (server.needsSetup) process.stdout.write(setupMessage(server.url, setupToken));
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) process.exit(1);
      server.logger.info({ signal }, 'stopping: finishing in-flight requests');
      server.stop().then(resolve, (error) => {
        server.logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return 0;
}
