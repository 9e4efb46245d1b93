// The delete confirmation's plan (what goes with the selected rows, what loses its link, what blocks)
// and deleteRows, on the real blog/résumé/auth tables plus a few test-only tables for the shapes those
// lack (a tree, a foreign-key cycle, a composite foreign key, restrict checks at different cascade depths).
import { eq, inArray, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  foreignKey,
  integer,
  type PgTable,
  pgTable,
  serial,
  varchar,
} from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categories, postLinks, posts, postTags, tags } from '../../src/apps/blog/schema.js';
import { education, experience, profiles, skills } from '../../src/apps/resume/schema.js';
import {
  type DeletionPlan,
  deleteRows,
  type PlanOptions,
  planDeletion,
  schemaTables,
} from '../../src/contrib/admin/delete-plan.js';
import { adminLog } from '../../src/contrib/admin/schema.js';
import { groups, permissions, userGroups, userPermissions, users } from '../../src/contrib/auth/schema.js';
import { fileField, type StoredImage } from '../../src/contrib/media/fields.js';
import { sessions } from '../../src/contrib/sessions/schema.js';
import type { Db } from '../../src/db/client.js';
import { atomic } from '../../src/db/transaction.js';
import { type KeenError, ProtectedError } from '../../src/errors.js';
import { countingDb } from '../support/counting-db.js';
import { createTestDatabase, ENGINE, type TestDatabase } from '../support/database.js';

// Test-only tables, created below with the SQL drizzle-kit would write for them.
const nodes = pgTable('test_dp_node', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 50 }).notNull(),
  parentId: integer('parent_id').references((): AnyPgColumn => nodes.id, { onDelete: 'cascade' }),
});
const lefts = pgTable('test_dp_left', {
  id: serial('id').primaryKey(),
  rightId: integer('right_id').references((): AnyPgColumn => rights.id, { onDelete: 'cascade' }),
});
const rights = pgTable('test_dp_right', {
  id: serial('id').primaryKey(),
  leftId: integer('left_id').references((): AnyPgColumn => lefts.id, { onDelete: 'cascade' }),
});
const roots = pgTable('test_dp_root', { id: serial('id').primaryKey() });
const branches = pgTable('test_dp_branch', {
  id: serial('id').primaryKey(),
  rootId: integer('root_id')
    .notNull()
    .references(() => roots.id, { onDelete: 'cascade' }),
});
const twigs = pgTable('test_dp_twig', {
  id: serial('id').primaryKey(),
  branchId: integer('branch_id')
    .notNull()
    .references(() => branches.id, { onDelete: 'cascade' }),
});
const leaves = pgTable('test_dp_leaf', {
  id: serial('id').primaryKey(),
  rootId: integer('root_id').references(() => roots.id, { onDelete: 'cascade' }),
  twigId: integer('twig_id').references(() => twigs.id, { onDelete: 'cascade' }),
  branchId: integer('branch_id').references(() => branches.id, { onDelete: 'restrict' }),
});
const tagNotes = pgTable(
  'test_dp_tag_note',
  {
    id: serial('id').primaryKey(),
    postId: integer('post_id').notNull(),
    tagId: integer('tag_id').notNull(),
    attachment: fileField('attachment'),
  },
  (t) => [
    foreignKey({ columns: [t.postId, t.tagId], foreignColumns: [postTags.postId, postTags.tagId] }).onDelete(
      'cascade',
    ),
  ],
);

