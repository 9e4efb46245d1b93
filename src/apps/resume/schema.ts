/**
 * The résumé: profiles, each with its experience, skills, certifications, achievements and education.
 * One profile at most is active (the public one), which the database itself enforces with a partial
 * unique index; the others are drafts staff can preview. Children go with their profile (cascade) and
 * are read in their order through (profile, order) indexes.
 *
 * Rich text (the summary, descriptions) is kept as written plus its sanitized HTML, made on save with
 * the blog's renderer (Markdown or HTML, the same allow-list).
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';
import { imageField } from '../../contrib/media/fields.js';
import { urlField } from '../../db/url-field.js';
import { bodyFormat } from '../blog/schema.js';

export const profiles = pgTable(
  'resume_profile',
  {
    id: serial('id').primaryKey(),
    fullName: varchar('full_name', { length: 200 }).notNull(),
    title: varchar('title', { length: 300 }).notNull().default(''),
    email: varchar('email', { length: 254 }).notNull().default(''),
    location: varchar('location', { length: 150 }).notNull().default(''),
    linkedinUrl: urlField('linkedin_url', 500),
    githubUrl: urlField('github_url', 500),
    websiteUrl: urlField('website_url', 500),
    summary: text('summary').notNull().default(''),
    summaryFormat: bodyFormat('summary_format').notNull().default('markdown'),
    summaryHtml: text('summary_html').notNull().default(''),
    photo: imageField('photo'),
    isActive: boolean('is_active').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('resume_profile_one_active').on(t.isActive).where(sql`${t.isActive}`)],
);

const profileId = () =>
  integer('profile_id')
    .notNull()
    .references(() => profiles.id, { onDelete: 'cascade' });

export const experience = pgTable(
  'resume_experience',
  {
    id: serial('id').primaryKey(),
    profileId: profileId(),
    position: varchar('position', { length: 200 }).notNull(),
    company: varchar('company', { length: 200 }).notNull(),
    companyDescription: varchar('company_description', { length: 500 }).notNull().default(''),
    location: varchar('location', { length: 150 }).notNull().default(''),
    startDate: date('start_date').notNull(),
    /** Empty while the position is current. */
    endDate: date('end_date'),
    description: text('description').notNull().default(''),
    descriptionFormat: bodyFormat('description_format').notNull().default('markdown'),
    descriptionHtml: text('description_html').notNull().default(''),
    order: integer('order').notNull().default(0),
  },
  (t) => [
    check('resume_experience_dates_ordered', sql`${t.endDate} IS NULL OR ${t.endDate} >= ${t.startDate}`),
    index('resume_experience_profile_order_idx').on(t.profileId, t.order),
  ],
);

export const skills = pgTable(
  'resume_skill',
  {
    id: serial('id').primaryKey(),
    profileId: profileId(),
    name: varchar('name', { length: 100 }).notNull(),
    category: varchar('category', { length: 100 }).notNull().default(''),
    /** 0.0 to 10.0, or empty when not rated. */
    level: numeric('level', { precision: 3, scale: 1 }),
    order: integer('order').notNull().default(0),
  },
  (t) => [
    check('resume_skill_level_range', sql`${t.level} IS NULL OR (${t.level} >= 0 AND ${t.level} <= 10)`),
    // "Python" and "python" are one skill.
    uniqueIndex('resume_skill_profile_name_key').on(t.profileId, sql`lower(${t.name})`),
    index('resume_skill_profile_order_idx').on(t.profileId, t.order),
  ],
);

export const certifications = pgTable(
  'resume_certification',
  {
    id: serial('id').primaryKey(),
    profileId: profileId(),
    name: varchar('name', { length: 200 }).notNull(),
    provider: varchar('provider', { length: 200 }).notNull().default(''),
    dateObtained: date('date_obtained'),
    credentialUrl: urlField('credential_url', 500),
    order: integer('order').notNull().default(0),
  },
  (t) => [index('resume_certification_profile_order_idx').on(t.profileId, t.order)],
);

export const achievements = pgTable(
  'resume_achievement',
  {
    id: serial('id').primaryKey(),
    profileId: profileId(),
    title: varchar('title', { length: 200 }).notNull(),
    description: text('description').notNull().default(''),
    descriptionFormat: bodyFormat('description_format').notNull().default('markdown'),
    descriptionHtml: text('description_html').notNull().default(''),
    icon: varchar('icon', { length: 30 }).notNull().default(''),
    order: integer('order').notNull().default(0),
  },
  (t) => [index('resume_achievement_profile_order_idx').on(t.profileId, t.order)],
);

export const education = pgTable(
  'resume_education',
  {
    id: serial('id').primaryKey(),
    profileId: profileId(),
    school: varchar('school', { length: 200 }).notNull(),
    degree: varchar('degree', { length: 200 }).notNull().default(''),
    field: varchar('field', { length: 200 }).notNull().default(''),
    startYear: integer('start_year'),
    endYear: integer('end_year'),
    order: integer('order').notNull().default(0),
  },
  (t) => [
    check(
      'resume_education_years',
      sql`(${t.startYear} IS NULL OR ${t.startYear} BETWEEN 1900 AND 2200) AND (${t.endYear} IS NULL OR ${t.endYear} BETWEEN 1900 AND 2200) AND (${t.startYear} IS NULL OR ${t.endYear} IS NULL OR ${t.endYear} >= ${t.startYear})`,
    ),
    index('resume_education_profile_order_idx').on(t.profileId, t.order),
  ],
);

/**
 * The PDFs built of each profile, one row per file in the media storage. The file's name holds a hash
 * of what it shows, so a changed résumé gets a new file; the rows let a newer build delete the older
 * files of its profile and language, and say how long each build took.
 */
export const pdfBuilds = pgTable(
  'resume_pdf',
  {
    name: varchar('name', { length: 200 }).primaryKey(),
    profileId: profileId(),
    language: varchar('language', { length: 20 }).notNull(),
    size: integer('size').notNull(),
    buildMs: integer('build_ms').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('resume_pdf_profile_language_idx').on(t.profileId, t.language)],
);

export type ProfileRow = typeof profiles.$inferSelect;
