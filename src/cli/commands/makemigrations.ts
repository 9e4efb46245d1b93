/** Writes a new SQL migration from the schema changes (drizzle-kit generate); a dev-time command. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../project-root.js';
import { type Command, parseArgs } from '../command.js';

export const makemigrationsCommand: Command = {
  name: 'makemigrations',
  summary: 'write a SQL migration for schema changes (drizzle-kit); --check fails if one is needed',
  usage: 'keen makemigrations [--name NAME] [--check]',
  async run(args) {
    const { values, flags } = parseArgs(args, ['name']);
    const root = projectRoot();
    const bin = join(root, 'node_modules', 'drizzle-kit', 'bin.cjs');
    const generate = [bin, 'generate', '--config', join(root, 'drizzle.config.ts')];
    if (values.has('name')) generate.push('--name', values.get('name') as string);
    if (flags.has('check')) {
      // drizzle-kit has no dry run: compare the journal before and after, and undo a new file.
      const { readMigrations } = await import('../../db/migrate.js');
      const before = readMigrations().length;
      const result = spawnSync(process.execPath, generate, { cwd: root, encoding: 'utf8' });
      const after = readMigrations().length;
      if (after > before) {
        spawnSync('git', ['checkout', '--', 'migrations/meta'], { cwd: root });
        spawnSync('git', ['clean', '-fq', 'migrations'], { cwd: root });
        process.stderr.write('schema changes have no migration: run keen makemigrations\n');
        return 1;
      }
      process.stdout.write(result.status === 0 ? 'no schema changes\n' : result.stderr);
      return result.status ?? 1;
    }
    const result = spawnSync(process.execPath, generate, { cwd: root, stdio: 'inherit' });
    return result.status ?? 1;
  },
};
