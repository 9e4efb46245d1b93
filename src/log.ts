/**
 * The process logger: pino, JSON lines on stdout; pretty-printed only in development.
 * Secrets are redacted by key wherever they appear, so a careless `log.info({ headers })` still
 * leaks nothing.
 */
import pino, { type Logger } from 'pino';
import type { Settings } from './settings.js';

/** Keys whose values never reach a log. */
export const REDACTED_PATHS = [
  'password',
  'password1',
  'password2',
  'old_password',
  'new_password',
  'token',
  'secret',
  'secretKey',
  'sessionKey',
  'cookie',
  '*.password',
  '*.password1',
  '*.password2',
  '*.old_password',
  '*.new_password',
  '*.token',
  '*._csrf',
  '*.secret',
  '*.sessionKey',
  '*.cookie',
  '*.authorization',
  '*["set-cookie"]',
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/**
 * Drizzle's query errors carry the bound values (session keys, CSRF secrets, password hashes) in their
 * message, stack and `params`; logged as they are, anyone reading the logs could take over a session.
 * The SQL text stays (it is ours, and it is what helps debugging); the values are replaced.
 */
export function serializeError(error: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(error as Error);
  if (!serialized || typeof serialized !== 'object') return serialized;
  const leaks: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++, current = current.cause) {
    const params = (current as { params?: unknown }).params;
    if (Array.isArray(params) && params.length > 0) leaks.push(`\nparams: ${String(params)}`);
  }
  if (leaks.length === 0) return serialized;
  const fields = serialized as Record<string, unknown>;
  if ('params' in fields) fields.params = '[redacted]';
  for (const name of ['message', 'stack']) {
    const text = fields[name];
    if (typeof text !== 'string') continue;
    fields[name] = leaks.reduce((scrubbed, leak) => scrubbed.split(leak).join('\nparams: [redacted]'), text);
  }
  return serialized;
}

export function createLogger(
  settings: Pick<Settings, 'logLevel' | 'logPretty'>,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: settings.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    serializers: { err: serializeError },
  };
  if (destination) return pino(options, destination);
  if (settings.logPretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}
