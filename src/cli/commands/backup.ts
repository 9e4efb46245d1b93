/** `keen backup`: database + media + checksummed manifest in one timestamped archive. */
import { createBackup } from '../../deploy/backup.js';
import { CommandError } from '../../errors.js';
import { loadRuntimeSettings } from '../../settings/runtime.js';
import { type Command, parseArgs } from '../command.js';

export const backupCommand: Command = {
  usage: 'keen backup [--output DIR] [--keep N]',
  async run(args) {
    const { values } = parseArgs(args, ['output', 'keep']);
    const keep = values.get('keep');
    if (keep !== undefined && !/^[1-9]\d*$/.test(keep))
      throw new CommandError('--keep needs a whole number ≥ 1');
    const { settings } = loadRuntimeSettings();
    const result = await createBackup(settings, {
      outputDir: values.get('output') ?? 'backups',
      keep: keep ? Number(keep) : undefined,
    });
    const { database, media } = result.manifest;
    process.stdout.write(
      `wrote ${result.archive}\n  database: ${database.engine}, ${database.size} bytes\n` +
        (media.storage === 'local'
          ? `  media: ${media.files.length} file(s)\n`
          : '  media: in object storage, not included (see docs/operations.md)\n'),
    );
    for (const file of result.pruned) process.stdout.write(`pruned ${file}\n`);
    return 0;
  },
};
