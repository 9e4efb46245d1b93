/**
 * The benchmark's one table, for Keen's side (the baseline writes plain SQL). It is not part of Keen's
 * schema or migrations: the bench runner creates it with raw SQL (BENCH_ITEM_DDL) in a throwaway
 * database, so nothing here ever reaches a real deployment.
 */
import { pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

export const benchItems = pgTable('bench_item', {
  id: serial('id').primaryKey(),
  title: text('title').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type BenchItem = typeof benchItems.$inferSelect;
