/**
 * The Django résumé into Keen's: profiles (by full name) with their experience (by company, position and
 * start date), skills (by name in any letter case, as Keen's unique index has it), certifications (by
 * name and provider) and achievements (by title). Keen's education has no Django counterpart.
 *
 * CKEditor HTML is kept as its source (format "html") once the media step has pointed its /media/
 * addresses at the copied files, and rendered through the sanitizer the résumé admin uses; the photo is
 * the image the media step stored. A value longer than Keen's column is cut at a word (an icon or an
 * email, which a cut would break, is dropped), and noted; a row whose natural key does not fit Keen, or
 * repeats another's, is skipped. Keen allows one active profile: Django's active one wins over Keen's.
 */
import { and, eq, ne } from 'drizzle-orm';
import { type BodyRenderer, loadBodyRenderer } from '../apps/blog/markup/render.js';
import { shortenAtWord } from '../apps/blog/post-rules.js';
import { achievements, certifications, experience, profiles, skills } from '../apps/resume/schema.js';
import { sameValue } from '../contrib/admin/save.js';
import type { StoredImage } from '../contrib/media/fields.js';
import type { Db, Tx } from '../db/client.js';
import { httpUrl } from '../db/url-field.js';
import type { ImportedMedia } from './media.js';
import { planTable } from './plan.js';
import { removedMarkup } from './removed-markup.js';
import type { DjangoSource } from './source.js';

export const RESUME_TABLES = [
  'resume_profile',
  'resume_experience',
  'resume_skill',
  'resume_certification',
  'resume_achievement',
] as const;

export type ResumePlan = Awaited<ReturnType<typeof planResume>>;

/** The five table plans, for the report. */
export function resumeTables(plan: ResumePlan) {
  return [plan.profiles, plan.experience, plan.skills, plan.certifications, plan.achievements];
}

type DjangoText = 'full_name' | 'title' | 'email' | 'linkedin_url' | 'location' | 'summary' | 'photo';
type DjangoProfile = Record<DjangoText, string> & { id: number; is_active: boolean; updated_at: Date };
/** A Django child row as to_jsonb makes it: dates as 'YYYY-MM-DD', the rest as JSON has them. */
type DjangoChild = Record<string, unknown> & { id: number; profile_id: number; order: number };

type KeenChild = { id: number; profileId: number };

/** One child table: what Keen stores of a row, and its natural key after the profile's full name. */
interface ChildTable<V, T> {
  table: (typeof RESUME_TABLES)[number];
  values: (row: DjangoChild, what: string) => V;
  key: (row: V | T) => string[];
  /** The lengths Keen's key columns hold: a row whose key does not fit is skipped. */
  keyLengths: number[];
  /** Why Keen would refuse the row (a check constraint), or null. */
  refused?: (row: V) => string | null;
  keen: T[];
}

/** Longer than varchar(max) holds: PostgreSQL counts code points. */
const tooLong = (value: string, max: number) => [...value].length > max;

/** Reads Django's values into Keen's columns, noting each loss on the way. */
class Converter {
  readonly notes: string[] = [];
  constructor(
    private readonly media: ImportedMedia,
    private readonly render: BodyRenderer,
  ) {}

  /** Cut at a word to Keen's `max` characters. */
  fitted(value: string, max: number, what: string): string {
    return this.lost(value, max, `${what}: cut to Keen's ${max} characters`)
      ? shortenAtWord(value, max)
      : value;
  }

  /** The value, or '' when it is longer than Keen's `max` characters and a cut would break it. */
  whole(value: string, max: number, what: string): string {
    return this.lost(value, max, `${what}: "${value}" not kept (over Keen's ${max} characters)`) ? '' : value;
  }

  /** True, and noted, when `value` is longer than Keen's `max` characters. */
  private lost(value: string, max: number, note: string): boolean {
    if (tooLong(value, max)) this.notes.push(note);
    return tooLong(value, max);
  }

  /** An http(s) address, normalised as the admin stores it; null for Django's empty URLField (''). */
  webAddress(value: string, what: string): string | null {
    if (value.trim() === '') return null;
    const url = httpUrl(value);
    if (url && !tooLong(url, 500)) return url;
    this.notes.push(`${what}: "${value}" not kept (Keen takes http(s) addresses of up to 500 characters)`);
    return null;
  }

