/**
 * The résumé page: the profile's head (photo, name, title, contacts), its summary, the experience
 * timeline with durations, skills grouped by category, certifications, achievements and education.
 * A print stylesheet (in resume.css) turns it into a clean paper copy; the PDF link gives the designed one.
 */
import { staticAsset } from '../../contrib/staticfiles/asset.js';
import { formatCalendarDate } from '../../i18n/dates.js';
import { type MessageId, type Translate, translator } from '../../i18n/messages.js';
import { Layout } from '../../web/layout.js';
import type { PageMeta } from '../../web/page-meta.js';
import type { PageContext } from '../../web/render.js';
import { dateRange, durationText } from './dates.js';
import type { ResumeDocument } from './document.js';
import { resumeMessages } from './messages.js';
import { skillGroups } from './skill-groups.js';

/** Declared at import time so the start-up check covers it (docs/static-files.md). */
export const resumeCss = staticAsset('css/resume.css');

type ResumeTranslate = Translate<MessageId<typeof resumeMessages>>;

export interface ResumePageProps {
  context: PageContext;
  resume: ResumeDocument;
  /** The photo's public URL, when there is a photo. */
  photoUrl: string | null;
  /** The photo's thumbnails (it is shown 8rem wide; the original is the fallback). */
  photoSrcset?: string;
  pdfUrl: string;
  /** Today in the site's time zone ('YYYY-MM-DD'), for the current position's duration. */
  today: string;
  meta?: PageMeta;
}

function Rich({ html, class: className }: { html: string; class: string }) {
  // Sanitized on save by the blog's renderer (the same allow-list as posts).
  return html ? <div class={className} dangerouslySetInnerHTML={{ __html: html }} /> : null;
}

function Contacts({ resume, t }: { resume: ResumeDocument; t: ResumeTranslate }) {
  const links = [
    resume.linkedinUrl && { href: resume.linkedinUrl, label: 'LinkedIn' },
    resume.githubUrl && { href: resume.githubUrl, label: 'GitHub' },
    resume.websiteUrl && { href: resume.websiteUrl, label: t('contacts.website') },
  ].filter((link): link is { href: string; label: string } => Boolean(link));
  return (
    <ul class="Resume-contacts">
      {resume.location && <li>{resume.location}</li>}
      {resume.email && (
        <li>
          <a href={`mailto:${resume.email}`}>{resume.email}</a>
        </li>
      )}
      {links.map((link) => (
        <li>
          <a href={link.href} rel="me noopener">
            {link.label}
          </a>
        </li>
      ))}
    </ul>
  );
}

function Level({ level, t }: { level: number | null; t: ResumeTranslate }) {
  if (level === null) return null;
  return (
    <span class="Resume-level" role="img" aria-label={t('skill.level', { level })}>
      {[1, 2, 3, 4, 5].map((dot) => (
        <span class={dot <= level ? 'Resume-dot Resume-dot--on' : 'Resume-dot'} />
      ))}
    </span>
  );
}

export function ResumePage({ context, resume, photoUrl, photoSrcset, pdfUrl, today, meta }: ResumePageProps) {
  const t = translator(resumeMessages, context.language);
  const { language } = context;
  const groups = skillGroups(resume.skills);
  return (
    <Layout title={resume.fullName} context={context} styles={[resumeCss]} meta={meta}>
      <article class="Resume">
        <header class="Resume-head">
          {photoUrl && resume.photo && (
            <img
              class="Resume-photo"
              src={photoUrl}
              srcset={photoSrcset}
              sizes={photoSrcset ? '8rem' : undefined}
              width={resume.photo.width}
              height={resume.photo.height}
              alt={t('photoAlt', { name: resume.fullName })}
            />
          )}
          <div>
            <h1>{resume.fullName}</h1>
            {resume.title && <p class="Resume-title">{resume.title}</p>}
            <Contacts resume={resume} t={t} />
            <p class="Resume-download">
              <a class="Button" href={pdfUrl} download>
                {t('downloadPdf')}
              </a>
            </p>
          </div>
        </header>

        <Rich html={resume.summaryHtml} class="Resume-summary" />

        {resume.experience.length > 0 && (
          <section aria-labelledby="experience">
            <h2 id="experience">{t('experience')}</h2>
            <ol class="Timeline">
              {resume.experience.map((item) => (
                <li class="Timeline-item Resume-job">
                  <h3>{t('position', { role: item.position, company: item.company })}</h3>
                  <p class="Resume-when">
                    {dateRange(t, language, item.startDate, item.endDate)}
                    {' · '}
                    {durationText(t, item.startDate, item.endDate, today)}
                    {item.location && ` · ${item.location}`}
                  </p>
                  {item.companyDescription && <p class="Resume-company">{item.companyDescription}</p>}
                  <Rich html={item.descriptionHtml} class="Resume-text" />
                </li>
              ))}
            </ol>
          </section>
        )}

        {groups.length > 0 && (
          <section aria-labelledby="skills">
            <h2 id="skills">{t('skills')}</h2>
            <div class="Resume-skills">
              {groups.map((group) => (
                <section class="Resume-skillGroup">
                  {group.category && <h3>{group.category}</h3>}
                  <ul>
                    {group.skills.map((skill) => (
                      <li>
                        <span>{skill.name}</span> <Level level={skill.level} t={t} />
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
            </div>
          </section>
        )}

        {resume.certifications.length > 0 && (
          <section aria-labelledby="certifications">
            <h2 id="certifications">{t('certifications')}</h2>
            <ul class="Resume-list">
              {resume.certifications.map((item) => (
                <li>
                  <strong>
                    {item.credentialUrl ? (
                      <a href={item.credentialUrl} rel="noopener">
                        {item.name}
                      </a>
                    ) : (
                      item.name
                    )}
                  </strong>
                  {item.provider && ` · ${item.provider}`}
                  {item.dateObtained && ` · ${formatCalendarDate(item.dateObtained, language, 'month')}`}
                </li>
              ))}
            </ul>
          </section>
        )}

        {resume.achievements.length > 0 && (
          <section aria-labelledby="achievements">
            <h2 id="achievements">{t('achievements')}</h2>
            <ul class="Resume-list">
              {resume.achievements.map((item) => (
                <li>
                  <strong>{item.title}</strong>
                  <Rich html={item.descriptionHtml} class="Resume-text" />
                </li>
              ))}
            </ul>
          </section>
        )}

        {resume.education.length > 0 && (
          <section aria-labelledby="education">
            <h2 id="education">{t('education')}</h2>
            <ul class="Resume-list">
              {resume.education.map((item) => (
                <li>
                  <strong>{item.school}</strong>
                  {[item.degree, item.field].filter(Boolean).length > 0 &&
                    ` · ${[item.degree, item.field].filter(Boolean).join(', ')}`}
                  {item.startYear !== null &&
                    ` · ${item.startYear}${item.endYear !== null && item.endYear !== item.startYear ? `–${item.endYear}` : ''}`}
                </li>
              ))}
            </ul>
          </section>
        )}
      </article>
    </Layout>
  );
}

/** What the page says when no profile is active (a 404, so search engines drop the address). */
export function NoResumePage({ context }: { context: PageContext }) {
  const t = translator(resumeMessages, context.language);
  return (
    <Layout title={t('title')} context={context} styles={[resumeCss]}>
      <h1>{t('title')}</h1>
      <p>{t('noProfile')}</p>
    </Layout>
  );
}
