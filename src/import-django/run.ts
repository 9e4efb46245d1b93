/**
 * `keen import-django`'s work: plan every table against the Django snapshot (./plan.ts), report it,
 * and, unless it is a rehearsal, write it all in one transaction. A Keen database holding rows the
 * Django one does not (or holding them differently) is refused unless `merge`: an import fills a new
 * site, and a second run over its own result finds nothing to change.
 */
import type { Media } from '../contrib/media/media.js';
import type { Db } from '../db/client.js';
import { CommandError } from '../errors.js';
import { applyAccounts, planAccounts } from './accounts.js';
import { applyBlog, BLOG_TABLES, planBlog } from './blog.js';
import { unknownColumns } from './columns.js';
import { applyHistory, planHistory } from './history.js';
import {
  applyRedirects,
  copyMedia,
  DJANGO_MEDIA_URL,
  type MediaPlan,
  mediaReferences,
  planMedia,
  planRedirects,
  releaseMedia,
} from './media.js';
import type { DjangoMediaSource } from './media-source.js';
import { countsOf, linkCounts, type TableCounts } from './plan.js';
import { applyResume, planResume, RESUME_TABLES, resumeTables } from './resume.js';
import type { DjangoSource } from './source.js';

export interface ImportOptions {
  dryRun: boolean;
  merge: boolean;
  /**
   * The files (`--media-from`): read from the Django site's folder or bucket and stored in Keen's media
   * storage. `url` is the Django site's MEDIA_URL (default `/media/`).
   */
  media?: { from: DjangoMediaSource; keen: Media; url?: string };
}

export interface ImportReport {
  counts: TableCounts[];
  /** Django rows left out, each with its reason. */
  skipped: string[];
  /** Posts whose HTML the sanitizer changed: the slug and what it removed. */
  sanitized: string[];
  /** Referenced files that could not be copied: name, why, and the rows that point at them. */
  missingMedia: string[];
  /** What the import leaves behind: columns it does not know, values Keen has no place for. */
  notes: string[];
  /** Rows inserted or updated, and files copied (or that would be, in a rehearsal). */
  changes: number;
  written: boolean;
}

/** The report's line for the files: read = referenced, insert = to copy, unchanged = stored already. */
function mediaCounts(plan: MediaPlan): TableCounts {
  const count = (...actions: string[]) => plan.files.filter((file) => actions.includes(file.action)).length;
  return {
    table: 'media files',
    read: plan.files.length,
    insert: count('copy'),
    update: 0,
    unchanged: count('same'),
    skipped: count('missing', 'refused'),
    extra: 0,
  };
}

export async function importDjango(
  db: Db,
  source: DjangoSource,
  options: ImportOptions,
): Promise<ImportReport> {
  const present = await source.tables();
  const missing = BLOG_TABLES.filter((table) => !present.has(table));
  if (missing.length)
    throw new CommandError(`the Django database has no ${missing.join(', ')}: is it the site's?`);
  // A site without the résumé app has none of its tables, and is imported without it.
  const resumeMissing = RESUME_TABLES.filter((table) => !present.has(table));
  if (resumeMissing.length && resumeMissing.length < RESUME_TABLES.length)
    throw new CommandError(`the Django database has no ${resumeMissing.join(', ')}: is it the site's?`);

  const mediaUrl = options.media?.url ?? DJANGO_MEDIA_URL;
  const references = await mediaReferences(source, present, mediaUrl);
  const media = await planMedia(
    references,
    options.media?.from ?? null,
    options.media?.keen ?? null,
    mediaUrl,
  );
  try {
    const accounts = await planAccounts(source, db);
    const blog = await planBlog(source, db, accounts.users.matchedIds, media.media);
    const resume = resumeMissing.length ? null : await planResume(source, db, media.media);
    const redirects = await planRedirects(db, media);
    const history = await planHistory(source, db, present);
    const tables = [
      ...[accounts.users, accounts.groups, blog.categories, blog.tags, blog.posts, blog.comments],
      ...(resume ? resumeTables(resume) : []),
      redirects,
      ...(history ? [history.entries] : []),
    ];
    const links = [accounts.memberships, accounts.userPermissions, accounts.groupPermissions, blog.postTags];
    const counts = [
      ...tables.map((plan) => countsOf(plan)),
      ...links.map(linkCounts),
      ...(options.media ? [mediaCounts(media)] : []),
    ];
    const unread = options.media ? [] : media.files;
    const report: ImportReport = {
      counts,
      skipped: [...tables, ...links].flatMap((plan) => plan.skipped),
      sanitized: blog.sanitized,
      missingMedia: options.media
        ? media.files
            .filter((file) => file.action === 'missing' || file.action === 'refused')
            .map((file) => `${file.djangoName}: ${file.reason} (${file.referencedBy.join(', ')})`)
        : [],
      notes: [
        ...(await unknownColumns(source)),
        ...blog.notes,
        ...(resume?.notes ?? ['resume: the Django site has no résumé tables; none imported']),
        ...(history ? [] : ['django_admin_log: the Django site has no admin log; no history imported']),
        ...(unread.length
          ? [
              `media: ${unread.length} file(s) referenced and not copied (no --media-from): give the Django MEDIA_ROOT or bucket to copy them`,
            ]
          : []),
      ],
      changes: counts.reduce((sum, row) => sum + row.insert + row.update, 0),
      written: false,
    };
    if (options.dryRun || report.changes === 0) return report;
    const foreign = counts.filter((row) => row.extra > 0 || row.update > 0);
    if (foreign.length && !options.merge) {
      throw new CommandError(
        `the Keen database already holds other data (${foreign
          .map(
            (row) => `${row.table}: ${row.extra} row(s) not in the Django database, ${row.update} different`,
          )
          .join('; ')}): import into an empty database, or pass --merge to add and update beside it`,
      );
    }
    // Files first, each verified: the rows that point at them are written only once they are all there.
    if (options.media) await copyMedia(media, options.media.keen);
    await db.transaction(async (tx) => {
      const accountIds = await applyAccounts(tx, accounts);
      const blogIds = await applyBlog(tx, blog, accountIds.users);
      const resumeIds = resume ? await applyResume(tx, resume) : undefined;
      await applyRedirects(tx, redirects);
      if (history) {
        await applyHistory(tx, history, {
          'auth.user': accountIds.users,
          'auth.group': accountIds.groups,
          'blog.category': blogIds.categories,
          'blog.tag': blogIds.tags,
          'blog.post': blogIds.posts,
          'blog.comment': blogIds.comments,
          'resume.profile': resumeIds?.profile,
          'resume.experience': resumeIds?.experience,
          'resume.skill': resumeIds?.skill,
          'resume.certification': resumeIds?.certification,
          'resume.achievement': resumeIds?.achievement,
        });
      }
    });
    report.written = true;
    return report;
  } finally {
    await releaseMedia(media);
  }
}