  /** CKEditor HTML as Keen's source, format and sanitized HTML (made as the admin makes it). */
  richText(html: string, what: string) {
    const source = this.media.rewriteHtml(html);
    const rendered = source === '' ? '' : this.render(source, 'html');
    const removed = removedMarkup(source, rendered);
    if (removed.length) this.notes.push(`${what}: the sanitizer removed ${removed.join(', ')}`);
    return { source, format: 'html' as const, html: rendered };
  }

  photo(row: DjangoProfile): StoredImage | null {
    const image = row.photo === '' ? null : this.media.image(row.photo);
    if (row.photo !== '' && !image)
      this.notes.push(`resume_profile "${row.full_name}": photo ${row.photo} not copied`);
    return image;
  }

  profile(row: DjangoProfile, isActive: boolean) {
    const what = `resume_profile "${row.full_name}"`;
    const summary = this.richText(row.summary, `${what} summary`);
    return {
      id: row.id,
      fullName: row.full_name,
      title: this.fitted(row.title, 300, `${what} title`),
      email: this.whole(row.email, 254, `${what} email`),
      location: this.fitted(row.location, 150, `${what} location`),
      linkedinUrl: this.webAddress(row.linkedin_url, `${what} linkedin_url`),
      summary: summary.source,
      summaryFormat: summary.format,
      summaryHtml: summary.html,
      photo: this.photo(row),
      isActive,
      updatedAt: row.updated_at,
    };
  }
}

/** Every column the import writes is compared, but the HTML, which is made from the source compared. */
function sameColumns(from: object, to: object): boolean {
  const stored = to as Record<string, unknown>;
  return Object.entries(from).every(
    ([field, value]) =>
      ['id', 'djangoProfile', 'profileName'].includes(field) ||
      field.endsWith('Html') ||
      sameValue(value, stored[field]),
  );
}

/** Plans one child table: rows of skipped profiles, keys Keen cannot hold and repeated keys are skipped. */
async function planChildren<V extends object, T extends KeenChild>(
  source: DjangoSource,
  spec: ChildTable<V, T>,
  profileNames: { django: ReadonlyMap<number, string>; keen: ReadonlyMap<number, string> },
) {
  const rows = await source.rows<{ row: DjangoChild }>(
    `SELECT to_jsonb(t) AS row FROM ${spec.table} t ORDER BY t.profile_id, t."order", t.id`,
  );
  const keyOf = (profileName: string, row: V | T) => [profileName, ...spec.key(row)].join('|');
  const skipped: string[] = [];
  const firstOfKey = new Map<string, number>();
  const kept: (V & { order: number; id: number; djangoProfile: number; profileName: string })[] = [];
  for (const { row } of rows) {
    const what = `${spec.table} ${row.id}`;
    const profileName = profileNames.django.get(row.profile_id);
    if (profileName === undefined) {
      skipped.push(`${what}: its profile (resume_profile ${row.profile_id}) is skipped`);
      continue;
    }
    const values = spec.values(row, what);
    const key = keyOf(profileName, values);
    const reason = spec.key(values).some((part, i) => tooLong(part, spec.keyLengths[i] ?? 0))
      ? "its key is longer than Keen's columns hold"
      : firstOfKey.has(key)
        ? `the same key as ${spec.table} ${firstOfKey.get(key)} (${key})`
        : spec.refused?.(values);
    if (reason) skipped.push(`${what}: ${reason}`);
    else {
      firstOfKey.set(key, row.id);
      kept.push({ ...values, order: row.order, id: row.id, djangoProfile: row.profile_id, profileName });
    }
  }
  const plan = planTable(
    spec.table,
    kept,
    spec.keen.map((row) => ({ ...row, profileName: profileNames.keen.get(row.profileId) ?? '' })),
    { source: (row) => keyOf(row.profileName, row), target: (row) => keyOf(row.profileName, row) },
    sameColumns,
  );
  plan.skipped.push(...skipped);
  return plan;
}

