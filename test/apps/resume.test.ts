// The résumé: the public page of the active profile (and the 404 without one), durations in Russian and
// English, the one-query read, "make active" (exactly one selection; a race leaves one active), the
// admin's inlines rendering rich text on save, and the migration that moves the old tables' rows.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeActiveAction } from '../../src/apps/resume/admin.js';
import { durationText, monthsBetween } from '../../src/apps/resume/dates.js';
import { resumeMessages } from '../../src/apps/resume/messages.js';
import { loadActiveResume } from '../../src/apps/resume/queries.js';
import {
  achievements,
  certifications,
  education,
  experience,
  profiles,
  skills,
} from '../../src/apps/resume/schema.js';
import { ActionRefused } from '../../src/contrib/admin/define.js';
import { queryRows } from '../../src/db/client.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { translator } from '../../src/i18n/messages.js';
import { ADMIN, staffClient } from '../admin/support.js';
import { fieldValue, messagesOf, openAndSubmit, pageText, readForm } from '../admin/view-helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { countingDb } from '../support/counting-db.js';
import { createTestDatabase, ENGINE } from '../support/database.js';

describe(`résumé (${ENGINE})`, () => {
  let t: TestApp;
  const get = (url: string, language = 'en') =>
    t.app.inject({ url, headers: { host: 'localhost', 'accept-language': language } });
  const db = () => t.database.db;

  beforeAll(async () => {
    t = await createTestApp({ env: { TIME_ZONE: 'Europe/Moscow' } });
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await db().delete(profiles);
  });

  async function fullProfile(active = true) {
    const [profile] = await db()
      .insert(profiles)
      .values({
        fullName: 'Анна Петрова',
        title: 'Engineer & <lead>',
        email: 'anna@example.com',
        location: 'Москва',
        githubUrl: 'https://github.com/anna',
        websiteUrl: 'javascript:alert(1)',
        summaryHtml: '<p>Пишу <strong>быстрые</strong> сайты.</p>',
        isActive: active,
      })
      .returning();
    const profileId = profile!.id;
    // Inserted out of order: the page follows `order`, not the id.
    await db()
      .insert(experience)
      .values([
        {
          profileId,
          position: 'Intern',
          company: 'Acme',
          startDate: '2015-01-01',
          endDate: '2016-06-30',
          order: 3,
        },
        {
          profileId,
          position: 'Lead',
          company: 'Keen',
          startDate: '2021-03-01',
          order: 1,
          description: 'Shipped **things**\n\n<script>alert(1)</script>',
        },
        {
          profileId,
          position: 'Engineer',
          company: 'Widgets',
          startDate: '2016-07-01',
          endDate: '2021-02-28',
          order: 2,
        },
      ]);
    await db()
      .insert(skills)
      .values([
        { profileId, name: 'SQL', category: 'Data', level: '8.0', order: 2 },
        { profileId, name: 'TypeScript', category: 'Code', level: '9.5', order: 1 },
        { profileId, name: 'Go', category: 'Code', order: 3 },
      ]);
    await db()
      .insert(certifications)
      .values([
        {
          profileId,
          name: 'PG Pro',
          provider: 'Postgres Pro',
          dateObtained: '2021-06-15',
          credentialUrl: 'https://ex.com/c',
        },
        { profileId, name: 'Sneaky', credentialUrl: 'javascript:alert(2)' },
      ]);
    await db().insert(achievements).values({ profileId, title: 'Talk', description: 'At *PGConf*' });
    await db()
      .insert(education)
      .values({ profileId, school: 'MSU', degree: 'MSc', field: 'Math', startYear: 2009, endYear: 2014 });
    return profileId;
  }

  it('without an active profile the page is a 404 that says why, in the reader’s language', async () => {
    await fullProfile(false);
    const english = await get('/resume/');
    expect(english.statusCode).toBe(404);
    expect(pageText(english.body)).toContain('No résumé is published yet.');
    expect(pageText((await get('/resume/', 'ru')).body)).toContain('Резюме ещё не опубликовано.');
  });

  it('shows the active profile: contacts, safe rich text, jobs in order with durations, grouped skills', async () => {
    await fullProfile();
    const page = await get('/resume/');
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(page.body).toContain('<h1>Анна Петрова</h1>');
    expect(page.body).toContain('Engineer &amp; &lt;lead>');
    expect(page.body).toContain('<a href="mailto:anna@example.com">');
    expect(page.body).toContain('href="https://github.com/anna"');
    expect(page.body).not.toContain('javascript:');
    expect(page.body).toContain('<p>Пишу <strong>быстрые</strong> сайты.</p>');
    // Rows moved by the migration have no HTML yet: it is rendered (and sanitized) when read.
    expect(page.body).toContain('<p>Shipped <strong>things</strong></p>');
    expect(page.body).not.toContain('<script>alert');
    const jobs = ['Lead, Keen', 'Engineer, Widgets', 'Intern, Acme'].map((heading) =>
      page.body.indexOf(`<h3>${heading}</h3>`),
    );
    expect(jobs.every((index) => index >= 0)).toBe(true);
    expect(jobs).toEqual([...jobs].sort((a, b) => a - b));
    expect(text).toContain('July 2016 – February 2021 · 4 years 8 months');
    expect(text).toContain('January 2015 – June 2016 · 1 year 6 months');
    expect(page.body.indexOf('<h3>Code</h3>')).toBeLessThan(page.body.indexOf('<h3>Data</h3>'));
    expect(page.body).toContain('aria-label="Level 5 of 5"');
    expect(page.body).toContain('aria-label="Level 4 of 5"');
    expect(text).toContain('PG Pro · Postgres Pro · June 2021');
    expect(page.body).toContain('<a href="https://ex.com/c" rel="noopener">PG Pro</a>');
    expect(text).toContain('MSU · MSc, Math · 2009–2014');
    expect(page.body).toContain('<em>PGConf</em>');
    expect(page.body).toContain('href="/resume/export/pdf/"');
    const ld = /<script type="application\/ld\+json">([^<]+)<\/script>/.exec(page.body);
    expect(JSON.parse(ld![1]!)).toMatchObject({
      '@type': 'Person',
      name: 'Анна Петрова',
      sameAs: ['https://github.com/anna'],
      worksFor: { name: 'Keen' },
    });
    const russian = pageText((await get('/resume/', 'ru')).body);
    expect(russian).toContain('июль 2016 – февраль 2021 · 4 года 8 месяцев');
    expect(russian).toContain('Опыт работы');
  });

  it('reads a whole résumé in one query', async () => {
    await fullProfile();
    const counted = await countingDb(t.database);
    try {
      const resume = await loadActiveResume(counted.db);
      expect(resume?.experience).toHaveLength(3);
      expect(resume?.skills.map((skill) => skill.level)).toEqual([5, 4, null]);
      expect(resume?.certifications[1]?.credentialUrl).toBeNull();
      expect(counted.queries).toHaveLength(1);
    } finally {
      await counted.close();
    }
  });

  it('says durations in Russian and English, counting both end months', () => {
    const ru = translator(resumeMessages, 'ru');
    const en = translator(resumeMessages, 'en');
    expect(monthsBetween('2020-01-15', '2020-03-02')).toBe(3);
    expect(durationText(ru, '2019-10-01', '2022-02-28', '2030-01-01')).toBe('2 года 5 месяцев');
    expect(durationText(en, '2019-10-01', '2022-02-28', '2030-01-01')).toBe('2 years 5 months');
    expect(durationText(ru, '2020-01-01', '2020-12-31', '2030-01-01')).toBe('1 год');
    expect(durationText(ru, '2015-01-01', '2019-12-31', '2030-01-01')).toBe('5 лет');
    expect(durationText(ru, '2001-01-01', '2022-01-31', '2030-01-01')).toBe('21 год 1 месяц');
    expect(durationText(ru, '2024-05-01', null, '2024-09-10')).toBe('5 месяцев');
    expect(durationText(en, '2024-09-01', null, '2024-09-10')).toBe('1 month');
  });

  it('the database allows one active profile only', async () => {
    await db().insert(profiles).values({ fullName: 'One', isActive: true });
    await expect(db().insert(profiles).values({ fullName: 'Two', isActive: true })).rejects.toThrow();
    await db().insert(profiles).values({ fullName: 'Three' });
    const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from resume_profile where is_active`,
    );
    expect(n).toBe(1);
  });

  it('"make active" needs exactly one profile and switches in one step; a race leaves one active', async () => {
    const rows = await db()
      .insert(profiles)
      .values([{ fullName: 'A', isActive: true }, { fullName: 'B' }, { fullName: 'C' }])
      .returning();
    const [a, b, c] = rows.map((row) => String(row.id));
    const editor = await t.createUser({ username: `editor-${Date.now()}` });
    const user = { id: editor.id, username: editor.username };
    const run = (ids: string[]) =>
      db().transaction((tx) =>
        makeActiveAction.run({ tx, ids, user, language: 'en', stores: t.app.keen.stores }),
      );
    await expect(run([b!, c!])).rejects.toThrow(ActionRefused);
    await expect(run([b!, c!])).rejects.toThrow('Select exactly one profile to make active.');
    expect(await run([b!])).toBe('“B” is now the public résumé.');
    const active = async () =>
      (await db().select().from(profiles).where(eq(profiles.isActive, true))).map((row) => row.fullName);
    expect(await active()).toEqual(['B']);
    // Two editors at once: at most one succeeds, the other gets the clear error, and one is active.
    const results = await Promise.allSettled([run([a!]), run([c!])]);
    const refused = results.filter((result) => result.status === 'rejected');
    for (const result of refused) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ActionRefused);
    }
    expect(await active()).toHaveLength(1);
  });

  // PGlite runs one transaction at a time, so only PostgreSQL can interleave two editors.
  it.runIf(ENGINE === 'postgres')(
    'two "make active" at once: the second waits, then gets the clear error',
    async () => {
      const rows = await db()
        .insert(profiles)
        .values([{ fullName: 'First' }, { fullName: 'Second' }])
        .returning();
      const editor = await t.createUser({ username: `racer-${Date.now()}` });
      const user = { id: editor.id, username: editor.username };
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let firstDone = () => {};
      const firstRan = new Promise<void>((resolve) => {
        firstDone = resolve;
      });
      // The first editor's transaction makes "First" active and stays open…
      const first = db().transaction(async (tx) => {
        const message = await makeActiveAction.run({
          tx,
          ids: [String(rows[0]!.id)],
          user,
          language: 'en',
          stores: t.app.keen.stores,
        });
        firstDone();
        await held;
        return message;
      });
      await firstRan;
      // …while the second makes "Second" active: it waits on the first's index entry.
      const second = db().transaction((tx) =>
        makeActiveAction.run({
          tx,
          ids: [String(rows[1]!.id)],
          user,
          language: 'en',
          stores: t.app.keen.stores,
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      release();
      // Both outcomes are awaited together: the second may fail while the first is still being awaited,
      // and a rejection nobody listens to yet is an unhandled one.
      await Promise.all([
        expect(first).resolves.toBe('“First” is now the public résumé.'),
        expect(second).rejects.toThrow('Another profile was made active at the same moment'),
      ]);
      const active = await db().select().from(profiles).where(eq(profiles.isActive, true));
      expect(active.map((row) => row.fullName)).toEqual(['First']);
    },
  );

  it('the admin form saves the profile with its inlines and renders their rich text', async () => {
    const root = await staffClient(t, `root-${Date.now()}`, { superuser: true });
    const response = await openAndSubmit(
      root,
      `${ADMIN}resume/profile/add/`,
      {
        fullName: 'Иван Иванов',
        summary: 'Hello *world*',
        'resume_experience-0-position': 'Dev',
        'resume_experience-0-company': 'Co',
        'resume_experience-0-startDate': '2020-01-01',
        'resume_experience-0-description': '- one\n- two',
        'resume_skill-0-name': 'SQL',
        'resume_skill-0-category': 'Data',
        'resume_skill-0-level': '8',
      },
      { button: '_continue' },
    );
    expect(response.statusCode).toBe(303);
    const [profile] = await db().select().from(profiles);
    expect(profile).toMatchObject({
      fullName: 'Иван Иванов',
      summaryHtml: '<p>Hello <em>world</em></p>\n',
      isActive: false,
    });
    const [job] = await db().select().from(experience).where(eq(experience.profileId, profile!.id));
    expect(job?.descriptionHtml).toContain('<li>one</li>');
    const form = readForm((await root.get(`${ADMIN}resume/profile/${profile!.id}/change/`)).body);
    expect(fieldValue(form, 'resume_experience-0-description')?.replace(/\r\n/g, '\n')).toBe('- one\n- two');
    const change = await root.get(`${ADMIN}resume/profile/${profile!.id}/change/`);
    expect(change.body).toContain(`<a href="/resume/${profile!.id}/pdf/">Download PDF</a>`);
    // Not active yet: no "View on site".
    expect(change.body).not.toContain('View on site');
    const list = await root.post(`${ADMIN}resume/profile/`, {
      action: 'make_active',
      _selected_action: String(profile!.id),
    });
    expect(list.statusCode).toBe(303);
    expect(messagesOf((await root.get(`${ADMIN}resume/profile/`)).body)).toEqual([
      '“Иван Иванов” is now the public résumé.',
    ]);
    expect((await get('/resume/')).statusCode).toBe(200);
  });
});

describe(`the résumé migration keeps today's rows (${ENGINE})`, () => {
  it('moves positions with highlights and skills into an active profile', async () => {
    const database = await createTestDatabase({ migrate: false });
    try {
      const files = readMigrations();
      const at = files.findIndex((file) => file.name === '0005_resume_profile');
      await migrate(database, { files: files.slice(0, at) });
      await database.db.execute(sql`update site_settings set site_name = 'Анна Петрова'`);
      await database.db.execute(sql`
        insert into resume_position (id, company, role, location, start_date, end_date, summary) values
          (1, 'Acme', 'Intern', 'Москва', '2015-01-01', '2016-06-30', ''),
          (2, 'Keen', 'Lead', '', '2021-03-01', null, 'Builds the platform.')`);
      await database.db.execute(sql`
        insert into resume_highlight (position_id, text, position) values
          (2, 'Second', 1), (2, 'First', 0), (1, 'Made coffee', 0)`);
      await database.db.execute(sql`
        insert into resume_skill (name, level) values ('SQL', 8.0), ('TypeScript', 9.5), ('sql', 5.0)`);
      await migrate(database, { files });
      const resume = await loadActiveResume(database.db);
      expect(resume?.fullName).toBe('Анна Петрова');
      expect(
        resume?.experience.map((job) => [job.position, job.company, job.startDate, job.endDate]),
      ).toEqual([
        ['Lead', 'Keen', '2021-03-01', null],
        ['Intern', 'Acme', '2015-01-01', '2016-06-30'],
      ]);
      expect(resume?.experience[0]?.descriptionHtml).toBe(
        '<p>Builds the platform.</p>\n<ul>\n<li>First</li>\n<li>Second</li>\n</ul>\n',
      );
      expect(resume?.experience[1]?.descriptionHtml).toContain('<li>Made coffee</li>');
      // Strongest first; of "SQL" and "sql" the first added stays.
      expect(resume?.skills.map((skill) => skill.name)).toEqual(['TypeScript', 'SQL']);
      const tables = await queryRows<{ name: string | null }>(
        database.db,
        sql`select to_regclass('resume_position')::text as name`,
      );
      expect(tables[0]?.name).toBeNull();
    } finally {
      await database.close();
    }
  });
});
