/** The résumé: positions held (each with its highlights) and skills with a self-rated level. */
import { sql } from 'drizzle-orm';
import { check, date, index, integer, numeric, pgTable, serial, text, varchar } from 'drizzle-orm/pg-core';

export const positions = pgTable(
  'resume_position',
  {
    id: serial('id').primaryKey(),
    company: varchar('company', { length: 150 }).notNull(),
    role: varchar('role', { length: 150 }).notNull(),
    location: varchar('location', { length: 150 }).notNull().default(''),
    startDate: date('start_date').notNull(),
    /** Empty while the position is current. */
    endDate: date('end_date'),
    summary: text('summary').notNull().default(''),
  },
  (t) => [
    check('resume_position_dates_ordered', sql`${t.endDate} IS NULL OR ${t.endDate} >= ${t.startDate}`),
  ],
);

export const highlights = pgTable(
  'resume_highlight',
  {
    id: serial('id').primaryKey(),
    positionId: integer('position_id')
      .notNull()
      .references(() => positions.id, { onDelete: 'cascade' }),
    text: varchar('text', { length: 500 }).notNull(),
    position: integer('position').notNull().default(0),
  },
  (t) => [index('resume_highlight_position_idx').on(t.positionId)],
);

export const skills = pgTable(
  'resume_skill',
  {
    id: serial('id').primaryKey(),
    name: varchar('name', { length: 100 }).notNull().unique(),
    /** 0.0 to 10.0. */
    level: numeric('level', { precision: 3, scale: 1 }).notNull(),
  },
  (t) => [check('resume_skill_level_range', sql`${t.level} >= 0 AND ${t.level} <= 10`)],
);
