/** `keen restore FILE`: verifies a backup archive's checksums, then restores database and media. */
import { restoreBackup } from '../../deploy/backup.js';
import { CommandError } from '../../errors.js';
import { loadRuntimeSettings } from '../../settings/runtime.js';
import { type Command, parseArgs } from '../command.js';

export const restoreCommand: Command = {
  usage: 'keen restore FILE [--force]',
  async run(args) {
    const { positional, flags } = parseArgs(args);
    const file = positional[0];
    if (!file) throw new CommandError('name the archive to restore: keen restore backups/keen-backup-….tar');
    const { settings } = loadRuntimeSettings();
    const manifest = await restoreBackup(settings, file, { force: flags.has('force') });
    process.stdout.write(
      `restored ${file} (made ${manifest.createdAt}): database and ${manifest.media.files.length} media file(s)\n`,
    );
    return 0;
  },
};
