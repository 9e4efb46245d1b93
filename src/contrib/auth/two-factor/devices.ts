/**
 * A user's second factor in the database: enrolling a device (with fresh recovery codes), checking a
 * code (a TOTP code once per step, a recovery code once ever; both as one conditional UPDATE, so two
 * requests racing with the same code cannot both pass), and turning it off.
 */
import { and, count, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { atomic } from '../../../db/transaction.js';
import { recoveryCodes, type TotpDeviceRow, totpDevices } from './schema.js';
import { hashRecoveryCode, looksLikeTotp, matchingStep, newRecoveryCodes } from './totp.js';

export async function deviceOf(db: Db, userId: number): Promise<TotpDeviceRow | undefined> {
  const [row] = await db.select().from(totpDevices).where(eq(totpDevices.userId, userId)).limit(1);
  return row;
}

/** Stores new recovery codes for the user (the old ones stop working); returns them, to be shown once. */
export async function replaceRecoveryCodes(db: Db, userId: number): Promise<string[]> {
  const codes = newRecoveryCodes();
  await atomic(db, async (tx) => {
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx
      .insert(recoveryCodes)
      .values(codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) })));
  });
  return codes;
}

/**
 * Makes `secret` the user's device once they proved they have it (a right `code` at `nowMs`); returns
 * the recovery codes, or null when the code is wrong. The step of that code is used up.
 */
export async function enrolDevice(
  db: Db,
  userId: number,
  secret: string,
  code: string,
  nowMs = Date.now(),
): Promise<string[] | null> {
  const step = matchingStep(secret, code.replace(/\s/g, ''), nowMs);
  if (step === null) return null;
  await db
    .insert(totpDevices)
    .values({ userId, secret, lastUsedStep: step, confirmedAt: new Date(nowMs) })
    .onConflictDoUpdate({
      target: totpDevices.userId,
      set: { secret, lastUsedStep: step, confirmedAt: new Date(nowMs) },
    });
  return replaceRecoveryCodes(db, userId);
}

/** Which kind of code passed. */
export type SecondFactor = 'totp' | 'recovery';

/** Checks a code from the user's authenticator or one of their recovery codes; uses it up if right. */
export async function verifySecondFactor(
  db: Db,
  userId: number,
  code: string,
  nowMs = Date.now(),
): Promise<SecondFactor | null> {
  if (looksLikeTotp(code)) {
    const device = await deviceOf(db, userId);
    if (!device) return null;
    const step = matchingStep(device.secret, code.replace(/\s/g, ''), nowMs);
    if (step === null) return null;
    const used = await db
      .update(totpDevices)
      .set({ lastUsedStep: step })
      .where(and(eq(totpDevices.userId, userId), lt(totpDevices.lastUsedStep, step)))
      .returning({ id: totpDevices.id });
    return used.length > 0 ? 'totp' : null;
  }
  if (code.length > 40) return null;
  const used = await db
    .update(recoveryCodes)
    .set({ usedAt: new Date(nowMs) })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, hashRecoveryCode(code)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return used.length > 0 ? 'recovery' : null;
}

export async function recoveryCodesLeft(db: Db, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row?.n ?? 0;
}

/** Removes the user's device and recovery codes; true if there was a device. */
export async function disableTwoFactor(db: Db, userId: number): Promise<boolean> {
  return atomic(db, async (tx) => {
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    const removed = await tx.delete(totpDevices).where(eq(totpDevices.userId, userId)).returning();
    return removed.length > 0;
  });
}
