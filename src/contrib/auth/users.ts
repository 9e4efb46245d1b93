/** Creating users with the same rules everywhere: the setup page, `keen createsuperuser`, the admin. */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { FormErrors } from '../../web/forms.js';
import { findUserByUsername } from './login.js';
import { hashPassword } from './passwords/hashers.js';
import { validatePassword } from './passwords/validators.js';
import { type UserRow, users } from './schema.js';

export interface NewUser {
  username: string;
  email?: string;
  password: string;
  isStaff?: boolean;
  isSuperuser?: boolean;
}

const USERNAME = /^[\w.@+-]{1,150}$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Field errors for a new user (empty when valid); checks the username is free. */
export async function validateNewUser(db: Db, input: NewUser): Promise<FormErrors> {
  const errors: FormErrors = {};
  const add = (field: string, message: string) => {
    errors[field] = [...(errors[field] ?? []), message];
  };
  if (!USERNAME.test(input.username)) {
    add('username', 'Enter a username of up to 150 letters, digits and @/./+/-/_ characters.');
  } else if (await findUserByUsername(db, input.username)) {
    add('username', 'A user with that username already exists.');
  }
  if (input.email && !EMAIL.test(input.email)) add('email', 'Enter a valid email address.');
  for (const problem of validatePassword(input.password, { username: input.username, email: input.email })) {
    add('password', problem);
  }
  return errors;
}

/** Inserts a user whose input already passed {@link validateNewUser}. */
export async function insertUser(db: Db, input: NewUser): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({
      username: input.username,
      email: input.email ?? '',
      password: await hashPassword(input.password),
      isStaff: input.isStaff ?? false,
      isSuperuser: input.isSuperuser ?? false,
    })
    .returning();
  return row as UserRow;
}

/** True when at least one active superuser exists (else the first-run setup page is open). */
export async function hasSuperuser(db: Db): Promise<boolean> {
  const rows = await db
    .select({ one: sql<number>`1` })
    .from(users)
    .where(sql`${users.isSuperuser} AND ${users.isActive}`)
    .limit(1);
  return rows.length > 0;
}

/** Loads a user by id. */
export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return rows[0];
}
