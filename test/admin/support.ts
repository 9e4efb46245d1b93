/** Admin test helpers: a logged-in staff client with chosen permissions. */
import { and, eq, inArray } from 'drizzle-orm';
import { permissions, userPermissions } from '../../src/contrib/auth/schema.js';
import { GOOD_PASSWORD, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';

export const ADMIN = '/admin/';

/**
 * Creates a user and logs them in. `perms` are `app.codename` strings given directly to the user
 * (e.g. `blog.view_post`); `superuser` gets everything.
 */
export async function staffClient(
  testApp: TestApp,
  username: string,
  options: { perms?: string[]; superuser?: boolean; staff?: boolean } = {},
): Promise<TestClient> {
  const user = await testApp.createUser({
    username,
    password: GOOD_PASSWORD,
    isStaff: options.staff ?? true,
    isSuperuser: options.superuser ?? false,
  });
  const wanted = options.perms ?? [];
  if (wanted.length > 0) {
    const db = testApp.database.db;
    const rows = await db
      .select()
      .from(permissions)
      .where(
        inArray(
          permissions.codename,
          wanted.map((perm) => perm.split('.')[1] ?? ''),
        ),
      );
    const chosen = rows.filter((row) => wanted.includes(`${row.appLabel}.${row.codename}`));
    if (chosen.length !== wanted.length) throw new Error(`unknown permission among ${wanted.join(', ')}`);
    await db.insert(userPermissions).values(chosen.map((row) => ({ userId: user.id, permissionId: row.id })));
  }
  const client = new TestClient(testApp.app);
  const response = await client.login(username, GOOD_PASSWORD);
  if (response.statusCode !== 303) throw new Error(`login failed: ${response.statusCode}`);
  return client;
}

export { and, eq };
