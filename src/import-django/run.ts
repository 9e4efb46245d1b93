/**
 * `keen import-django`'s work: plan every table against the Django snapshot (./plan.ts), report it,
 * and, unless it is a rehearsal, write it all in one transaction. A Keen database holding rows the
 * Django one does not (or holding them differently) is refused unless `merge`: an import fills a new
 * site, and a second run over its own result finds nothing to change.
 */
import type { Db } from '../db/client.js';
import { CommandError } from '../errors.js';
import { applyAccounts, planAccounts } from './accounts.js';
import { applyBlog, BLOG_TABLES, planBlog } from './blog.js';
import { countsOf, linkCounts, type TableCounts } from './plan.js';
import type { DjangoSource } from './source.js';

export interface ImportOptions {
  dryRun: boolean;
  merge: boolean;
}

export interface ImportReport {
  counts: TableCounts[];
  /** Django rows left out, each with its reason. */
  skipped: string[];
  /** Posts whose HTML the sanitizer changed, by slug. */
  sanitized: string[];
  /** What the import leaves behind on purpose (columns Keen has no place for). */
  notes: string[];
  /** Rows inserted or updated (or that would be, in a rehearsal). */
  changes: number;
  written: boolean;
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
  const accounts = await planAccounts(source, db);
  const blog = await planBlog(source, db, accounts.users.matchedIds);
  const tables = [accounts.users, accounts.groups, blog.categories, blog.tags, blog.posts, blog.comments];
  const links = [accounts.memberships, accounts.userPermissions, accounts.groupPermissions, blog.postTags];
  const counts = [...tables.map((plan) => countsOf(plan)), ...links.map(linkCounts)];
  const report: ImportReport = {
    counts,
    skipped: [...tables, ...links].flatMap((plan) => plan.skipped),
    sanitized: blog.sanitized,
    notes: blog.notes,
    changes: counts.reduce((sum, row) => sum + row.insert + row.update, 0),
    written: false,
  };
  if (options.dryRun || report.changes === 0) return report;
  const foreign = counts.filter((row) => row.extra > 0 || row.update > 0);
  if (foreign.length && !options.merge) {
    throw new CommandError(
      `the Keen database already holds other data (${foreign
        .map((row) => `${row.table}: ${row.extra} row(s) not in the Django database, ${row.update} different`)
        .join('; ')}): import into an empty database, or pass --merge to add and update beside it`,
    );
  }
  await db.transaction(async (tx) => {
    const userIds = await applyAccounts(tx, accounts);
    await applyBlog(tx, blog, userIds);
  });
  report.written = true;
  return report;
}