export async function planResume(source: DjangoSource, db: Db, media: ImportedMedia) {
  const convert = new Converter(media, await loadBodyRenderer());
  const skipped: string[] = [];
  const byName = new Map<string, DjangoProfile>();
  const djangoProfiles = await source.rows<DjangoProfile>(
    `SELECT id::int, full_name, title, email, linkedin_url, location, summary, photo, is_active, updated_at
       FROM resume_profile ORDER BY id`,
  );
  for (const row of djangoProfiles) {
    const first = byName.get(row.full_name);
    if (first) skipped.push(`resume_profile ${row.id}: the same full name as resume_profile ${first.id}`);
    else if (tooLong(row.full_name, 200)) skipped.push(`resume_profile ${row.id}: full name too long`);
    else byName.set(row.full_name, row);
  }
  const kept = [...byName.values()];
  // Django keeps one profile active by deactivating the others on save, not by a constraint: should the
  // table hold more, the one saved last stays active.
  const active = kept
    .filter((row) => row.is_active)
    .sort((a, b) => b.updated_at.getTime() - a.updated_at.getTime() || b.id - a.id);
  const activeProfile = active[0] ?? null;
  if (active.length > 1) {
    convert.notes.push(
      `resume_profile: ${active.length} profiles are active; "${activeProfile?.full_name}", saved last, stays active`,
    );
  }
  const keenProfiles = await db.select().from(profiles);
  const profilePlan = planTable(
    'resume_profile',
    kept.map((row) => convert.profile(row, row === activeProfile)),
    keenProfiles,
    { source: (row) => row.fullName, target: (row) => row.fullName },
    sameColumns,
  );
  profilePlan.skipped.push(...skipped);
  if (kept.length) convert.notes.push("resume_profile: created_at not kept (Keen's has only updated_at)");
  const staysActive = activeProfile && profilePlan.matchedIds.get(activeProfile.id);
  for (const row of keenProfiles.filter((row) => activeProfile && row.isActive && row.id !== staysActive)) {
    convert.notes.push(
      `resume_profile "${row.fullName}": made inactive; the Django site's active profile "${activeProfile?.full_name}" is the one Keen shows`,
    );
  }

  const names = {
    django: new Map(kept.map((row) => [row.id, row.full_name])),
    keen: new Map(keenProfiles.map((row) => [row.id, row.fullName])),
  };
  const child = <V extends object, T extends KeenChild>(spec: ChildTable<V, T>) =>
    planChildren(source, spec, names);
  const text = (row: DjangoChild, column: string) => {
    const value = row[column];
    return typeof value === 'string' ? value : '';
  };
  const date = (row: DjangoChild, column: string) => text(row, column) || null;
  const fitted = (row: DjangoChild, column: string, max: number, what: string) =>
    convert.fitted(text(row, column), max, `${what} ${column}`);
  const richText = (row: DjangoChild, what: string) => {
    const { source, format, html } = convert.richText(text(row, 'description'), `${what} description`);
    return { description: source, descriptionFormat: format, descriptionHtml: html };
  };
  return {
    profiles: profilePlan,
    experience: await child({
      table: 'resume_experience',
      values: (row, what) => ({
        position: text(row, 'position'),
        company: text(row, 'company'),
        location: fitted(row, 'location', 150, what),
        companyDescription: fitted(row, 'company_description', 500, what),
        startDate: text(row, 'start_date'),
        endDate: date(row, 'end_date'),
        ...richText(row, what),
      }),
      key: (row) => [row.company, row.position, row.startDate],
      keyLengths: [200, 200, 10],
      refused: (row) =>
        row.endDate !== null && row.endDate < row.startDate ? 'it ends before it starts' : null,
      keen: await db.select().from(experience),
    }),
    skills: await child({
      table: 'resume_skill',
      values: (row, what) => ({
        name: text(row, 'name'),
        category: fitted(row, 'category', 100, what),
      }),
      // "Python" and "python" are one skill to Keen's unique index (Django's is case-sensitive).
      key: (row) => [row.name.toLowerCase()],
      keyLengths: [100],
      keen: await db.select().from(skills),
    }),
    certifications: await child({
      table: 'resume_certification',
      values: (row, what) => ({
        name: text(row, 'name'),
        provider: text(row, 'provider'),
        dateObtained: date(row, 'date_obtained'),
        credentialUrl: convert.webAddress(text(row, 'credential_url'), `${what} credential_url`),
      }),
      key: (row) => [row.name, row.provider],
      keyLengths: [200, 200],
      keen: await db.select().from(certifications),
    }),
    achievements: await child({
      table: 'resume_achievement',
      values: (row, what) => ({
        title: text(row, 'title'),
        ...richText(row, what),
        // An icon is a name from a list: cut, it would name nothing.
        icon: convert.whole(text(row, 'icon'), 30, `${what} icon`),
      }),
      key: (row) => [row.title],
      keyLengths: [200],
      keen: await db.select().from(achievements),
    }),
    /** The Django id of the profile that is active once imported, or null. */
    activeId: activeProfile?.id ?? null,
    notes: convert.notes,
  };
}

