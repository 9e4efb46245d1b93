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

export function createLogger(
  settings: Pick<Settings, 'logLevel' | 'logPretty'>,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: settings.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  if (destination) return pino(options, destination);
  if (settings.logPretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}
