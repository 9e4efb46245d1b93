/**
 * `keen check [--deploy]`: Django's system check. Loads the settings (a bad one stops here with one
 * line), runs the checks and prints each finding with its ID and a hint. Needs no database, so it runs
 * in CI and before a deploy.
 */
import { coreChecks } from '../../checks/core-checks.js';
import {
  CHECK_LEVELS,
  type CheckLevel,
  formatCheckMessage,
  isAtLeast,
  isCheckLevel,
  runChecks,
} from '../../checks/registry.js';
import { securityChecks } from '../../checks/security-checks.js';
import { CommandError } from '../../errors.js';
import { loadSettings, readEnvironment } from '../../settings.js';
import { type Command, parseArgs } from '../command.js';

const KNOWN_FLAGS = new Set(['deploy']);
const HEADINGS: Record<CheckLevel, string> = { error: 'ERRORS', warning: 'WARNINGS', info: 'INFOS' };

/** `keen check`: exit 1 when a finding is at or above `--fail-level` (default error). */
export const checkCommand: Command = {
  usage: 'keen check [--deploy] [--fail-level error|warning|info]',
  async run(args) {
    const { flags, values, positional } = parseArgs(args, ['fail-level']);
    const unknown = [...flags].filter((flag) => !KNOWN_FLAGS.has(flag));
    if (unknown.length || positional.length) {
      throw new CommandError(`unexpected argument ${unknown.length ? `--${unknown[0]}` : positional[0]}`);
    }
    const failLevelText = values.get('fail-level') ?? 'error';
    if (!isCheckLevel(failLevelText)) {
      throw new CommandError(`--fail-level must be error, warning or info (got "${failLevelText}")`);
    }
    const failLevel: CheckLevel = failLevelText;

    const settings = loadSettings(readEnvironment());
    const found = runChecks([...coreChecks, ...securityChecks], settings, { deploy: flags.has('deploy') });
    // Grouped under a heading per level, as Django does: the ID alone doesn't say whether it fails.
    for (const level of CHECK_LEVELS) {
      const group = found.filter((message) => message.level === level);
      if (!group.length) continue;
      process.stdout.write(`${HEADINGS[level]}:\n`);
      for (const message of group) process.stdout.write(`${formatCheckMessage(message)}\n`);
      process.stdout.write('\n');
    }
    process.stdout.write(`System check identified ${found.length} issue(s).\n`);
    return found.some((message) => isAtLeast(message.level, failLevel)) ? 1 : 0;
  },
};
