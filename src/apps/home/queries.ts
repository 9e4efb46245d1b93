/** The home page's reads: three queries, whatever the size of the blog and the résumé. */

import type { Db } from '../../db/client.js';
import { listPublicPosts, type PostSummary } from '../blog/queries.js';
import { loadTimeline, loadTopSkills, type SkillEntry } from '../resume/queries.js';

export const LATEST_POSTS = 5;

export interface HomeContent {
  posts: PostSummary[];
  skills: SkillEntry[];
  timeline: Awaited<ReturnType<typeof loadTimeline>>;
}

export async function loadHome(db: Db): Promise<HomeContent> {
  const [posts, skills, timeline] = await Promise.all([
    listPublicPosts(db, {}, { offset: 0, limit: LATEST_POSTS }),
    loadTopSkills(db),
    loadTimeline(db),
  ]);
  return { posts, skills, timeline };
}
