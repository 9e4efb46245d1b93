/**
 * The home page, built from the content: the site's name, tagline and about text (site settings), then
 * the latest posts, the strongest skills and the experience timeline from the résumé.
 */
import { staticAsset } from '../../contrib/staticfiles/asset.js';
import { formatDate } from '../../i18n/dates.js';
import { translator } from '../../i18n/messages.js';
import { localizedPath } from '../../web/language-urls.js';
import { Layout } from '../../web/layout.js';
import type { PageContext } from '../../web/render.js';
import { postUrl } from '../blog/urls.js';
import { dateRange } from '../resume/dates.js';
import { resumeMessages } from '../resume/messages.js';
import { RESUME_PATH, RESUME_PDF_PATH } from '../resume/urls.js';
import type { SiteSettingsRow } from '../site/schema.js';
import { homeMessages } from './messages.js';
import { type HomeContent, TIMELINE_LENGTH, TOP_SKILLS } from './queries.js';

export const homeCss = staticAsset('css/home.css');

export interface HomePageProps {
  context: PageContext;
  site: SiteSettingsRow;
  content: HomeContent;
  /** The site's about text (Markdown) as sanitized HTML. */
  aboutHtml: string;
}

export function HomePage({ context, site, content, aboutHtml: about }: HomePageProps) {
  const t = translator(homeMessages, context.language);
  const resumeT = translator(resumeMessages, context.language);
  const link = (path: string) => localizedPath(context, path);
  const skills = content.resume?.skills.slice(0, TOP_SKILLS) ?? [];
  const timeline = content.resume?.experience.slice(0, TIMELINE_LENGTH) ?? [];
  return (
    <Layout title={site.tagline || t('title')} context={context} styles={[homeCss]}>
      <section class="Hero" aria-labelledby="hero-name">
        <h1 id="hero-name">{site.siteName}</h1>
        {site.tagline && <p class="Hero-tagline">{site.tagline}</p>}
        {about && <div class="Hero-about" dangerouslySetInnerHTML={{ __html: about }} />}
        <p class="Hero-links">
          <a class="Button" href={link('/blog/')}>
            {t('readBlog')}
          </a>
          {content.resume && (
            <a class="Button Button--quiet" href={link(RESUME_PATH)}>
              {t('seeResume')}
            </a>
          )}
          {content.resume && (
            <a class="Button Button--quiet" href={RESUME_PDF_PATH} download>
              {t('downloadResume')}
            </a>
          )}
        </p>
      </section>

      <section class="HomeSection" aria-labelledby="latest">
        <h2 id="latest">{t('latest')}</h2>
        {content.posts.length === 0 ? (
          <p class="HomeSection-empty">{t('noPosts')}</p>
        ) : (
          <ul class="PostTeasers">
            {content.posts.map((post) => (
              <li class="PostTeaser">
                <a class="PostTeaser-title" href={link(postUrl(post.slug))}>
                  {post.title}
                </a>
                <time datetime={post.publishedAt.toISOString()}>
                  {formatDate(post.publishedAt, context.language, context.timeZone)}
                </time>
                {post.summary && <p>{post.summary}</p>}
              </li>
            ))}
          </ul>
        )}
        {content.posts.length > 0 && (
          <p>
            <a href={link('/blog/')}>{t('allPosts')}</a>
          </p>
        )}
      </section>

      {skills.length > 0 && (
        <section class="HomeSection" aria-labelledby="skills">
          <h2 id="skills">{t('skills')}</h2>
          <ul class="SkillChips">
            {skills.map((skill) => (
              <li>{skill.name}</li>
            ))}
          </ul>
        </section>
      )}

      {timeline.length > 0 && (
        <section class="HomeSection" aria-labelledby="experience">
          <h2 id="experience">{t('experience')}</h2>
          <ol class="Timeline">
            {timeline.map((position) => (
              <li class="Timeline-item">
                <p class="Timeline-dates">
                  {dateRange(resumeT, context.language, position.startDate, position.endDate)}
                </p>
                <p class="Timeline-role">
                  {resumeT('position', { role: position.position, company: position.company })}
                </p>
                {position.location && <p class="Timeline-place">{position.location}</p>}
              </li>
            ))}
          </ol>
          <p>
            <a href={link(RESUME_PATH)}>{t('fullResume')}</a>
          </p>
        </section>
      )}
    </Layout>
  );
}
