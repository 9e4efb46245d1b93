/** The home page's reads: two queries (the latest posts, the active résumé), whatever their size. */

import type { Db } from '../../db/client.js';
import { listPublicPosts, type PostSummary } from '../blog/queries.js';
import type { ResumeDocument } from '../resume/document.js';
import { loadActiveResume } from '../resume/queries.js';

export const LATEST_POSTS = 5;
/** The home page shows this many skills and positions; the résumé page has them all. */
export const TOP_SKILLS = 12;
export const TIMELINE_LENGTH = 20;

export interface HomeContent {
  posts: PostSummary[];
  /** The public résumé, or null when no profile is active. */
  resume: ResumeDocument | null;
}

export async function loadHome(db: Db): Promise<HomeContent> {
  const [posts, resume] = await Promise.all([
    listPublicPosts(db, {}, { offset: 0, limit: LATEST_POSTS }),
    loadActiveResume(db),
  ]);
  return { posts, resume };
}