const TEST_TABLES_SQL = [
  'CREATE TABLE test_dp_node (id serial PRIMARY KEY, name varchar(50) NOT NULL, parent_id integer REFERENCES test_dp_node(id) ON DELETE CASCADE)',
  'CREATE TABLE test_dp_left (id serial PRIMARY KEY, right_id integer)',
  'CREATE TABLE test_dp_right (id serial PRIMARY KEY, left_id integer REFERENCES test_dp_left(id) ON DELETE CASCADE)',
  'ALTER TABLE test_dp_left ADD FOREIGN KEY (right_id) REFERENCES test_dp_right(id) ON DELETE CASCADE',
  'CREATE TABLE test_dp_root (id serial PRIMARY KEY)',
  'CREATE TABLE test_dp_branch (id serial PRIMARY KEY, root_id integer NOT NULL REFERENCES test_dp_root(id) ON DELETE CASCADE)',
  'CREATE TABLE test_dp_twig (id serial PRIMARY KEY, branch_id integer NOT NULL REFERENCES test_dp_branch(id) ON DELETE CASCADE)',
  `CREATE TABLE test_dp_leaf (id serial PRIMARY KEY,
     root_id integer REFERENCES test_dp_root(id) ON DELETE CASCADE,
     twig_id integer REFERENCES test_dp_twig(id) ON DELETE CASCADE,
     branch_id integer REFERENCES test_dp_branch(id) ON DELETE RESTRICT)`,
  `CREATE TABLE test_dp_tag_note (id serial PRIMARY KEY, post_id integer NOT NULL, tag_id integer NOT NULL,
     attachment jsonb, FOREIGN KEY (post_id, tag_id) REFERENCES blog_post_tags(post_id, tag_id) ON DELETE CASCADE)`,
];

const tables: PgTable[] = [...schemaTables(), nodes, lefts, rights, roots, branches, twigs, leaves, tagNotes];

const describeRow: PlanOptions['describe'] = (table, row) => {
  if (table === posts) return `Post “${String(row.title)}”`;
  if (table === categories) return `Category “${String(row.name)}”`;
  return undefined;
};

const options: PlanOptions = { tables, describe: describeRow };

function effect(list: DeletionPlan['cascades'], tableName: string) {
  return list.find((entry) => entry.tableName === tableName);
}

function summary(list: DeletionPlan['cascades']): Record<string, number> {
  return Object.fromEntries(list.map((entry) => [entry.tableName, entry.count]));
}

function image(name: string): StoredImage {
  return { name, size: 10, contentType: 'image/png', originalName: 'a.png', width: 1, height: 1 };
}

