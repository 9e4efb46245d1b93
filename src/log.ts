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
  const values: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++, current = current.cause) {
    const params = (current as { params?: unknown }).params;
    if (Array.isArray(params) && params.length > 0) {
      leaks.push(`\nparams: ${String(params)}`);
      // The database may quote a value back (`invalid input syntax for type integer: "<value>"`).
      // Short values are left: they would blank ordinary words, and secrets are long.
      for (const value of params) if (typeof value === 'string' && value.length >= 8) values.push(value);
    }
  }
  if (leaks.length === 0) return serialized;
  const fields = serialized as Record<string, unknown>;
  if ('params' in fields) fields.params = '[redacted]';
  for (const name of ['message', 'stack']) {
    const text = fields[name];
    if (typeof text !== 'string') continue;
    const withoutList = leaks.reduce(
      (scrubbed, leak) => scrubbed.split(leak).join('\nparams: [redacted]'),
      text,
    );
    fields[name] = values.reduce((scrubbed, value) => scrubbed.split(value).join('[redacted]'), withoutList);
  }
  return serialized;
}

/** Longest string a log field keeps: a value from a request (a username, a path) can be any size. */
export const LOG_FIELD_MAX = 1000;
/** Stacks are longer than fields but still bounded. */
const LOG_STACK_MAX = 8000;

/** `text` cut to `max` characters, saying how long it was. */
export function capForLog(text: string, max = LOG_FIELD_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length} chars]`;
}

/**
 * Caps every string in a logged object (three levels deep; deeper objects are summarised), so no request
 * can make a log line larger than a few kilobytes, whatever field a caller put its input in.
 */
export function capLogFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return capForLog(value);
  // Errors are left to the `err` serializer, which caps what it takes from them.
  if (!value || typeof value !== 'object' || value instanceof Error) return value;
  if (depth >= 3) return Array.isArray(value) ? `[array of ${value.length}]` : '[object]';
  if (Array.isArray(value)) {
    const items = value.slice(0, 20).map((item) => capLogFields(item, depth + 1));
    return value.length > 20 ? [...items, `…[${value.length} items]`] : items;
  }
  const out: Record<string, unknown> = {};
  // for…in, not Object.entries: pino's serialized errors keep their fields on a prototype.
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    out[key] =
      key === 'stack' && typeof field === 'string'
        ? capForLog(field, LOG_STACK_MAX)
        : capLogFields(field, depth + 1);
  }
  return out;
}

export function createLogger(
  settings: Pick<Settings, 'logLevel' | 'logPretty'>,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: settings.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    serializers: { err: (error: unknown) => capLogFields(serializeError(error)) },
    formatters: { log: (object) => capLogFields(object) as Record<string, unknown> },
    // The message itself may carry input too ("No route for GET /<a very long path>").
    hooks: {
      logMethod(args, method) {
        const last = args.length - 1;
        if (typeof args[last] === 'string') args[last] = capForLog(args[last] as string);
        method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
  if (destination) return pino(options, destination);
  if (settings.logPretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}
