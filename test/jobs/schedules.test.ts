// The scheduled clean-ups: clearsessions and old login-throttle counters run by the worker on the cron
// the settings give (kept in pg-boss's schedule table, so each run is sent once across all workers),
// `off` removes a schedule, and a bad expression is a settings error naming the variable.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../src/contrib/sessions/schema.js';
import { SettingsError } from '../../src/errors.js';
import { createTestApp, type TestApp, testSettings } from '../support/app.js';
import { ENGINE } from '../support/database.js';

describe(`scheduled clean-ups (${ENGINE})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        CLEARSESSIONS_SCHEDULE: '15 4 * * *',
        THROTTLE_CLEANUP_SCHEDULE: 'off',
        TIME_ZONE: 'Europe/Moscow',
      },
    });
    await t.app.jobs.start({ work: true, concurrency: 1, pollingIntervalSeconds: 0.5 });
  }, 60_000);
  afterAll(() => t?.close());

  it('registers the schedules the settings give, in the site time zone, and none for off', async () => {
    const rows = (
      (await t.database.db.execute(
        sql`select name, cron, timezone from pgboss.schedule order by name`,
      )) as unknown as {
        rows: { name: string; cron: string; timezone: string }[];
      }
    ).rows;
    expect(rows).toEqual([{ name: 'sessions.clear_expired', cron: '15 4 * * *', timezone: 'Europe/Moscow' }]);
  });

  it('the clearsessions job deletes expired sessions only', async () => {
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3_600_000);
    await t.database.db.insert(sessions).values([
      { key: 'expired-session-key', data: {}, expireDate: past },
      { key: 'current-session-key', data: {}, expireDate: future },
    ]);
    await t.app.jobs.enqueue('sessions.clear_expired', {});
    await expect
      .poll(
        async () =>
          (await t.database.db.select().from(sessions).where(eq(sessions.key, 'expired-session-key'))).length,
        {
          timeout: 20_000,
        },
      )
      .toBe(0);
    expect(
      await t.database.db.select().from(sessions).where(eq(sessions.key, 'current-session-key')),
    ).toHaveLength(1);
  });

  it('a schedule that is not five cron fields is refused with the variable named', () => {
    expect(testSettings({ CLEARSESSIONS_SCHEDULE: 'off' }).clearSessionsSchedule).toBeNull();
    expect(testSettings({}).clearSessionsSchedule).toBe('30 3 * * *');
    expect(() => testSettings({ CLEARSESSIONS_SCHEDULE: 'every night' })).toThrow(SettingsError);
    expect(() => testSettings({ THROTTLE_CLEANUP_SCHEDULE: '1 2 3' })).toThrow(/THROTTLE_CLEANUP_SCHEDULE/);
  });
});
