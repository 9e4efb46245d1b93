/**
 * System checks (Django's check framework): small functions that look at the settings and report a
 * problem with a stable ID, so an operator can look the ID up, and CI can fail on it, without parsing
 * prose. `keen check` runs them; `--deploy` adds the ones that only matter in production.
 */
import type { Settings } from '../settings.js';

/** How serious a finding is; `keen check --fail-level` picks the lowest level that fails. */
export type CheckLevel = 'error' | 'warning' | 'info';

/** One check: looks at the settings and describes the problem, or returns null when there is none. */
export interface SystemCheck {
  /** Stable ID, never reused for another meaning: `security.W004`, `keen.W001`. */
  id: string;
  level: CheckLevel;
  /** True for checks that only matter in production (run by `keen check --deploy`). */
  deployOnly: boolean;
  /** The problem in one sentence, or null when the settings are fine. */
  run(settings: Readonly<Settings>): string | null;
  /** What to change to fix it (a variable and a value, usually). */
  hint: string;
}

/** A problem a check found. */
export interface CheckMessage {
  id: string;
  level: CheckLevel;
  message: string;
  hint: string;
}

/** Levels from most to least serious; the order messages are printed in. */
export const CHECK_LEVELS: readonly CheckLevel[] = ['error', 'warning', 'info'];

const RANK: Record<CheckLevel, number> = { error: 2, warning: 1, info: 0 };

/** True for the strings `--fail-level` accepts. */
export function isCheckLevel(value: string): value is CheckLevel {
  return (CHECK_LEVELS as readonly string[]).includes(value);
}

/** True when `level` is as serious as `threshold` or more. */
export function isAtLeast(level: CheckLevel, threshold: CheckLevel): boolean {
  return RANK[level] >= RANK[threshold];
}

/**
 * Runs `checks` on `settings` and returns what they found, most serious first (stable within a level,
 * so output is the same from run to run). Deploy-only checks run only when `deploy` is set.
 */
export function runChecks(
  checks: readonly SystemCheck[],
  settings: Readonly<Settings>,
  options: { deploy: boolean },
): CheckMessage[] {
  const found: CheckMessage[] = [];
  for (const check of checks) {
    if (check.deployOnly && !options.deploy) continue;
    const message = check.run(settings);
    if (message !== null) found.push({ id: check.id, level: check.level, message, hint: check.hint });
  }
  return found.sort((a, b) => RANK[b.level] - RANK[a.level]);
}

/** `ID: message` then a tab-indented `HINT:` line, as Django prints them. */
export function formatCheckMessage(message: CheckMessage): string {
  return `${message.id}: ${message.message}\n\tHINT: ${message.hint}`;
}