describe(`delete plan (${ENGINE})`, () => {
  let database: TestDatabase;
  let db: Db;
  let serial = 0;
  const unique = (prefix: string) => `${prefix}-${++serial}`;

  const makeCategory = async () => {
    const name = unique('category');
    const [row] = await db.insert(categories).values({ name, slug: name }).returning();
    return row!;
  };
  const makePost = async (values: Partial<typeof posts.$inferInsert> = {}) => {
    const slug = unique('post');
    const [row] = await db
      .insert(posts)
      .values({ title: `Title ${slug}`, slug, ...values })
      .returning();
    return row!;
  };
  const makeTag = async () => {
    const [row] = await db
      .insert(tags)
      .values({ name: unique('tag') })
      .returning();
    return row!;
  };
  const makeUser = async () => {
    const [row] = await db
      .insert(users)
      .values({ username: unique('user'), password: 'x' })
      .returning();
    return row!;
  };
  const addLinks = (postId: number, count: number) =>
    db.insert(postLinks).values(
      Array.from({ length: count }, (_, index) => ({
        postId,
        title: `Link ${index}`,
        url: `https://example.com/${index}`,
        position: index,
      })),
    );
  const deleteInTransaction = (table: PgTable, ids: readonly (string | number)[]) =>
    atomic(db, (tx) => deleteRows(tx, table, ids, { tables }));

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    for (const statement of TEST_TABLES_SQL) await db.execute(sql.raw(statement));
  });
  afterAll(() => database.close());

  it('a category with posts is blocked by them (restrict), and the database agrees', async () => {
    const category = await makeCategory();
    const first = await makePost({ categoryId: category.id });
    const second = await makePost({ categoryId: category.id });
    await makePost({ categoryId: (await makeCategory()).id });

    const plan = await planDeletion(db, categories, [category.id], options);
    expect(plan.targets).toEqual([{ id: String(category.id), label: `Category “${category.name}”` }]);
    expect(plan.blocked).toBe(true);
    expect(plan.blockers).toEqual([
      {
        table: posts,
        tableName: 'blog_post',
        count: 2,
        rows: [
          { id: String(first.id), label: `Post “${first.title}”` },
          { id: String(second.id), label: `Post “${second.title}”` },
        ],
      },
    ]);
    expect(plan.cascades).toEqual([]);
    expect(plan.setNull).toEqual([]);

    await expect(deleteInTransaction(categories, [category.id])).rejects.toBeInstanceOf(ProtectedError);
    expect(await db.select().from(categories).where(eq(categories.id, category.id))).toHaveLength(1);

    const empty = await makeCategory();
    const free = await planDeletion(db, categories, [String(empty.id)], options);
    expect(free).toMatchObject({ blocked: false, blockers: [], cascades: [], setNull: [], complete: true });
    expect(await deleteInTransaction(categories, [String(empty.id)])).toEqual({ count: 1, files: [] });
  });

  it('deleting posts cascades to their links and tag links, each counted once; tags stay', async () => {
    const [red, blue] = [await makeTag(), await makeTag()];
    const first = await makePost();
    const second = await makePost();
    await addLinks(first.id, 2);
    await addLinks(second.id, 1);
    await db.insert(postTags).values([
      { postId: first.id, tagId: red.id },
      { postId: first.id, tagId: blue.id },
      { postId: second.id, tagId: red.id },
    ]);
    const bystander = await makePost();
    await addLinks(bystander.id, 4);

    const plan = await planDeletion(db, posts, [first.id, second.id, first.id], options);
    expect(plan.targets.map((row) => row.id)).toEqual([String(first.id), String(second.id)]);
    expect(plan.blocked).toBe(false);
    expect(summary(plan.cascades)).toEqual({ blog_post_link: 3, blog_post_tags: 3 });
    expect(effect(plan.cascades, 'blog_post_link')?.rows.map((row) => row.label)).toEqual(
      (
        await db
          .select()
          .from(postLinks)
          .where(inArray(postLinks.postId, [first.id, second.id]))
      )
        .map((row) => row.id)
        .sort((a, b) => a - b)
        .map((id) => `blog_post_link #${id}`),
    );
    expect(effect(plan.cascades, 'blog_post_tags')?.rows).toEqual([
      {
        id: JSON.stringify([String(first.id), String(red.id)]),
        label: `blog_post_tags: post ${first.id} ↔ tag ${red.id}`,
      },
      {
        id: JSON.stringify([String(first.id), String(blue.id)]),
        label: `blog_post_tags: post ${first.id} ↔ tag ${blue.id}`,
      },
      {
        id: JSON.stringify([String(second.id), String(red.id)]),
        label: `blog_post_tags: post ${second.id} ↔ tag ${red.id}`,
      },
    ]);
    expect(plan.setNull).toEqual([]);

    expect((await deleteInTransaction(posts, [first.id, second.id])).count).toBe(2);
    expect(
      await db
        .select()
        .from(postLinks)
        .where(inArray(postLinks.postId, [first.id, second.id])),
    ).toEqual([]);
    expect(
      await db
        .select()
        .from(postTags)
        .where(inArray(postTags.postId, [first.id, second.id])),
    ).toEqual([]);
    expect(
      await db
        .select()
        .from(tags)
        .where(inArray(tags.id, [red.id, blue.id])),
    ).toHaveLength(2);
    expect(await db.select().from(postLinks).where(eq(postLinks.postId, bystander.id))).toHaveLength(4);
  });

  it('deleting a user unlinks their log entries and posts, and takes their sessions and group links', async () => {
    const user = await makeUser();
    const other = await makeUser();
    const [group] = await db
      .insert(groups)
      .values({ name: unique('group') })
      .returning();
    const [permission] = await db.select().from(permissions).limit(1);
    await db.insert(userGroups).values({ userId: user.id, groupId: group!.id });
    await db.insert(userPermissions).values({ userId: user.id, permissionId: permission!.id });
    const logEntry = {
      username: user.username,
      appLabel: 'blog',
      model: 'post',
      objectId: '1',
      objectRepr: 'x',
    };
    await db.insert(adminLog).values([
      { ...logEntry, userId: user.id, action: 'add' },
      { ...logEntry, userId: user.id, action: 'change' },
      { ...logEntry, userId: other.id, action: 'add' },
    ]);
    const authored = await makePost({ authorId: user.id });
    const expiry = new Date(Date.now() + 60_000);
    await db.insert(sessions).values([
      { key: unique('session-of-user'), data: {}, expireDate: expiry, userId: user.id },
      { key: unique('session-of-other'), data: {}, expireDate: expiry, userId: other.id },
    ]);

    const plan = await planDeletion(db, users, [user.id], options);
    expect(plan.blocked).toBe(false);
    expect(summary(plan.cascades)).toEqual({
      keen_session: 1,
      auth_user_groups: 1,
      auth_user_user_permissions: 1,
    });
    expect(summary(plan.setNull)).toEqual({ admin_log: 2, blog_post: 1 });
    expect(effect(plan.setNull, 'blog_post')?.rows).toEqual([
      { id: String(authored.id), label: `Post “${authored.title}”` },
    ]);
    expect(effect(plan.cascades, 'auth_user_groups')?.rows[0]?.label).toBe(
      `auth_user_groups: user ${user.id} ↔ group ${group!.id}`,
    );

    expect((await deleteInTransaction(users, [user.id])).count).toBe(1);
    const [post] = await db.select().from(posts).where(eq(posts.id, authored.id));
    expect(post?.authorId).toBeNull();
    const log = await db
      .select()
      .from(adminLog)
      .where(eq(adminLog.username, user.username))
      .orderBy(adminLog.id);
    expect(log.map((row) => row.userId)).toEqual([null, null, other.id]);
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    expect(await db.select().from(sessions).where(eq(sessions.userId, other.id))).toHaveLength(1);
  });

  it('deleting a résumé profile takes everything under it, and nothing of another profile', async () => {
    const [profile, other] = await db
      .insert(profiles)
      .values([{ fullName: 'Anna' }, { fullName: 'Boris' }])
      .returning();
    await db.insert(experience).values([
      { profileId: profile!.id, company: 'Acme', position: 'Engineer', startDate: '2020-01-01' },
      { profileId: profile!.id, company: 'Initech', position: 'Lead', startDate: '2022-01-01' },
      { profileId: other!.id, company: 'Other', position: 'Lead', startDate: '2022-01-01' },
    ]);
    await db.insert(skills).values([
      { profileId: profile!.id, name: 'SQL' },
      { profileId: other!.id, name: 'SQL' },
    ]);
    await db.insert(education).values({ profileId: profile!.id, school: 'MSU' });
    const plan = await planDeletion(db, profiles, [profile!.id], options);
    expect(plan.targets).toEqual([{ id: String(profile!.id), label: `resume_profile #${profile!.id}` }]);
    expect(summary(plan.cascades)).toEqual({ resume_experience: 2, resume_skill: 1, resume_education: 1 });
    expect(plan.blocked).toBe(false);
  });

  it('maxListed caps the rows listed; the count stays exact', async () => {
    const post = await makePost();
    await addLinks(post.id, 7);
    const plan = await planDeletion(db, posts, [post.id], { ...options, maxListed: 3 });
    const links = effect(plan.cascades, 'blog_post_link');
    expect(links?.count).toBe(7);
    expect(links?.rows).toHaveLength(3);
    const ids = (await db.select().from(postLinks).where(eq(postLinks.postId, post.id))).map((row) => row.id);
    expect(links?.rows.map((row) => Number(row.id))).toEqual(ids.sort((a, b) => a - b).slice(0, 3));
  });

  it('plans a 2,000-row bulk delete in a handful of queries, and deletes it', async () => {
    const category = await makeCategory();
    const tag = await makeTag();
    const created: number[] = [];
    for (let start = 0; start < 2000; start += 500) {
      const rows = await db
        .insert(posts)
        .values(
          Array.from({ length: 500 }, (_, index) => ({
            title: `Bulk ${start + index}`,
            slug: unique('bulk'),
            categoryId: category.id,
          })),
        )
        .returning({ id: posts.id });
      created.push(...rows.map((row) => row.id));
    }
    await db
      .insert(postLinks)
      .values(created.map((postId) => ({ postId, title: 'Link', url: 'https://x.test' })));
    await db.insert(postTags).values(created.map((postId) => ({ postId, tagId: tag.id })));

    const counted = await countingDb(database);
    try {
      const plan = await planDeletion(counted.db, posts, created.map(String), options);
      expect(plan.targets).toHaveLength(2000);
      expect(summary(plan.cascades)).toEqual({ blog_post_link: 2000, blog_post_tags: 2000 });
      expect(effect(plan.cascades, 'blog_post_link')?.rows).toHaveLength(100);
      // The targets, their three cascades (links, tag links, comments: none here), the tag notes under
      // blog_post_tags, then the full rows of the targets and of the links listed: one query each.
      expect(counted.queries).toHaveLength(7);
    } finally {
      await counted.close();
    }
    expect((await deleteInTransaction(posts, created)).count).toBe(2000);
    expect(await db.select().from(posts).where(eq(posts.categoryId, category.id))).toEqual([]);
  });

  it('deleteRows returns the files of deleted rows, cascaded ones included', async () => {
    const tag = await makeTag();
    const withCover = await makePost({ cover: image('uploads/covers/a.png') });
    const alsoWithCover = await makePost({ cover: image('uploads/covers/b.png') });
    const withoutCover = await makePost();
    const kept = await makePost({ cover: image('uploads/covers/kept.png') });
    await db.insert(postTags).values([
      { postId: withoutCover.id, tagId: tag.id },
      { postId: kept.id, tagId: tag.id },
    ]);
    await db.insert(tagNotes).values([
      { postId: withoutCover.id, tagId: tag.id, attachment: image('uploads/notes/n.png') },
      { postId: kept.id, tagId: tag.id, attachment: image('uploads/notes/kept.png') },
    ]);

    const plan = await planDeletion(db, posts, [withCover.id, alsoWithCover.id, withoutCover.id], options);
    // Reached through the composite foreign key, two levels down.
    expect(summary(plan.cascades)).toEqual({ blog_post_tags: 1, test_dp_tag_note: 1 });

    const result = await deleteInTransaction(posts, [withCover.id, alsoWithCover.id, withoutCover.id]);
    expect(result.count).toBe(3);
    expect(result.files.map((file) => file.name).sort()).toEqual([
      'uploads/covers/a.png',
      'uploads/covers/b.png',
      'uploads/notes/n.png',
    ]);
    expect(result.files[0]).toMatchObject({ contentType: 'image/png', size: 10 });
    expect(await db.select().from(tagNotes)).toHaveLength(1);
  });

  it('a referencing row added after the plan makes the delete fail with ProtectedError, not a 500', async () => {
    const category = await makeCategory();
    const plan = await planDeletion(db, categories, [category.id], options);
    expect(plan.blocked).toBe(false);
    await makePost({ categoryId: category.id });

    const failure = await deleteInTransaction(categories, [category.id]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProtectedError);
    expect(failure).toMatchObject({
      code: 'KEEN_E_PROTECTED',
      statusCode: 409,
      message: 'This object is still referenced and cannot be deleted.',
    });
    expect((failure as KeenError).detail).toMatch(/blog_post/);
    expect(await db.select().from(categories).where(eq(categories.id, category.id))).toHaveLength(1);
  });

  it('ids that cannot be keys match nothing instead of failing the query', async () => {
    const post = await makePost();
    const plan = await planDeletion(db, posts, ['abc', '99999999999', '1.5', '', String(post.id)], options);
    expect(plan.targets.map((row) => row.id)).toEqual([String(post.id)]);
    expect(await deleteInTransaction(posts, ['abc', '-3'])).toEqual({ count: 0, files: [] });
  });

  it('follows a tree down every level; selected rows are targets, not cascades', async () => {
    const [root] = await db.insert(nodes).values({ name: 'root' }).returning();
    const [a, b] = await db
      .insert(nodes)
      .values([
        { name: 'a', parentId: root!.id },
        { name: 'b', parentId: root!.id },
      ])
      .returning();
    const [a1] = await db.insert(nodes).values({ name: 'a1', parentId: a!.id }).returning();
    const [a1x] = await db.insert(nodes).values({ name: 'a1x', parentId: a1!.id }).returning();

    const plan = await planDeletion(db, nodes, [root!.id, b!.id], options);
    expect(plan.targets.map((row) => Number(row.id))).toEqual([root!.id, b!.id]);
    expect(effect(plan.cascades, 'test_dp_node')?.rows.map((row) => Number(row.id))).toEqual([
      a!.id,
      a1!.id,
      a1x!.id,
    ]);
    expect(plan.complete).toBe(true);

    const shallow = await planDeletion(db, nodes, [root!.id], { ...options, maxDepth: 2 });
    expect(shallow.complete).toBe(false);
    expect(effect(shallow.cascades, 'test_dp_node')?.count).toBe(3);

    expect((await deleteInTransaction(nodes, [root!.id])).count).toBe(1);
    expect(await db.select().from(nodes)).toEqual([]);
  });

  it('stops at a cycle of cascading foreign keys', async () => {
    const [left] = await db.insert(lefts).values({}).returning();
    const [right] = await db.insert(rights).values({ leftId: left!.id }).returning();
    await db.update(lefts).set({ rightId: right!.id }).where(eq(lefts.id, left!.id));

    const plan = await planDeletion(db, lefts, [left!.id], options);
    expect(summary(plan.cascades)).toEqual({ test_dp_right: 1 });
    expect(plan.complete).toBe(true);
    expect((await deleteInTransaction(lefts, [left!.id])).count).toBe(1);
    expect(await db.select().from(rights)).toEqual([]);
  });

  it('a restricting row deleted by a cascade does not block when PostgreSQL checks after it is gone', async () => {
    // The branch and the leaf both go on the first cascade level: the leaf is gone when the branch's
    // restrict check runs (one level later).
    const [root] = await db.insert(roots).values({}).returning();
    const [branch] = await db.insert(branches).values({ rootId: root!.id }).returning();
    await db.insert(leaves).values({ rootId: root!.id, branchId: branch!.id });

    const plan = await planDeletion(db, roots, [root!.id], options);
    expect(plan.blocked).toBe(false);
    expect(summary(plan.cascades)).toEqual({ test_dp_branch: 1, test_dp_leaf: 1 });
    expect((await deleteInTransaction(roots, [root!.id])).count).toBe(1);
    expect(await db.select().from(leaves)).toEqual([]);
  });

  it('a restricting row that a deeper cascade would delete still blocks, as PostgreSQL decides', async () => {
    // root → branch (level 1, restrict-checked on level 2); root → other branch → twig → leaf (level 3).
    const [root] = await db.insert(roots).values({}).returning();
    const [branch, other] = await db
      .insert(branches)
      .values([{ rootId: root!.id }, { rootId: root!.id }])
      .returning();
    const [twig] = await db.insert(twigs).values({ branchId: other!.id }).returning();
    const [leaf] = await db.insert(leaves).values({ twigId: twig!.id, branchId: branch!.id }).returning();

    const plan = await planDeletion(db, roots, [root!.id], options);
    expect(plan.blocked).toBe(true);
    expect(plan.blockers).toEqual([
      {
        table: leaves,
        tableName: 'test_dp_leaf',
        count: 1,
        rows: [{ id: String(leaf!.id), label: `test_dp_leaf #${leaf!.id}` }],
      },
    ]);
    await expect(deleteInTransaction(roots, [root!.id])).rejects.toBeInstanceOf(ProtectedError);

    // Deleting the branch alone leaves the leaf in place: blocked as well.
    expect((await planDeletion(db, branches, [branch!.id], options)).blocked).toBe(true);
    // Deleting the leaf's own twig first (it cascades to the leaf) frees both.
    await deleteInTransaction(twigs, [twig!.id]);
    expect((await planDeletion(db, roots, [root!.id], options)).blocked).toBe(false);
    expect((await deleteInTransaction(roots, [root!.id])).count).toBe(1);
  });
});
