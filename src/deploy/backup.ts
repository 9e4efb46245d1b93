/**
 * `keen backup` / `keen restore`: one timestamped archive holding the database (pg_dump custom format,
 * or PGlite's data folder), the uploaded media files, and a manifest with a SHA-256 per file, so a
 * restore can prove the archive is intact before it touches anything.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { type Database, openDatabase, pgliteLockDir, queryRows } from '../db/client.js';
import { lockDataDir } from '../db/datadir-lock.js';
import { BackupError } from '../errors.js';
import { type DatabaseSettings, directDatabase, type Settings } from '../settings.js';
import { copyTree, describeFiles, type FileRecord, listFiles, sha256File, tar } from './archive-files.js';

export const ARCHIVE_PREFIX = 'keen-backup-';

export interface BackupManifest {
  format: 'keen-backup';
  version: 1;
  createdAt: string;
  database: { engine: DatabaseSettings['kind']; file: string; size: number; sha256: string };
  media: { storage: 'local' | 'external'; files: FileRecord[] };
}

/** `20261129T143000Z`: sorts in time order, safe in file names. */
function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * pg_dump/pg_restore get the password through the environment, never on the command line (ps shows it).
 * They go to DATABASE_DIRECT_URL when set: both keep session state (SETs, one snapshot) that a
 * transaction-mode pooler would not.
 */
function pgConnection(pooled: Extract<DatabaseSettings, { kind: 'postgres' }>) {
  const database = directDatabase(pooled);
  const url = new URL(database.url.reveal());
  const password = decodeURIComponent(url.password);
  url.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' };
  if (database.ssl !== false) env.PGSSLMODE = database.ssl === true ? 'verify-full' : 'require';
  return { uri: url.toString(), env };
}

