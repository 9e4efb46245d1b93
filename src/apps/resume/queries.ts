/** The résumé page's reads: three bounded queries, whatever the number of positions. */
import { asc, desc, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { highlights, positions, skills } from './schema.js';

/** A résumé longer than this is cut (a page, not an archive). */
export const MAX_POSITIONS = 100;
export const MAX_SKILLS = 200;
const MAX_HIGHLIGHTS = 2000;

export interface PositionWithHighlights {
  id: number;
  company: string;
  role: string;
  location: string;
  startDate: string;
  endDate: string | null;
  summary: string;
  highlights: string[];
}

export interface SkillEntry {
  name: string;
  /** numeric(3,1) as PostgreSQL writes it, e.g. "8.5". */
  level: string;
}

export interface Resume {
  positions: PositionWithHighlights[];
  skills: SkillEntry[];
}

export async function loadResume(db: Db): Promise<Resume> {
  const [positionRows, skillRows] = await Promise.all([
    db.select().from(positions).orderBy(desc(positions.startDate), desc(positions.id)).limit(MAX_POSITIONS),
    db
      .select({ name: skills.name, level: skills.level })
      .from(skills)
      .orderBy(desc(skills.level), asc(skills.name))
      .limit(MAX_SKILLS),
  ]);
  const ids = positionRows.map((row) => row.id);
  // One query for every position's highlights, through resume_highlight_position_idx.
  const highlightRows =
    ids.length === 0
      ? []
      : await db
          .select({ positionId: highlights.positionId, text: highlights.text })
          .from(highlights)
          .where(inArray(highlights.positionId, ids))
          .orderBy(asc(highlights.positionId), asc(highlights.position), asc(highlights.id))
          .limit(MAX_HIGHLIGHTS);
  const byPosition = new Map<number, string[]>();
  for (const row of highlightRows) {
    const list = byPosition.get(row.positionId) ?? [];
    list.push(row.text);
    byPosition.set(row.positionId, list);
  }
  return {
    positions: positionRows.map((row) => ({ ...row, highlights: byPosition.get(row.id) ?? [] })),
    skills: skillRows,
  };
}

/** The experience timeline for the home page: positions without highlights, newest first (one query). */
export async function loadTimeline(
  db: Db,
  limit = 20,
): Promise<Omit<PositionWithHighlights, 'highlights'>[]> {
  return db
    .select({
      id: positions.id,
      company: positions.company,
      role: positions.role,
      location: positions.location,
      startDate: positions.startDate,
      endDate: positions.endDate,
      summary: positions.summary,
    })
    .from(positions)
    .orderBy(desc(positions.startDate), desc(positions.id))
    .limit(limit);
}

/** The strongest skills first (one query). */
export async function loadTopSkills(db: Db, limit = 12): Promise<SkillEntry[]> {
  return db
    .select({ name: skills.name, level: skills.level })
    .from(skills)
    .orderBy(desc(skills.level), asc(skills.name))
    .limit(limit);
}
