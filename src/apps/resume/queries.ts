/**
 * The résumé's reads. A whole résumé (a profile and its five lists) is one query: the children come
 * back as JSON arrays built by the database, each in its order through the (profile, order) indexes.
 */
import { eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type BodyFormat, storedOrRendered } from '../blog/markup/render.js';
import { safeLinkUrl } from '../blog/text.js';
import type { ResumeDocument } from './document.js';
import { achievements, certifications, education, experience, profiles, skills } from './schema.js';

/** Each list is cut here: a résumé, not an archive. */
export const MAX_ITEMS = 100;

interface ExperienceJson {
  position: string;
  company: string;
  companyDescription: string;
  location: string;
  startDate: string;
  endDate: string | null;
  description: string;
  descriptionFormat: BodyFormat;
  descriptionHtml: string;
}
interface SkillJson {
  name: string;
  category: string;
  level: number | string | null;
}
interface CertificationJson {
  name: string;
  provider: string;
  dateObtained: string | null;
  credentialUrl: string | null;
}
interface AchievementJson {
  title: string;
  description: string;
  descriptionFormat: BodyFormat;
  descriptionHtml: string;
  icon: string;
}
interface EducationJson {
  school: string;
  degree: string;
  field: string;
  startYear: number | null;
  endYear: number | null;
}

/** The rows of `table` under the profile, as a JSON array of `fields`, in order (never null). */
function childList(
  table: { profileId: unknown; order: unknown; id: unknown },
  fields: Record<string, unknown>,
  name: string,
): SQL {
  const pairs = sql.join(
    Object.entries(fields).map(([key, column]) => sql`${sql.raw(`'${key}'`)}, ${column}`),
    sql`, `,
  );
  return sql`coalesce((select json_agg(json_build_object(${pairs}) order by ${table.order}, ${table.id}) from (select * from ${sql.raw(`"${name}"`)} c where c.profile_id = ${profiles.id} order by c."order", c.id limit ${MAX_ITEMS}) as ${sql.raw(`"${name}"`)}), '[]'::json)`;
}

/** Skill levels are stored 0–10 (as the Django site had them); readers see 1–5. */
function levelOf(level: number | string | null): number | null {
  if (level === null) return null;
  return Math.min(5, Math.max(1, Math.round(Number(level) / 2)));
}

async function loadResumeWhere(db: Db, where: SQL): Promise<ResumeDocument | null> {
  const [row] = await db
    .select({
      profile: profiles,
      experience: sql<ExperienceJson[]>`${childList(
        experience,
        {
          position: experience.position,
          company: experience.company,
          companyDescription: experience.companyDescription,
          location: experience.location,
          startDate: experience.startDate,
          endDate: experience.endDate,
          description: experience.description,
          descriptionFormat: experience.descriptionFormat,
          descriptionHtml: experience.descriptionHtml,
        },
        'resume_experience',
      )}`,
      skills: sql<SkillJson[]>`${childList(
        skills,
        { name: skills.name, category: skills.category, level: skills.level },
        'resume_skill',
      )}`,
      certifications: sql<CertificationJson[]>`${childList(
        certifications,
        {
          name: certifications.name,
          provider: certifications.provider,
          dateObtained: certifications.dateObtained,
          credentialUrl: certifications.credentialUrl,
        },
        'resume_certification',
      )}`,
      achievements: sql<AchievementJson[]>`${childList(
        achievements,
        {
          title: achievements.title,
          description: achievements.description,
          descriptionFormat: achievements.descriptionFormat,
          descriptionHtml: achievements.descriptionHtml,
          icon: achievements.icon,
        },
        'resume_achievement',
      )}`,
      education: sql<EducationJson[]>`${childList(
        education,
        {
          school: education.school,
          degree: education.degree,
          field: education.field,
          startYear: education.startYear,
          endYear: education.endYear,
        },
        'resume_education',
      )}`,
    })
    .from(profiles)
    .where(where)
    .limit(1);
  if (!row) return null;
  const { profile } = row;
  return {
    id: profile.id,
    fullName: profile.fullName,
    title: profile.title,
    email: profile.email,
    location: profile.location,
    linkedinUrl: safeLinkUrl(profile.linkedinUrl ?? ''),
    githubUrl: safeLinkUrl(profile.githubUrl ?? ''),
    websiteUrl: safeLinkUrl(profile.websiteUrl ?? ''),
    summaryHtml: await storedOrRendered(profile.summaryHtml, profile.summary, profile.summaryFormat),
    photo: profile.photo
      ? { name: profile.photo.name, width: profile.photo.width, height: profile.photo.height }
      : null,
    updatedAt: profile.updatedAt,
    experience: await Promise.all(
      row.experience.map(async (item) => ({
        position: item.position,
        company: item.company,
        companyDescription: item.companyDescription,
        location: item.location,
        startDate: item.startDate,
        endDate: item.endDate,
        descriptionHtml: await storedOrRendered(
          item.descriptionHtml,
          item.description,
          item.descriptionFormat,
        ),
      })),
    ),
    skills: row.skills.map((item) => ({
      name: item.name,
      category: item.category,
      level: levelOf(item.level),
    })),
    certifications: row.certifications.map((item) => ({
      ...item,
      credentialUrl: safeLinkUrl(item.credentialUrl ?? ''),
    })),
    achievements: await Promise.all(
      row.achievements.map(async (item) => ({
        title: item.title,
        icon: item.icon,
        descriptionHtml: await storedOrRendered(
          item.descriptionHtml,
          item.description,
          item.descriptionFormat,
        ),
      })),
    ),
    education: row.education,
  };
}

/** The public résumé: the active profile, or null when none is active. One query. */
export function loadActiveResume(db: Db): Promise<ResumeDocument | null> {
  return loadResumeWhere(db, eq(profiles.isActive, true));
}

/** Any profile, active or not (staff previews). One query. */
export function loadResumeById(db: Db, id: number): Promise<ResumeDocument | null> {
  return loadResumeWhere(db, eq(profiles.id, id));
}
