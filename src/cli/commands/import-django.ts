/**
 * `keen import-django --from postgres://… [--media-from DIR|s3://bucket] [--dry-run] [--merge]`: moves
 * the Django site's data (and, with --media-from, its files) into Keen (src/import-django/). Prints one
 * line per table and every row or file it leaves out, with the reason; `--dry-run` prints the same and
 * writes nothing.
 */
import { createMedia } from '../../contrib/media/media.js';
import { CommandError } from '../../errors.js';
import { type DjangoMediaSource, openDjangoMediaSource } from '../../import-django/media-source.js';
import { type ImportReport, importDjango } from '../../import-django/run.js';
import { openDjangoSource } from '../../import-django/source.js';
import { openMigratedRuntime } from '../bootstrap.js';
import { type Command, parseArgs } from '../command.js';

/** The report as the command prints it. */
export function formatImportReport(report: ImportReport, dryRun: boolean): string {
  const lines = [
    `${'table'.padEnd(28)} ${['read', 'insert', 'update', 'same', 'skipped', 'extra'].map((h) => h.padStart(7)).join(' ')}`,
    ...report.counts.map(
      (row) =>
        `${row.table.padEnd(28)} ${[row.read, row.insert, row.update, row.unchanged, row.skipped, row.extra]
          .map((n) => String(n).padStart(7))
          .join(' ')}`,
    ),
  ];
  for (const reason of report.skipped) lines.push(`skipped: ${reason}`);
  for (const post of report.sanitized) lines.push(`sanitized: post ${post}`);
  for (const file of report.missingMedia) lines.push(`missing file: ${file}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (dryRun) lines.push(`dry run: ${report.changes} row(s) would change; nothing was written`);
  else if (report.changes === 0)
    lines.push('nothing to change: the Keen database already matches the Django one');
  else lines.push(`imported: ${report.changes} row(s) and file(s) written, the rows in one transaction`);
  return `${lines.join('\n')}\n`;
}

export const importDjangoCommand: Command = {
  usage:
    'keen import-django --from postgres://user:password@host:5432/name [--media-from DIR|s3://bucket]\n' +
    '                   [--django-media-url /media/] [--dry-run] [--merge]\n' +
    '  Reads the Django database (read-only, one snapshot) and writes its accounts, blog, résumé and\n' +
    '  admin log into Keen in one transaction. --media-from copies the files its rows point at from the\n' +
    "  Django MEDIA_ROOT or bucket into Keen's media storage, each verified. --dry-run reports and writes\n" +
    '  nothing; --merge imports into a database that already holds other rows.',
  async run(args) {
    const { flags, values, positional } = parseArgs(args, ['from', 'media-from', 'django-media-url']);
    for (const flag of flags) {
      if (flag !== 'dry-run' && flag !== 'merge') throw new CommandError(`unexpected argument --${flag}`);
    }
    if (positional.length) throw new CommandError(`unexpected argument ${positional[0]}`);
    const from = values.get('from');
    if (!from)
      throw new CommandError('give the Django database: --from postgres://user:password@host:5432/name');
    const dryRun = flags.has('dry-run');
    const mediaUrl = values.get('django-media-url') ?? '/media/';
    if (!/^(\/|https?:\/\/[^/]+\/)(.*\/)?$/.test(mediaUrl))
      throw new CommandError('--django-media-url must be a path or URL ending in a slash, like /media/');
    const mediaFrom = values.get('media-from');
    const files: DjangoMediaSource | null = mediaFrom ? await openDjangoMediaSource(mediaFrom) : null;
    try {
      const source = await openDjangoSource(from);
      try {
        const { database, settings, logger } = await openMigratedRuntime('import-django');
        try {
          const report = await importDjango(database.db, source, {
            dryRun,
            merge: flags.has('merge'),
            ...(files ? { media: { from: files, keen: createMedia(settings, logger), url: mediaUrl } } : {}),
          });
          process.stdout.write(formatImportReport(report, dryRun));
          return 0;
        } finally {
          await database.close();
        }
      } finally {
        await source.close();
      }
    } finally {
      await files?.close();
    }
  },
};
