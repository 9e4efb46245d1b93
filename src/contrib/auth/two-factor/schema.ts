/**
 * Two-factor tables: one authenticator (TOTP) device per user, and their single-use recovery codes.
 * The TOTP secret is stored as it is (as django-otp does): whoever reads the database has the sessions
 * too. Recovery codes are stored as SHA-256 hashes; they are random enough (50 bits) not to need a slow
 * hash, and not keyed, so rotating SECRET_KEY does not void them.
 */
import { index, integer, pgTable, serial, timestamp, varchar } from 'drizzle-orm/pg-core';
import { users } from '../schema.js';

export const totpDevices = pgTable('auth_totp_device', {
  id: serial('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Base32, 160 bits (RFC 4226's recommended length). */
  secret: varchar('secret', { length: 64 }).notNull(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }).notNull().defaultNow(),
  /** The 30-second step of the last code accepted: a code is good once (RFC 6238 §5.2). */
  lastUsedStep: integer('last_used_step').notNull().default(0),
});

export const recoveryCodes = pgTable(
  'auth_recovery_code',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: varchar('code_hash', { length: 64 }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('auth_recovery_code_user_idx').on(t.userId)],
);

export type TotpDeviceRow = typeof totpDevices.$inferSelect;
