/** The résumé page: positions, newest first, each with its highlights; then skills with their level. */
import { translator } from '../../i18n/messages.js';
import { Layout } from '../../web/layout.js';
import type { PageContext } from '../../web/render.js';
import { dateRange } from './dates.js';
import { resumeMessages } from './messages.js';
import type { Resume } from './queries.js';

export interface ResumePageProps {
  context: PageContext;
  resume: Resume;
}

export function ResumePage({ context, resume }: ResumePageProps) {
  const t = translator(resumeMessages, context.language);
  return (
    <Layout title={t('title')} context={context}>
      <h1>{t('title')}</h1>
      <section aria-labelledby="experience">
        <h2 id="experience">{t('experience')}</h2>
        {resume.positions.length === 0 && <p>{t('empty')}</p>}
        {resume.positions.map((position) => (
          <article class="Position">
            <h3>{t('position', { role: position.role, company: position.company })}</h3>
            <p class="Position-dates">
              {dateRange(t, context.language, position.startDate, position.endDate)}
              {position.location && ` · ${position.location}`}
            </p>
            {position.summary && <p>{position.summary}</p>}
            {position.highlights.length > 0 && (
              <ul>
                {position.highlights.map((text) => (
                  <li>{text}</li>
                ))}
              </ul>
            )}
          </article>
        ))}
      </section>
      {resume.skills.length > 0 && (
        <section aria-labelledby="skills">
          <h2 id="skills">{t('skills')}</h2>
          <dl class="Skills">
            {resume.skills.map((skill) => (
              <>
                <dt>{skill.name}</dt>
                <dd>
                  <meter min={0} max={10} value={Number(skill.level)} aria-hidden="true" />{' '}
                  {t('skill.level', { level: Number(skill.level) })}
                </dd>
              </>
            ))}
          </dl>
        </section>
      )}
    </Layout>
  );
}
