/**
 * `keen collectstatic [--clear] [--dry-run] [--noinput]`: gathers the project's `static/` folder and
 * every installed app's static folder into STATIC_ROOT, with content-hashed copies, `.br`/`.gz`
 * variants and the manifest (docs/static-files.md). Needs no database. Without `--noinput` it asks
 * before touching a STATIC_ROOT that already has files; `npm start` and deploys pass `--noinput`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { type CollectSummary, collectStatic } from '../../contrib/staticfiles/collect.js';
import { staticSources } from '../../contrib/staticfiles/finder.js';
import { CommandError } from '../../errors.js';
import { installedApps } from '../../installed-apps.js';
import { loadSettings, readEnvironment } from '../../settings.js';
import { type Command, parseArgs } from '../command.js';
import { type Prompter, terminalPrompter } from '../prompt.js';

const KNOWN_FLAGS = new Set(['clear', 'dry-run', 'noinput', 'no-input']);

/** The last line: how many files, how many written, their size and what compression saves. */
export function summaryLine(summary: CollectSummary, dryRun: boolean): string {
  const written = dryRun ? `${summary.written} to write` : `${summary.written} written`;
  const removed = summary.removed ? `, ${summary.removed} ${dryRun ? 'to remove' : 'removed'}` : '';
  return (
    `${summary.files} static files (${written}, ${summary.unchanged} unchanged${removed}), ` +
    `${summary.bytes} bytes; compression saves ${summary.saved.br} bytes with br, ` +
    `${summary.saved.gzip} bytes with gzip`
  );
}

/** Asks before overwriting (or, with --clear, deleting) what STATIC_ROOT holds, as Django does. */
async function confirm(prompter: Prompter, staticRoot: string, clear: boolean): Promise<boolean> {
  const action = clear ? 'DELETE everything in' : 'overwrite files in';
  const answer = await prompter.ask(`This will ${action} ${staticRoot}. Type "yes" to continue: `);
  return answer.trim().toLowerCase() === 'yes';
}

/** `keen collectstatic`: exit 0 when collected; KEEN_E_STATIC or KEEN_E_COMMAND otherwise. */
export const collectstaticCommand: Command = {
  usage: 'keen collectstatic [--clear] [--dry-run] [--noinput]',
  async run(args) {
    const { flags, positional } = parseArgs(args);
    const unknown = [...flags].filter((flag) => !KNOWN_FLAGS.has(flag));
    if (unknown.length || positional.length) {
      throw new CommandError(`unexpected argument ${unknown.length ? `--${unknown[0]}` : positional[0]}`);
    }
    const clear = flags.has('clear');
    const dryRun = flags.has('dry-run');
    const settings = loadSettings(readEnvironment());
    const root = settings.staticRoot;

    const hasFiles = existsSync(root) && readdirSync(root).length > 0;
    if (hasFiles && !dryRun && !flags.has('noinput') && !flags.has('no-input')) {
      if (!process.stdin.isTTY) {
        throw new CommandError(`${root} already has files: pass --noinput to collect without asking`);
      }
      const prompter = terminalPrompter();
      try {
        if (!(await confirm(prompter, root, clear))) throw new CommandError('cancelled');
      } finally {
        prompter.close();
      }
    }

    const sources = staticSources(installedApps);
    process.stdout.write(
      `${dryRun ? 'Dry run: collecting' : 'Collecting'} ${sources.length} static folder(s) into ${root}\n`,
    );
    const summary = await collectStatic({
      staticRoot: root,
      staticUrl: settings.staticUrl,
      sources,
      clear,
      dryRun,
      report: (line) => process.stdout.write(`  ${line}\n`),
      warn: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${summaryLine(summary, dryRun)}\n`);
    return 0;
  },
};