/** Django id → Keen id of a table's rows: those matched before, and those `insert` writes now. */
async function writtenIds<R extends { id: number }>(
  matched: ReadonlyMap<number, number>,
  inserts: readonly R[],
  insert: (row: R) => Promise<{ id: number }[]>,
): Promise<Map<number, number>> {
  const ids = new Map(matched);
  for (const row of inserts) {
    const [made] = await insert(row);
    if (made) ids.set(row.id, made.id);
  }
  return ids;
}

/**
 * Writes the plan: the profiles (none active but Django's), then their children. Returns Django id →
 * Keen id by Django model, for what points at them (the admin history).
 */
export async function applyResume(tx: Tx, plan: ResumePlan) {
  // Keen's partial unique index allows one active profile: every other one is made inactive before
  // Django's active profile is written, whichever order the rows come in.
  if (plan.activeId !== null) {
    const staysActive = plan.profiles.matchedIds.get(plan.activeId) ?? -1;
    await tx
      .update(profiles)
      .set({ isActive: false })
      .where(and(eq(profiles.isActive, true), ne(profiles.id, staysActive)));
  }
  const profileIds = await writtenIds(
    plan.profiles.matchedIds,
    plan.profiles.inserts,
    ({ id: _id, ...row }) => tx.insert(profiles).values(row).returning({ id: profiles.id }),
  );
  for (const { from, to } of plan.profiles.updates) {
    const { id: _id, ...row } = from;
    await tx.update(profiles).set(row).where(eq(profiles.id, to.id));
  }
  const stored = <V extends { id: number; djangoProfile: number; profileName: string }>(row: V) => {
    const { id: _id, djangoProfile, profileName: _name, ...columns } = row;
    return { ...columns, profileId: profileIds.get(djangoProfile) as number };
  };
  const experienceIds = await writtenIds(plan.experience.matchedIds, plan.experience.inserts, (row) =>
    tx.insert(experience).values(stored(row)).returning({ id: experience.id }),
  );
  for (const { from, to } of plan.experience.updates) {
    await tx.update(experience).set(stored(from)).where(eq(experience.id, to.id));
  }
  const skillIds = await writtenIds(plan.skills.matchedIds, plan.skills.inserts, (row) =>
    tx.insert(skills).values(stored(row)).returning({ id: skills.id }),
  );
  for (const { from, to } of plan.skills.updates) {
    await tx.update(skills).set(stored(from)).where(eq(skills.id, to.id));
  }
  const certificationIds = await writtenIds(
    plan.certifications.matchedIds,
    plan.certifications.inserts,
    (row) => tx.insert(certifications).values(stored(row)).returning({ id: certifications.id }),
  );
  for (const { from, to } of plan.certifications.updates) {
    await tx.update(certifications).set(stored(from)).where(eq(certifications.id, to.id));
  }
  const achievementIds = await writtenIds(plan.achievements.matchedIds, plan.achievements.inserts, (row) =>
    tx.insert(achievements).values(stored(row)).returning({ id: achievements.id }),
  );
  for (const { from, to } of plan.achievements.updates) {
    await tx.update(achievements).set(stored(from)).where(eq(achievements.id, to.id));
  }
  return {
    profile: profileIds,
    experience: experienceIds,
    skill: skillIds,
    certification: certificationIds,
    achievement: achievementIds,
  };
}
