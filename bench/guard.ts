/**
 * The regression guard: `npm run bench -- --quick` compares each endpoint's keen/baseline ratio with the
 * one recorded in bench/results/ratios.json (written by a full run with `--record`) and fails when one
 * fell more than 15 points. Timings are noisy, so this is a check to run before submitting a
 * performance-sensitive change, not part of `npm test`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { EndpointId } from './load.js';
import type { EndpointResult } from './report.js';

/** How far (as a share of the baseline) a ratio may fall under the recorded one. */
export const ALLOWED_DROP = 0.15;

export interface RecordedRatios {
  date: string;
  command: string;
  ratios: Partial<Record<EndpointId, number>>;
}

export function recordRatios(path: string, results: readonly EndpointResult[], command: string): void {
  const previous = readRecorded(path)?.ratios ?? {};
  const ratios = { ...previous };
  for (const result of results) ratios[result.id] = Math.round(result.ratio * 1000) / 1000;
  const recorded: RecordedRatios = { date: new Date().toISOString(), command, ratios };
  writeFileSync(path, `${JSON.stringify(recorded, null, 2)}\n`);
}

export function readRecorded(path: string): RecordedRatios | null {
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as RecordedRatios;
}

/** One line per endpoint, and whether any ratio fell by more than {@link ALLOWED_DROP}. */
export function checkRatios(
  recorded: RecordedRatios | null,
  results: readonly EndpointResult[],
): { lines: string[]; failed: boolean } {
  if (!recorded)
    return { lines: ['no recorded ratios: run a full `npm run bench -- --record` first'], failed: true };
  let failed = false;
  const lines = results.map((result) => {
    const before = recorded.ratios[result.id];
    const now = `${Math.round(result.ratio * 100)}%`;
    if (before === undefined) return `${result.id}: ${now} (nothing recorded)`;
    const fell = result.ratio < before - ALLOWED_DROP;
    failed ||= fell;
    return `${result.id}: ${now}, recorded ${Math.round(before * 100)}%${fell ? ' — **fell more than 15 points**' : ''}`;
  });
  return { lines: [`against bench/results/ratios.json (${recorded.date}):`, ...lines], failed };
}
