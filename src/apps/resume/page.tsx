/** The résumé page: positions, newest first, each with its highlights; then skills with their level. */
import { Layout } from '../../web/layout.js';
import type { PageContext } from '../../web/render.js';
import { dateRange, type MonthFormatter } from './dates.js';
import type { Resume } from './queries.js';

export interface ResumePageProps {
  context: PageContext;
  resume: Resume;
  formatMonth: MonthFormatter;
}

export function ResumePage({ context, resume, formatMonth }: ResumePageProps) {
  return (
    <Layout title="Résumé" context={context}>
      <h1>Résumé</h1>
      <section aria-labelledby="experience">
        <h2 id="experience">Experience</h2>
        {resume.positions.length === 0 && <p>Nothing here yet.</p>}
        {resume.positions.map((position) => (
          <article class="Position">
            <h3>
              {position.role}, {position.company}
            </h3>
            <p class="Position-dates">
              {dateRange(formatMonth, position.startDate, position.endDate)}
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
          <h2 id="skills">Skills</h2>
          <dl class="Skills">
            {resume.skills.map((skill) => (
              <>
                <dt>{skill.name}</dt>
                <dd>
                  <meter min={0} max={10} value={Number(skill.level)} aria-hidden="true" /> {skill.level} / 10
                </dd>
              </>
            ))}
          </dl>
        </section>
      )}
    </Layout>
  );
}
