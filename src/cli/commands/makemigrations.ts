/**
 * Writes a new SQL migration from the schema changes (drizzle-kit generate); a dev-time command. The new
 * migration is checked for operations that would lock the site (src/db/migration-safety.ts), each printed
 * with its safe recipe; `--check` (for CI) fails on unmigrated schema changes and on such operations.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMigrations } from '../../db/migrate.js';
import { checkedMigrations, describeUnsafe, unsafeOperations } from '../../db/migration-safety.js';
import { projectRoot } from '../../project-root.js';
import { type Command, parseArgs } from '../command.js';

const UNSAFE_ADVICE =
  'Rewrite the migration the safe way (docs/contributing.md, "Migrations that never lock the site"), or,\n' +
  'where you know the table is small, put `-- keen:unsafe-ok <reason>` in that statement.\n';

export const makemigrationsCommand: Command = {
  usage: 'keen makemigrations [--name NAME] [--check]',
  async run(args) {
    const { values, flags } = parseArgs(args, ['name']);
    const root = projectRoot();
    const drizzleKit = join(root, 'node_modules', 'drizzle-kit', 'bin.cjs');
    if (flags.has('check')) {
      // Generate into a scratch copy of migrations/: a new entry there means the schema has unmigrated
      // changes. The real folder is never touched.
      const scratch = mkdtempSync(join(tmpdir(), 'keen-makemigrations-'));
      try {
        cpSync(join(root, 'migrations'), scratch, { recursive: true });
        const before = readMigrations(scratch).length;
        const result = spawnSync(
          process.execPath,
          [
            drizzleKit,
            'generate',
            '--dialect',
            'postgresql',
            '--schema',
            './src/db/schema.ts',
            '--out',
            scratch,
          ],
          { cwd: root, encoding: 'utf8' },
        );
        if (result.status !== 0) {
          process.stderr.write(result.stderr || result.stdout);
          return result.status ?? 1;
        }
        if (readMigrations(scratch).length > before) {
          process.stderr.write('the schema has changes without a migration: run keen makemigrations\n');
          return 1;
        }
        const unsafe = checkedMigrations(readMigrations(join(root, 'migrations'))).flatMap(unsafeOperations);
        if (unsafe.length) {
          process.stderr.write(`${describeUnsafe(unsafe)}${UNSAFE_ADVICE}`);
          return 1;
        }
        process.stdout.write('no schema changes; no unsafe operations in the migrations\n');
        return 0;
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }
    const generate = [drizzleKit, 'generate', '--config', join(root, 'drizzle.config.ts')];
    if (values.has('name')) generate.push('--name', values.get('name') as string);
    const known = new Set(readMigrations(join(root, 'migrations')).map((file) => file.name));
    const status = spawnSync(process.execPath, generate, { cwd: root, stdio: 'inherit' }).status ?? 1;
    if (status !== 0) return status;
    const written = readMigrations(join(root, 'migrations')).filter((file) => !known.has(file.name));
    const unsafe = written.flatMap(unsafeOperations);
    if (unsafe.length) process.stderr.write(`${describeUnsafe(unsafe)}${UNSAFE_ADVICE}`);
    return 0;
  },
};
