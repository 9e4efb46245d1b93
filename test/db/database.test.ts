// The data layer on both engines: migrations (idempotent, concurrent-safe, --check), permissions, transactions.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateInstalledApps } from '../../src/cli/bootstrap.js';
import { authenticatedUser } from '../../src/contrib/auth/current-user.js';
import { groupPermissions, groups, permissions, userGroups, users } from '../../src/contrib/auth/schema.js';
import { readiness } from '../../src/contrib/health/index.js';
import { openDatabase, queryRows } from '../../src/db/client.js';
import { pendingMigrations, readMigrations } from '../../src/db/migrate.js';
import { atomic } from '../../src/db/transaction.js';
import { installedApps } from '../../src/installed-apps.js';
import { Secret } from '../../src/settings.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';

describe(`migrations (${ENGINE})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(() => database.close());

  it('reports every migration pending on an empty database, none after migrating; a rerun applies nothing', async () => {
    const all = readMigrations().map((file) => file.name);
    expect(all.length).toBeGreaterThan(0);
    expect(await pendingMigrations(database)).toEqual(all);
    const first = await migrateInstalledApps(database);
    expect(first.applied).toEqual(all);
    expect(await pendingMigrations(database)).toEqual([]);
    const second = await migrateInstalledApps(database);
    expect(second.applied).toEqual([]);
  });

  it('creates view/add/change/delete permissions for every model of every installed app', async () => {
    const rows = await database.db.select().from(permissions);
    const codes = new Set(rows.map((row) => `${row.appLabel}.${row.codename}`));
    for (const app of installedApps) {
      for (const model of app.models ?? []) {
        for (const action of ['view', 'add', 'change', 'delete'])
          expect(codes).toContain(`${app.name}.${action}_${model.name}`);
      }
    }
  });

  it('atomic() commits all or nothing', async () => {
    await expect(
      atomic(database.db, async (tx) => {
        await tx.insert(groups).values({ name: 'editors-rollback' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await database.db.select().from(groups).where(eq(groups.name, 'editors-rollback'))).toHaveLength(
      0,
    );
    await atomic(database.db, (tx) => tx.insert(groups).values({ name: 'editors-commit' }));
    expect(await database.db.select().from(groups).where(eq(groups.name, 'editors-commit'))).toHaveLength(1);
  });
});

describe.runIf(ENGINE === 'postgres')('migrations from two processes at once (postgres)', () => {
  it('applies each migration exactly once', async () => {
    const target = await createTestDatabase({ migrate: false });
    // A second, independent pool: what a second container would have.
    const other = await openDatabase(
      {
        kind: 'postgres',
        url: new Secret(target.url as string),
        ssl: false,
        poolSize: 2,
        statementTimeoutMs: 0,
        preparedStatements: true,
        direct: null,
      },
      { command: 'test' },
    );
    try {
      const [a, b] = await Promise.all([migrateInstalledApps(target), migrateInstalledApps(other)]);
      const applied = [...a.applied, ...b.applied].sort();
      expect(applied).toEqual(
        readMigrations()
          .map((file) => file.name)
          .sort(),
      );
      const rows = await queryRows<{ n: number }>(
        target.db,
        sql`SELECT count(*)::int AS n FROM keen_migrations`,
      );
      expect(rows[0]?.n).toBe(readMigrations().length);
    } finally {
      await other.close();
      await target.close();
    }
  });
});

describe(`permissions (${ENGINE})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('user.hasPerm: direct and through groups; superusers have all; inactive users none', async () => {
    const db = t.database.db;
    const editor = await t.createUser({ username: 'editor' });
    const [group] = await db.insert(groups).values({ name: 'user-managers' }).returning();
    const [perm] = await db
      .select()
      .from(permissions)
      .where(sql`${permissions.appLabel} = 'auth' AND ${permissions.codename} = 'change_user'`);
    if (!group || !perm) throw new Error('fixture missing');
    await db.insert(groupPermissions).values({ groupId: group.id, permissionId: perm.id });
    expect(await authenticatedUser(db, editor).hasPerm('auth.change_user')).toBe(false);
    await db.insert(userGroups).values({ userId: editor.id, groupId: group.id });
    expect(await authenticatedUser(db, editor).hasPerm('auth.change_user')).toBe(true);
    expect(await authenticatedUser(db, editor).hasPerm('auth.delete_user')).toBe(false);

    const root = await t.createUser({ username: 'root', isSuperuser: true });
    expect(await authenticatedUser(db, root).hasPerm('anything.at_all')).toBe(true);
    await db.update(users).set({ isActive: false }).where(eq(users.id, root.id));
    const [inactive] = await db.select().from(users).where(eq(users.id, root.id));
    expect(await authenticatedUser(db, inactive as typeof root).hasPerm('auth.change_user')).toBe(false);
  });
});

describe(`readiness (${ENGINE})`, () => {
  it('/readyz is 503 while migrations are pending, 200 after', async () => {
    const database = await createTestDatabase({ migrate: false });
    // Only the session table is needed to build the app; the probe routes use no session.
    const t = await createTestApp({ database });
    try {
      const before = await t.app.inject({ url: '/readyz' });
      expect(before.statusCode).toBe(503);
      expect(before.json()).toMatchObject({ status: 'migrations pending' });
      await migrateInstalledApps(database);
      expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
      // A draining worker tells the load balancer to stop sending traffic, while still serving.
      readiness.draining = true;
      try {
        expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'draining' });
        expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      } finally {
        readiness.draining = false;
      }
    } finally {
      await t.close();
      await database.close();
    }
  });
});
