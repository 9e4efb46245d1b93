/**
 * Settings and the process logger, for a process about to run: what every command and the `keen serve`
 * supervisor need first. It loads nothing else (no database, no apps), so the supervisor stays small.
 */
import type { Logger } from 'pino';
import { createLogger } from '../log.js';
import { loadSettings, readEnvironment, type Settings } from '../settings.js';

/** Loads settings and a logger; `overrides` let `keen dev` turn DEBUG on. */
export function loadRuntimeSettings(overrides: Record<string, string> = {}): {
  settings: Readonly<Settings>;
  logger: Logger;
} {
  const settings = loadSettings({ ...readEnvironment(), ...overrides });
  return { settings, logger: createLogger(settings) };
}
