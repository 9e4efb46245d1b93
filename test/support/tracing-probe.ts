/**
 * Run by test/reliability/tracing.test.ts with `node_modules/.bin/tsx`; not a test file itself. Starts
 * the web app the way `keen dev` does (settings from the environment, embedded database in
 * KEEN_DATA_DIR), answers one request, stops, and prints on stdout the modules it loaded (a resolve hook
 * registered before anything of Keen's is imported sees each one), so the test can tell whether any
 * OpenTelemetry code was loaded.
 */
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const hooks = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`;

const { port1, port2 } = new MessageChannel();
const loaded = new Set<string>();
port1.on('message', (url: string) => loaded.add(url));
register(`data:text/javascript,${encodeURIComponent(hooks)}`, {
  parentURL: import.meta.url,
  data: { port: port2 },
  transferList: [port2],
});

const { startServer } = await import('../../src/server/start.js');
const server = await startServer({ command: 'dev', setupToken: 'probe-setup-token-0123456789' });
const response = await fetch(`${server.url}/healthz`);
await response.arrayBuffer();
await server.stop();
// The hook thread's last messages.
await new Promise((resolve) => setTimeout(resolve, 200));
port1.close();
process.stdout.write(
  `${JSON.stringify({ status: response.status, requestId: response.headers.get('x-request-id'), loaded: [...loaded] })}\n`,
);
