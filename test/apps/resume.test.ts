// The résumé app: the public page on the real installed apps, and its admin registrations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateRange } from '../../src/apps/resume/dates.js';
import { resumeMessages } from '../../src/apps/resume/messages.js';
import { highlights, positions, skills } from '../../src/apps/resume/schema.js';
import { AdminSite } from '../../src/contrib/admin/site.js';
import { translator } from '../../src/i18n/messages.js';
import { installedApps } from '../../src/installed-apps.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ENGINE } from '../support/database.js';

describe(`résumé page (${ENGINE})`, () => {
  let t: TestApp;
  const get = (url: string) => t.app.inject({ url, headers: { host: 'localhost' } });

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('says so while empty', async () => {
    const page = await get('/resume/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Nothing here yet.');
  });

  it('lists positions newest first with their highlights in order, and skills with their level', async () => {
    const { db } = t.database;
    // Inserted out of order: the page must sort by start date, not by id.
    const [first, current] = await db
      .insert(positions)
      .values([
        { company: 'Acme & Co', role: 'Intern', startDate: '2015-01-01', endDate: '2018-06-30' },
        { company: 'Keen Labs', role: 'Lead engineer', location: 'Remote', startDate: '2021-03-01' },
        { company: 'Widgets <Ltd>', role: 'Engineer', startDate: '2018-07-01', endDate: '2021-02-28' },
      ])
      .returning();
    await db.insert(highlights).values([
      { positionId: current!.id, text: 'Third highlight', position: 2 },
      { positionId: current!.id, text: 'First highlight', position: 0 },
      { positionId: current!.id, text: 'Second highlight', position: 1 },
      { positionId: first!.id, text: 'Made <b>coffee</b>', position: 0 },
    ]);
    await db.insert(skills).values([
      { name: 'TypeScript', level: '9.5' },
      { name: 'PostgreSQL', level: '8.0' },
    ]);

    const page = await get('/resume/');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    const order = ['Lead engineer, Keen Labs', 'Engineer, Widgets &lt;Ltd>', 'Intern, Acme &amp; Co'].map(
      (heading) => body.indexOf(`<h3>${heading}</h3>`),
    );
    expect(order.every((index) => index >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(body).toContain('March 2021 – present · Remote');
    expect(body).toContain('July 2018 – February 2021');
    expect(body).toContain('January 2015 – June 2018');
    const highlightOrder = ['First highlight', 'Second highlight', 'Third highlight'].map((text) =>
      body.indexOf(`<li>${text}</li>`),
    );
    expect(highlightOrder.every((index) => index >= 0)).toBe(true);
    expect(highlightOrder).toEqual([...highlightOrder].sort((a, b) => a - b));
    // The current position's highlights come before the next position.
    expect(highlightOrder[2]).toBeLessThan(order[1]!);
    expect(body).toContain('<li>Made &lt;b>coffee&lt;/b></li>');
    expect(body).toContain('<dt>TypeScript</dt>');
    expect(body).toContain('9.5 / 10');
    expect(body).toContain('8 / 10');
    expect(body).toContain('<meter min="0" max="10" value="8"');
    expect(body.indexOf('<dt>TypeScript</dt>')).toBeLessThan(body.indexOf('<dt>PostgreSQL</dt>'));
    expect(body).not.toContain('Nothing here yet.');
  });

  it('formats calendar months as stored, in the page language, and passes odd values through', () => {
    const english = translator(resumeMessages, 'en-us');
    expect(dateRange(english, 'en-us', '2021-03-01', null)).toBe('March 2021 – present');
    expect(dateRange(english, 'en', '2020-12-31', '2021-01-01')).toBe('December 2020 – January 2021');
    expect(dateRange(english, 'en', 'not a date', null)).toBe('not a date – present');
    const russian = translator(resumeMessages, 'ru');
    expect(dateRange(russian, 'ru', '2022-03-01', null)).toBe('март 2022 – по настоящее время');
    expect(dateRange(russian, 'ru', '2020-12-31', '2021-01-01')).toBe('декабрь 2020 – январь 2021');
  });

  it('reads as Russian for a Russian browser', async () => {
    const page = await t.app.inject({
      url: '/resume/',
      headers: { host: 'localhost', 'accept-language': 'ru' },
    });
    expect(page.body).toContain('<h1>Резюме</h1>');
    expect(page.body).toContain('Опыт работы');
    expect(page.body).toContain('март 2021 – по настоящее время');
    expect(page.body).toContain('9,5 из 10');
    expect(page.body).toContain('8 из 10');
    for (const english of ['>Experience<', '>Skills<', 'present', '/ 10', 'Log in']) {
      expect(page.body, english).not.toContain(english);
    }
  });
});

describe('résumé admin registrations', () => {
  const site = new AdminSite(installedApps, '/admin/');

  it('are accepted by the admin site, with the options resolved', () => {
    const position = site.find('resume', 'position')!;
    expect(position.listColumns.map((column) => column.label)).toEqual([
      'Company',
      'Role',
      'Start date',
      'End date',
    ]);
    expect(position.filters.map((field) => field.key)).toEqual(['startDate']);
    expect(position.ordering[0]).toMatchObject({ descending: true, field: { key: 'startDate' } });
    expect(position.inlines[0]).toMatchObject({ model: 'highlight', options: { style: 'stacked' } });
    expect(position.describe({ role: 'Engineer', company: 'Keen' })).toBe('Engineer, Keen');
    const skill = site.find('resume', 'skill')!;
    expect(skill.listColumns.map((column) => column.label)).toEqual(['Name', 'Level']);
    expect(skill.searchFields.map((field) => field.key)).toEqual(['name']);
  });

  it('refuses an end date before the start date, also when only one of them is edited', () => {
    const check = site.find('resume', 'position')!.options.validate!;
    const validate = (values: unknown, existing: unknown) =>
      check(values as never, existing as never, { language: 'en' });
    const stored = { startDate: '2021-03-01', endDate: null };
    expect(validate({ startDate: '2021-03-01', endDate: '2021-02-28' } as never, null)).toHaveProperty(
      'endDate',
    );
    expect(validate({ endDate: '2020-01-01' } as never, stored as never)).toHaveProperty('endDate');
    expect(validate({ endDate: '2021-03-01' } as never, stored as never)).toEqual({});
    expect(validate({ endDate: null } as never, stored as never)).toEqual({});
  });
});
