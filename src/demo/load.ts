/**
 * Writes the demo site (./content.ts) into an empty site: settings, categories, tags, posts (with a
 * generated image as cover and inside a body), comments waiting for moderation, and a résumé. It runs
 * in one transaction and refuses a database that already has content, so it can never mix with or
 * overwrite a real site.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, count, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { loadBodyRenderer } from '../apps/blog/markup/render.js';
import { applyPostRules } from '../apps/blog/post-rules.js';
import { categories, comments, type PostRow, posts, postTags, tags } from '../apps/blog/schema.js';
import {
  achievements,
  certifications,
  education,
  experience,
  profiles,
  skills,
} from '../apps/resume/schema.js';
import { siteSettings } from '../apps/site/schema.js';
import { users } from '../contrib/auth/schema.js';
import { type StoredImage, saveImage } from '../contrib/media/fields.js';
import type { Media } from '../contrib/media/media.js';
import type { Db } from '../db/client.js';
import { CommandError } from '../errors.js';
import { DEMO_CATEGORIES, DEMO_POSTS, DEMO_RESUME, DEMO_SITE } from './content.js';

export interface DemoSummary {
  posts: number;
  comments: number;
  positions: number;
  skills: number;
}

/** A round portrait placeholder: initials on a coloured disc (made here, no binary in the repository). */
async function demoPhoto(media: Media, initials: string): Promise<StoredImage> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">
  <rect width="400" height="400" fill="#2563eb"/>
  <text x="200" y="245" font-family="sans-serif" font-size="150" fill="#fff" text-anchor="middle">${initials}</text>
</svg>`;
  return savedPng(media, svg, 'portrait.png');
}

const DAY = 24 * 60 * 60 * 1000;

/** What makes a site "not empty": any post, category, tag or résumé profile, or edited settings. */
async function hasContent(db: Db): Promise<boolean> {
  const counts = await Promise.all(
    [posts, categories, tags, profiles].map(
      async (table) => (await db.select({ n: count() }).from(table))[0]?.n ?? 0,
    ),
  );
  const [settings] = await db.select().from(siteSettings).limit(1);
  return (
    counts.some((n) => n > 0) ||
    (settings !== undefined && (settings.about !== '' || settings.siteName !== 'Keen'))
  );
}

/** A 1200×630 PNG drawing of the three tiers (made here, so the demo needs no binary in the repository). */
async function demoImage(media: Media): Promise<StoredImage> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">
  <rect width="1200" height="630" fill="#1f2937"/>
  ${['nginx', 'Keen', 'PostgreSQL']
    .map(
      (name, i) =>
        `<rect x="${120 + i * 340}" y="215" width="280" height="200" rx="24" fill="${['#2563eb', '#0ea5e9', '#6366f1'][i]}"/>` +
        `<text x="${260 + i * 340}" y="328" font-family="sans-serif" font-size="44" fill="#fff" text-anchor="middle">${name}</text>`,
    )
    .join('')}
</svg>`;
  return savedPng(media, svg, 'three-tiers.png');
}

/** `svg` drawn to a PNG and saved through the media storage like an upload. */
async function savedPng(media: Media, svg: string, name: string): Promise<StoredImage> {
  const folder = await mkdtemp(join(tmpdir(), 'keen-demo-'));
  const path = join(folder, name);
  try {
    await writeFile(path, await sharp(Buffer.from(svg)).png().toBuffer());
    const { size } = await stat(path);
    return await saveImage(media, { field: 'image', path, size, kind: 'png', originalName: name });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export async function loadDemo(db: Db, media: Media, now = new Date()): Promise<DemoSummary> {
  if (await hasContent(db)) {
    throw new CommandError('the site already has content: keen loaddemo only fills an empty site');
  }
  const image = await demoImage(media);
  const imageUrl = media.url(image.name);
  const photo = await demoPhoto(media, 'АК');
  const render = await loadBodyRenderer();
  return db.transaction(async (tx) => {
    await tx
      .update(siteSettings)
      .set({ ...DEMO_SITE, updatedAt: now })
      .where(eq(siteSettings.id, 1));
    const [author] = await tx.select({ id: users.id }).from(users).orderBy(asc(users.id)).limit(1);
    const categoryRows = await tx.insert(categories).values(DEMO_CATEGORIES).returning();
    const categoryId = new Map(categoryRows.map((row) => [row.name, row.id]));
    const tagNames = [...new Set(DEMO_POSTS.flatMap((post) => post.tags))];
    const tagRows = await tx
      .insert(tags)
      .values(tagNames.map((name) => ({ name })))
      .returning();
    const tagId = new Map(tagRows.map((row) => [row.name, row.id]));
    let commentCount = 0;
    for (const [index, demo] of DEMO_POSTS.entries()) {
      const values: Partial<PostRow> = {
        title: demo.title,
        slug: '',
        body: demo.body.replaceAll('{image}', imageUrl),
        bodyFormat: 'markdown',
        status: 'published',
        publishedAt: new Date(now.getTime() - demo.daysAgo * DAY),
        categoryId: categoryId.get(demo.category) ?? null,
        authorId: author?.id ?? null,
        // The image is inside the first post; the English one wears it as a cover.
        cover: index === 2 ? image : null,
      };
      // The rules a save in the admin applies: slug, summary, meta description, reading time.
      await applyPostRules(tx, values, null, { id: author?.id ?? 0 });
      if (!author) values.authorId = null;
      const [post] = await tx
        .insert(posts)
        .values(values as typeof posts.$inferInsert)
        .returning({ id: posts.id });
      if (!post) continue;
      await tx
        .insert(postTags)
        .values(demo.tags.map((name) => ({ postId: post.id, tagId: tagId.get(name) ?? 0 })));
      for (const comment of demo.comments ?? []) {
        await tx.insert(comments).values({ postId: post.id, ...comment, isApproved: false });
        commentCount += 1;
      }
    }
    const { profile: person } = DEMO_RESUME;
    const [profile] = await tx
      .insert(profiles)
      .values({
        ...person,
        summaryHtml: render(person.summary, 'markdown'),
        photo,
        isActive: true,
      })
      .returning({ id: profiles.id });
    const profileId = profile?.id ?? 0;
    const ordered = <T>(rows: readonly T[]) => rows.map((row, order) => ({ ...row, profileId, order }));
    await tx.insert(experience).values(
      ordered(DEMO_RESUME.experience).map((row) => ({
        ...row,
        descriptionHtml: render(row.description, 'markdown'),
      })),
    );
    await tx.insert(skills).values(ordered(DEMO_RESUME.skills));
    await tx.insert(certifications).values(ordered(DEMO_RESUME.certifications));
    await tx.insert(achievements).values(
      ordered(DEMO_RESUME.achievements).map((row) => ({
        ...row,
        descriptionHtml: render(row.description, 'markdown'),
      })),
    );
    await tx.insert(education).values(ordered(DEMO_RESUME.education));
    return {
      posts: DEMO_POSTS.length,
      comments: commentCount,
      positions: DEMO_RESUME.experience.length,
      skills: DEMO_RESUME.skills.length,
    };
  });
}
