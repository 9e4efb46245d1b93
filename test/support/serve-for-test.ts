/**
 * A second, separate Keen process for cross-process tests: builds the real app on the PostgreSQL
 * database named by KEEN_SERVE_DATABASE_URL, listens on 127.0.0.1 on a free port, and prints one JSON line
 * `{"port":N}` on stdout once it accepts connections. Logs (warn and above) go to stderr. Stops on SIGTERM.
 *
 * Run by ./server-process.ts with `node_modules/.bin/tsx`; not a test file itself.
 */
import { openDatabase } from '../../src/db/client.js';
import { createLogger } from '../../src/log.js';
import { buildApp } from '../../src/web/app.js';
import { testSettings } from './app.js';

const url = process.env.KEEN_SERVE_DATABASE_URL;
if (!url) {
  process.stderr.write('serve-for-test: KEEN_SERVE_DATABASE_URL is not set\n');
  process.exit(2);
}

const settings = testSettings({ DATABASE_URL: url, LOG_LEVEL: 'warn', DB_POOL_SIZE: '2' });
const logger = createLogger(settings, process.stderr);
const database = await openDatabase(settings.database, { command: 'serve-for-test', logger });
// Static files from the sources, like createTestApp: these tests need no collectstatic.
const app = await buildApp({ settings, database, logger, staticMode: 'sources' });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port })}\n`);

process.once('SIGTERM', () => {
  app
    .close()
    .then(() => database.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
