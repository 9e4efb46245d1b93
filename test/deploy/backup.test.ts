// keen backup / restore round trip (issue 6): seed rows and media → backup → wipe → restore → identical.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateInstalledApps } from '../../src/cli/bootstrap.js';
import { users } from '../../src/contrib/auth/schema.js';
import { insertUser } from '../../src/contrib/auth/users.js';
import { openDatabase } from '../../src/db/client.js';
import { tar } from '../../src/deploy/archive-files.js';
import { createBackup, openArchive, restoreBackup } from '../../src/deploy/backup.js';
import { loadSettings, type Settings } from '../../src/settings.js';
import { GOOD_PASSWORD, TEST_SECRET_KEY } from '../support/app.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';

const withDatabase = async <T>(
  settings: Readonly<Settings>,
  work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
) => {
  const database = await openDatabase(settings.database, { command: 'test' });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
};

const userRows = (settings: Readonly<Settings>) =>
  withDatabase(settings, (database) => database.db.select().from(users).orderBy(asc(users.id)));

describe(`backup and restore (${ENGINE})`, () => {
  let work: string;
  let settings: Readonly<Settings>;
  let pgDatabase: TestDatabase | undefined;
  const mediaFiles: Record<string, Buffer> = {
    'uploads/2026/11/a1b2c3.png': randomBytes(4096),
    'uploads/2026/11/d4e5f6.pdf': randomBytes(1500),
    'thumbs/uploads/2026/11/a1b2c3-160.webp': randomBytes(300),
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'keen-backup-test-'));
    const env: Record<string, string> = {
      SECRET_KEY: TEST_SECRET_KEY,
      KEEN_DATA_DIR: join(work, 'var'),
      MEDIA_ROOT: join(work, 'media'),
      DATABASE_URL: '',
    };
    if (ENGINE === 'postgres') {
      pgDatabase = await createTestDatabase({ migrate: false });
      env.DATABASE_URL = pgDatabase.url as string;
    }
    settings = loadSettings(env);
    await withDatabase(settings, async (database) => {
      await migrateInstalledApps(database);
      await insertUser(database.db, {
        username: 'ada',
        email: 'ada@example.com',
        password: GOOD_PASSWORD,
        isSuperuser: true,
      });
      await insertUser(database.db, { username: 'grace', password: GOOD_PASSWORD });
    });
    for (const [path, bytes] of Object.entries(mediaFiles)) {
      mkdirSync(join(settings.mediaRoot, path, '..'), { recursive: true });
      writeFileSync(join(settings.mediaRoot, path), bytes);
    }
  }, 60_000);

  afterAll(async () => {
    await pgDatabase?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('round trip: backup, wipe, restore → identical rows and files', async () => {
    const before = await userRows(settings);
    expect(before.map((row) => row.username)).toEqual(['ada', 'grace']);
    const { archive, manifest } = await createBackup(settings, {
      outputDir: join(work, 'backups'),
    });
    expect(archive).toMatch(/keen-backup-\d{8}T\d{6}Z\.tar$/);
    expect(manifest.database.engine).toBe(ENGINE);
    expect(manifest.media.files.map((file) => file.path).sort()).toEqual(Object.keys(mediaFiles).sort());

    // A non-empty database is never overwritten by accident.
    await expect(restoreBackup(settings, archive, { force: false })).rejects.toMatchObject({
      code: 'KEEN_E_BACKUP',
    });

    // Wipe everything.
    if (ENGINE === 'postgres') {
      await withDatabase(settings, (database) =>
        database.db.execute(sql`DROP SCHEMA public CASCADE; CREATE SCHEMA public`).then(() => undefined),
      );
    } else if (settings.database.kind === 'pglite') {
      rmSync(settings.database.dataDir, { recursive: true, force: true });
    }
    rmSync(settings.mediaRoot, { recursive: true, force: true });

    await restoreBackup(settings, archive, { force: false });
    expect(await userRows(settings)).toEqual(before);
    for (const [path, bytes] of Object.entries(mediaFiles)) {
      expect(readFileSync(join(settings.mediaRoot, path)).equals(bytes), path).toBe(true);
    }
    // The restored database is fully usable: migrations recorded, nothing pending.
    await withDatabase(settings, async (database) => {
      const applied = await migrateInstalledApps(database);
      expect(applied.applied).toEqual([]);
    });
  }, 120_000);

  it('--force replaces a non-empty database', async () => {
    const { archive } = await createBackup(settings, {
      outputDir: join(work, 'backups-force'),
    });
    await withDatabase(settings, (database) =>
      insertUser(database.db, { username: 'intruder', password: GOOD_PASSWORD }).then(() => undefined),
    );
    await restoreBackup(settings, archive, { force: true });
    expect((await userRows(settings)).map((row) => row.username)).toEqual(['ada', 'grace']);
  }, 120_000);

  it('refuses a corrupted archive before touching anything', async () => {
    const { archive } = await createBackup(settings, {
      outputDir: join(work, 'backups-corrupt'),
    });
    const unpacked = mkdtempSync(join(tmpdir(), 'keen-corrupt-'));
    tar(['-xf', archive, '-C', unpacked]);
    writeFileSync(join(unpacked, 'media', 'uploads/2026/11/d4e5f6.pdf'), 'tampered');
    const corrupt = join(work, 'corrupt.tar');
    tar(['-cf', corrupt, '-C', unpacked, '.']);
    await expect(openArchive(corrupt)).rejects.toThrow(/d4e5f6\.pdf does not match its checksum/);
    await expect(restoreBackup(settings, corrupt, { force: true })).rejects.toMatchObject({
      code: 'KEEN_E_BACKUP',
    });
    expect((await userRows(settings)).map((row) => row.username)).toEqual(['ada', 'grace']);
  }, 120_000);

  it('--keep N keeps only the newest N archives', async () => {
    const dir = join(work, 'rotating');
    const days = ['2026-11-01', '2026-11-02', '2026-11-03'];
    for (const day of days) {
      await createBackup(settings, {
        outputDir: dir,
        keep: 2,
        now: new Date(`${day}T02:00:00Z`),
      });
    }
    expect(readdirSync(dir).sort()).toEqual([
      'keen-backup-20261102T020000Z.tar',
      'keen-backup-20261103T020000Z.tar',
    ]);
    expect(existsSync(join(dir, 'keen-backup-20261101T020000Z.tar'))).toBe(false);
  }, 120_000);
});