/** Runs pg_dump or pg_restore without blocking the process (a worker keeps running its other jobs). */
async function runPgTool(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });
  const outcome = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  if (outcome.error)
    throw new BackupError(`${tool} could not run (${outcome.error.message}); install postgresql-client`);
  if (outcome.code !== 0)
    throw new BackupError(`${tool} failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
}

async function dumpDatabase(
  settings: Readonly<Settings>,
  into: string,
  live: Database | undefined,
): Promise<string> {
  if (!live && settings.database.kind === 'postgres') {
    const { uri, env } = pgConnection(settings.database);
    await runPgTool(
      'pg_dump',
      ['--format=custom', '--no-owner', '--no-privileges', '--file', join(into, 'database.dump'), uri],
      env,
    );
    return 'database.dump';
  }
  // The embedded database: its own data-folder dump. From the command it opens the folder (taking its
  // lock, so the server must be stopped); from a scheduled job it is given the server's open database,
  // whose dump waits for the query in hand and is taken after a checkpoint.
  const database = live ?? (await openDatabase(settings.database, { command: 'backup' }));
  try {
    if (!database.pglite) throw new BackupError('the embedded database cannot be dumped');
    if (live) await database.pglite.exec('CHECKPOINT');
    const blob = await database.pglite.dumpDataDir('gzip');
    await writeFile(join(into, 'database.pglite.tar.gz'), Buffer.from(await blob.arrayBuffer()));
    return 'database.pglite.tar.gz';
  } finally {
    if (!live) await database.close();
  }
}

export interface BackupResult {
  archive: string;
  manifest: BackupManifest;
  pruned: string[];
}

/** Writes `<outputDir>/keen-backup-<stamp>.tar`; with `keep`, deletes all but the newest `keep` archives. */
export async function createBackup(
  settings: Readonly<Settings>,
  options: {
    outputDir: string;
    keep?: number;
    now?: Date;
    /** The server's own open embedded database (the scheduled backup job); ignored for PostgreSQL. */
    database?: Database;
  },
): Promise<BackupResult> {
  const outputDir = resolve(options.outputDir);
  await mkdir(outputDir, { recursive: true });
  const staging = await mkdtemp(join(tmpdir(), 'keen-backup-'));
  try {
    const databaseFile = await dumpDatabase(settings, staging, options.database);
    // Object storage (MEDIA_STORAGE=s3) is backed up by its own means; only MEDIA_ROOT goes in the archive.
    const mediaIsLocal = settings.mediaStorage === 'local';
    const mediaFiles = mediaIsLocal ? await listFiles(settings.mediaRoot) : [];
    if (mediaIsLocal) await copyTree(settings.mediaRoot, join(staging, 'media'));
    const manifest: BackupManifest = {
      format: 'keen-backup',
      version: 1,
      createdAt: (options.now ?? new Date()).toISOString(),
      database: {
        engine: options.database?.kind ?? settings.database.kind,
        file: databaseFile,
        size: (await stat(join(staging, databaseFile))).size,
        sha256: await sha256File(join(staging, databaseFile)),
      },
      media: {
        storage: mediaIsLocal ? 'local' : 'external',
        // Checksums of what was copied, so a file changed during the copy is caught at restore.
        files: await describeFiles(join(staging, 'media'), mediaFiles),
      },
    };
    await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const archive = join(outputDir, `${ARCHIVE_PREFIX}${stamp(options.now ?? new Date())}.tar`);
    tar(['-cf', archive, '-C', staging, '.']);
    const pruned = options.keep ? await pruneBackups(outputDir, options.keep) : [];
    return { archive, manifest, pruned };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Keeps the newest `keep` archives in `dir`; returns the deleted paths. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const archives = (await readdir(dir))
    .filter((name) => name.startsWith(ARCHIVE_PREFIX) && name.endsWith('.tar'))
    .sort();
  const doomed = archives.slice(0, Math.max(0, archives.length - keep)).map((name) => join(dir, name));
  for (const file of doomed) await rm(file);
  return doomed;
}

/** Extracts and checks an archive: every checksum must match. Returns the folder and the manifest. */
export async function openArchive(file: string): Promise<{ dir: string; manifest: BackupManifest }> {
  if (!existsSync(file)) throw new BackupError(`no such archive: ${file}`);
  const dir = await mkdtemp(join(tmpdir(), 'keen-restore-'));
  try {
    tar(['-xf', resolve(file), '-C', dir]);
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    } catch {
      throw new BackupError(`${file} has no readable manifest.json: not a keen backup`);
    }
    if (manifest.format !== 'keen-backup' || manifest.version !== 1)
      throw new BackupError(`${file} is not a keen backup (v1)`);
    const databaseFile = join(dir, manifest.database.file);
    if (!existsSync(databaseFile) || (await sha256File(databaseFile)) !== manifest.database.sha256) {
      throw new BackupError(`${file}: the database dump does not match its checksum; the archive is corrupt`);
    }
    for (const record of manifest.media.files) {
      const media = join(dir, 'media', record.path);
      if (!existsSync(media) || (await sha256File(media)) !== record.sha256) {
        throw new BackupError(
          `${file}: media file ${record.path} does not match its checksum; the archive is corrupt`,
        );
      }
    }
    return { dir, manifest };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function userTableCount(database: Database): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
  );
  return row?.n ?? 0;
}

/**
 * Restores an archive into the configured database and MEDIA_ROOT. A database that already has tables
 * is refused unless `force` (then its objects are dropped and replaced).
 */
export async function restoreBackup(
  settings: Readonly<Settings>,
  file: string,
  options: { force: boolean },
): Promise<BackupManifest> {
  const { dir, manifest } = await openArchive(file);
  try {
    if (manifest.database.engine !== settings.database.kind) {
      throw new BackupError(
        `this archive holds a ${manifest.database.engine} database, but the configured one is ${settings.database.kind}`,
      );
    }
    if (settings.database.kind === 'postgres') {
      const database = await openDatabase(settings.database, { command: 'restore', direct: true });
      const tables = await userTableCount(database).finally(() => database.close());
      if (tables > 0 && !options.force) {
        throw new BackupError(
          `the database is not empty (${tables} tables); use --force to replace its contents`,
        );
      }
      const { uri, env } = pgConnection(settings.database);
      await runPgTool(
        'pg_restore',
        [
          '--clean',
          '--if-exists',
          '--no-owner',
          '--no-privileges',
          '--single-transaction',
          '--exit-on-error',
          '--dbname',
          uri,
          join(dir, manifest.database.file),
        ],
        env,
      );
    } else {
      await restorePglite(settings.database, join(dir, manifest.database.file), options.force);
    }
    if (manifest.media.storage === 'local') {
      if (options.force) await rm(settings.mediaRoot, { recursive: true, force: true });
      await copyTree(join(dir, 'media'), settings.mediaRoot);
    }
    return manifest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function restorePglite(
  database: Extract<DatabaseSettings, { kind: 'pglite' }>,
  dump: string,
  force: boolean,
) {
  const hasData = existsSync(database.dataDir) && (await readdir(database.dataDir)).length > 0;
  if (hasData && !force)
    throw new BackupError(
      `the embedded database in ${database.dataDir} is not empty; use --force to replace it`,
    );
  // The same lock openDatabase takes: no server may hold the folder while it is replaced.
  const release = lockDataDir(pgliteLockDir(database.dataDir), 'restore');
  try {
    await rm(database.dataDir, { recursive: true, force: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const client = await PGlite.create(database.dataDir, { loadDataDir: new Blob([await readFile(dump)]) });
    await client.close();
  } finally {
    release();
  }
}
