/**
 * The résumé in the admin: a profile with its five lists as inlines, "make active" (exactly one
 * profile, switched in one transaction; the database's partial unique index settles a race), a
 * "view on site" link to the public page or the staff PDF preview.
 */
import { and, eq, ne } from 'drizzle-orm';
import { ActionRefused, type BulkAction, defineAdmin } from '../../contrib/admin/define.js';
import { logActions } from '../../contrib/admin/history.js';
import { lazyTranslator, translator } from '../../i18n/messages.js';
import type { FormErrors } from '../../web/forms.js';
import { renderBody } from '../blog/markup/render.js';
import { resumeMessages } from './messages.js';
import { buildAfterSave } from './pdf-routes.js';
import { achievements, certifications, education, experience, profiles, skills } from './schema.js';
import { profilePdfUrl, RESUME_PATH } from './urls.js';

const text = lazyTranslator(resumeMessages);

/** The HTML of a rich-text column pair, made from what the form sends. */
async function renderedFrom(source: unknown, format: unknown): Promise<string> {
  return typeof source === 'string' && source !== ''
    ? renderBody(source, format === 'html' ? 'html' : 'markdown')
    : '';
}

/** PostgreSQL's unique_violation, as drizzle passes it on (directly, or as the cause). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  return code === '23505';
}

export const makeActiveAction: BulkAction = {
  name: 'make_active',
  label: text('admin.makeActive'),
  permission: 'change',
  async run({ tx, ids, user, language }) {
    const t = translator(resumeMessages, language);
    const id = ids.length === 1 ? Number(ids[0]) : Number.NaN;
    if (!Number.isSafeInteger(id)) throw new ActionRefused(t('admin.makeActiveOne'));
    try {
      const others = await tx
        .update(profiles)
        .set({ isActive: false })
        .where(and(eq(profiles.isActive, true), ne(profiles.id, id)))
        .returning({ id: profiles.id, name: profiles.fullName });
      const [made] = await tx
        .update(profiles)
        .set({ isActive: true, updatedAt: new Date() })
        .where(eq(profiles.id, id))
        .returning({ id: profiles.id, name: profiles.fullName });
      if (!made) throw new ActionRefused(t('admin.makeActiveOne'));
      await logActions(
        tx,
        [...others, made].map((row) => ({
          user,
          app: 'resume',
          model: 'profile',
          objectId: String(row.id),
          objectRepr: row.name,
          action: 'change' as const,
          changes: { fields: ['isActive'] },
        })),
      );
      return t('admin.madeActive', { name: made.name });
    } catch (error) {
      // Someone made another profile active at the same moment: theirs stands, this one is undone.
      if (isUniqueViolation(error)) throw new ActionRefused(t('admin.makeActiveRace'));
      throw error;
    }
  },
};

const richText = (field: string) => async (values: Record<string, unknown>) => ({
  [`${field}Html`]: await renderedFrom(values[field], values[`${field}Format`]),
});

export const profileAdmin = defineAdmin(profiles, {
  model: 'profile',
  verboseName: 'profile',
  verboseNamePlural: 'profiles',
  toString: (row) => row.fullName,
  listDisplay: ['fullName', 'title', 'isActive', 'updatedAt'],
  searchFields: ['fullName', 'title'],
  listFilter: ['isActive'],
  ordering: ['-isActive', 'fullName'],
  fieldsets: [
    { fields: ['fullName', 'title', 'photo', 'summary', 'summaryFormat'] },
    {
      title: text('admin.contacts'),
      fields: ['email', 'location', 'linkedinUrl', 'githubUrl', 'websiteUrl'],
    },
    { title: text('admin.publishing'), fields: ['isActive', 'updatedAt'] },
  ],
  readonlyFields: ['isActive', 'updatedAt'],
  help: {
    summary: text('admin.richTextHelp'),
    isActive: text('admin.isActiveHelp'),
  },
  inlines: [
    {
      table: experience,
      foreignKey: experience.profileId,
      model: 'experience',
      style: 'stacked',
      fields: [
        'position',
        'company',
        'companyDescription',
        'location',
        'startDate',
        'endDate',
        'description',
        'descriptionFormat',
        'order',
      ],
      ordering: ['order'],
      extra: 1,
      maxNum: 100,
      derive: richText('description'),
    },
    {
      table: skills,
      foreignKey: skills.profileId,
      model: 'skill',
      style: 'tabular',
      fields: ['name', 'category', 'level', 'order'],
      ordering: ['order'],
      extra: 3,
      maxNum: 100,
    },
    {
      table: certifications,
      foreignKey: certifications.profileId,
      model: 'certification',
      style: 'tabular',
      fields: ['name', 'provider', 'dateObtained', 'credentialUrl', 'order'],
      ordering: ['order'],
      extra: 1,
      maxNum: 100,
    },
    {
      table: achievements,
      foreignKey: achievements.profileId,
      model: 'achievement',
      style: 'stacked',
      fields: ['title', 'description', 'descriptionFormat', 'icon', 'order'],
      ordering: ['order'],
      extra: 1,
      maxNum: 100,
      derive: richText('description'),
    },
    {
      table: education,
      foreignKey: education.profileId,
      model: 'education',
      style: 'tabular',
      fields: ['school', 'degree', 'field', 'startYear', 'endYear', 'order'],
      ordering: ['order'],
      extra: 1,
      maxNum: 100,
    },
  ],
  actions: [makeActiveAction],
  viewOnSite: (row) => (row.isActive ? RESUME_PATH : null),
  objectLinks: (row) => [{ label: text('admin.pdf'), url: profilePdfUrl(row.id) }],
  validate(values, existing, { language }) {
    const errors: FormErrors = {};
    const name = values.fullName ?? existing?.fullName;
    if (typeof name === 'string' && name.trim() === '')
      errors.fullName = [translator(resumeMessages, language)('admin.nameRequired')];
    return errors;
  },
  async beforeSave(_tx, values, existing) {
    const summary = values.summary ?? existing?.summary ?? '';
    const format = values.summaryFormat ?? existing?.summaryFormat ?? 'markdown';
    values.summaryHtml = await renderedFrom(summary, format);
    values.updatedAt = new Date();
  },
  // The new PDF is built now, not by the first visitor who asks for it.
  afterCommit: (row, app) => buildAfterSave(app, row.id),
});
