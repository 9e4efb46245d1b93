// Two people editing the same object: the second save, based on a version the first has replaced, is
// refused (409) instead of silently overwriting it (no lost update); inline rows only touch what the
// form showed. Deterministic: the "meanwhile" is a request made between two others, never a race.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBody } from '../../src/apps/blog/markup/render.js';
import { categories, postLinks, posts, postTags, tags } from '../../src/apps/blog/schema.js';
import { adminLog } from '../../src/contrib/admin/schema.js';
import type { TestClient } from '../support/client.js';
import { ENGINE } from '../support/database.js';
import { ADMIN, staffClient } from './support.js';
import {
  type AdminTestApp,
  createAdminTestApp,
  fieldValue,
  formErrors,
  openAndSubmit,
  readForm,
  submissionParts,
} from './view-helpers.js';

const STALE_MESSAGE =
  'Someone else changed this object after you opened it, so your changes were not saved. ' +
  'The form still shows your values: check the current version (open it in a new tab), then save again to overwrite it.';

describe(`admin stale edits (${ENGINE})`, () => {
  let t: AdminTestApp;
  let alice: TestClient;
  let bob: TestClient;
  let categoryId: number;

  const db = () => t.database.db;
  const postRow = async (id: number) => (await db().select().from(posts).where(eq(posts.id, id)))[0];
  const changeUrl = (id: number) => `${ADMIN}blog/post/${id}/change/`;
  const linksOf = (id: number) =>
    db().select().from(postLinks).where(eq(postLinks.postId, id)).orderBy(postLinks.id);

  async function newPost(slug: string) {
    const [row] = await db()
      .insert(posts)
      .values({
        title: 'Original title',
        slug,
        body: 'Original body',
        // What a save derives, so a save that changes only inline rows leaves the post as it is.
        summary: 'Original body',
        metaDescription: 'Original body',
        bodyHtml: await renderBody('Original body', 'markdown'),
        categoryId,
      })
      .returning();
    return row!;
  }

  /** Opens the change form and returns what the browser holds (the form, with its version). */
  async function open(client: TestClient, id: number) {
    const page = await client.get(changeUrl(id));
    expect(page.statusCode).toBe(200);
    return readForm(page.body);
  }

  beforeAll(async () => {
    t = await createAdminTestApp();
    const [category] = await db().insert(categories).values({ name: 'News', slug: 'news' }).returning();
    categoryId = category!.id;
    alice = await staffClient(t, 'alice', { superuser: true });
    bob = await staffClient(t, 'bob', {
      perms: ['blog.view_post', 'blog.change_post', 'blog.view_postlink', 'blog.add_postlink'],
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses the second of two saves from the same starting version (409), keeping the first', async () => {
    const post = await newPost('race');
    const aliceForm = await open(alice, post.id);
    const bobForm = await open(bob, post.id);
    expect(fieldValue(aliceForm, '_version')).toBe(fieldValue(bobForm, '_version'));

    const first = await alice.postMultipart(
      aliceForm.action,
      submissionParts(aliceForm, { title: 'Alice’s title' }),
    );
    expect(first.statusCode).toBe(303);
    const logBefore = await db()
      .select()
      .from(adminLog)
      .where(eq(adminLog.objectId, String(post.id)));

    const second = await bob.postMultipart(bobForm.action, submissionParts(bobForm, { body: 'Bob’s body' }));
    expect(second.statusCode).toBe(409);
    expect(formErrors(second.body)).toEqual([STALE_MESSAGE]);
    // No lost update: Alice's change stands, Bob's did not land, and nothing was logged for it.
    expect(await postRow(post.id)).toMatchObject({ title: 'Alice’s title', body: 'Original body' });
    expect(
      await db()
        .select()
        .from(adminLog)
        .where(eq(adminLog.objectId, String(post.id))),
    ).toEqual(logBefore);

    // The form comes back with Bob's values and the current version, so saving again is a decision.
    const again = readForm(second.body);
    expect(fieldValue(again, 'body')).toBe('Bob’s body');
    expect(fieldValue(again, 'title')).toBe('Original title');
    const current = fieldValue(await open(alice, post.id), '_version');
    expect(fieldValue(again, '_version')).toBe(current);
    expect(fieldValue(again, '_version')).not.toBe(fieldValue(bobForm, '_version'));

    const retried = await bob.postMultipart(again.action, submissionParts(again));
    expect(retried.statusCode).toBe(303);
    // Bob saw the warning and saved his form as it was: his values win, knowingly.
    expect(await postRow(post.id)).toMatchObject({ title: 'Original title', body: 'Bob’s body' });

    // Bob's old form is still stale, and so is Alice's first one now.
    expect((await bob.postMultipart(bobForm.action, submissionParts(bobForm))).statusCode).toBe(409);
    expect((await alice.postMultipart(aliceForm.action, submissionParts(aliceForm))).statusCode).toBe(409);
  });

  it('refuses a save whose version is missing or forged', async () => {
    const post = await newPost('no-version');
    const form = await open(alice, post.id);
    for (const version of [null, '', 'not-a-version', '0'.repeat(32)]) {
      const response = await alice.postMultipart(
        form.action,
        submissionParts(form, { _version: version, title: 'Blind write' }),
      );
      expect(response.statusCode, String(version)).toBe(409);
    }
    expect((await postRow(post.id))?.title).toBe('Original title');
  });

  it('a save that changes only relations still refuses a stale version of the row', async () => {
    const post = await newPost('stale-tags');
    const [tag] = await db().insert(tags).values({ name: 'stale-tag' }).returning();
    const bobForm = await open(bob, post.id);
    expect((await openAndSubmit(alice, changeUrl(post.id), { title: 'Moved on' })).statusCode).toBe(303);
    const response = await bob.postMultipart(
      bobForm.action,
      submissionParts(bobForm, { tags: [String(tag!.id)] }),
    );
    expect(response.statusCode).toBe(409);
    expect(await db().select().from(postTags).where(eq(postTags.postId, post.id))).toEqual([]);
  });

  it('a stale inline edit changes only the rows it showed: a link added meanwhile is kept', async () => {
    const post = await newPost('inline-race');
    const [first] = await db()
      .insert(postLinks)
      .values({ postId: post.id, title: 'First', url: 'https://example.com/1', position: 1 })
      .returning();
    // Alice opens the form while the post has one link.
    const aliceForm = await open(alice, post.id);
    expect(fieldValue(aliceForm, 'blog_post_link-TOTAL')).toBe('2');

    // Meanwhile Bob adds a second link through his own form.
    const added = await openAndSubmit(bob, changeUrl(post.id), {
      'blog_post_link-1-title': 'Added by Bob',
      'blog_post_link-1-url': 'https://example.com/bob',
      'blog_post_link-1-position': '2',
    });
    expect(added.statusCode).toBe(303);
    const [, bobs] = await linksOf(post.id);
    expect(bobs).toMatchObject({ title: 'Added by Bob' });

    // Alice edits the link she saw and adds one of her own; Bob's link is not in her form.
    const saved = await alice.postMultipart(
      aliceForm.action,
      submissionParts(aliceForm, {
        'blog_post_link-0-title': 'First, edited',
        'blog_post_link-1-title': 'Added by Alice',
        'blog_post_link-1-url': 'https://example.com/alice',
        'blog_post_link-1-position': '3',
      }),
    );
    expect(saved.statusCode).toBe(303);
    const links = await linksOf(post.id);
    expect(links.map((link) => [link.id, link.title, link.url])).toEqual([
      [first!.id, 'First, edited', 'https://example.com/1'],
      [bobs!.id, 'Added by Bob', 'https://example.com/bob'],
      [expect.any(Number), 'Added by Alice', 'https://example.com/alice'],
    ]);

    // A stale form that deletes its rows deletes only those: Bob's link stays.
    const deleting = await open(alice, post.id);
    const stale = {
      ...deleting,
      fields: deleting.fields.filter(([name]) => !name.startsWith('blog_post_link-')),
    };
    const onlyFirst = await alice.postMultipart(
      stale.action,
      submissionParts(stale, {
        'blog_post_link-TOTAL': '1',
        'blog_post_link-0-id': String(first!.id),
        'blog_post_link-0-title': 'First, edited',
        'blog_post_link-0-url': 'https://example.com/1',
        'blog_post_link-0-DELETE': 'on',
      }),
    );
    expect(onlyFirst.statusCode).toBe(303);
    expect((await linksOf(post.id)).map((link) => link.title)).toEqual(['Added by Bob', 'Added by Alice']);
  });

  it('an inline row deleted meanwhile is not brought back by a stale form that edits it', async () => {
    const post = await newPost('inline-deleted');
    const [link] = await db()
      .insert(postLinks)
      .values({ postId: post.id, title: 'Doomed', url: 'https://example.com/doomed' })
      .returning();
    const aliceForm = await open(alice, post.id);
    // Meanwhile, in another tab, Alice deletes the link.
    const deleted = await openAndSubmit(alice, changeUrl(post.id), { 'blog_post_link-0-DELETE': 'on' });
    expect(deleted.statusCode).toBe(303);
    expect(await linksOf(post.id)).toEqual([]);

    const saved = await alice.postMultipart(
      aliceForm.action,
      submissionParts(aliceForm, { 'blog_post_link-0-title': 'Edited after its deletion' }),
    );
    expect(saved.statusCode).toBe(303);
    expect(await linksOf(post.id)).toEqual([]);
    expect(fieldValue(aliceForm, 'blog_post_link-0-id')).toBe(String(link!.id));
  });
});
