/**
 * The résumé app: profiles with experience, skills, certifications, achievements and education (tables
 * in ./schema.ts, admin in ./admin.ts, addresses in ./urls.ts). Public page: `GET /resume/`, the active
 * profile, or a 404 that says no résumé is published.
 */
import { join } from 'node:path';
import { projectRoot } from '../../project-root.js';
import type { KeenApp } from '../../web/keen-app.js';
import { pageContext, sendPage } from '../../web/render.js';
import { absoluteUrl } from '../../web/site-url.js';
import { profileAdmin } from './admin.js';
import { todayIn } from './dates.js';
import type { ResumeDocument } from './document.js';
import { resumeMessages } from './messages.js';
import { NoResumePage, ResumePage } from './page.js';
import { buildPdfJob, registerPdfRoutes } from './pdf-routes.js';
import { loadActiveResume } from './queries.js';
import { RESUME_PATH, RESUME_PDF_PATH } from './urls.js';

/** schema.org `Person`, for search engines' knowledge of who the résumé is about. */
function personJsonLd(resume: ResumeDocument, url: string, image: string | null): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'Person',
    name: resume.fullName,
    ...(resume.title ? { jobTitle: resume.title } : {}),
    url,
    ...(image ? { image } : {}),
    ...(resume.location ? { address: resume.location } : {}),
    sameAs: [resume.linkedinUrl, resume.githubUrl, resume.websiteUrl].filter(Boolean),
    ...(resume.experience[0] && resume.experience[0].endDate === null
      ? { worksFor: { '@type': 'Organization', name: resume.experience[0].company } }
      : {}),
  };
}

export const resumeApp: KeenApp = {
  name: 'resume',
  verboseName: 'Résumé',
  dependsOn: ['media'],
  models: [
    { name: 'profile', verboseName: 'profile' },
    { name: 'experience', verboseName: 'experience' },
    { name: 'skill', verboseName: 'skill' },
    { name: 'certification', verboseName: 'certification' },
    { name: 'achievement', verboseName: 'achievement' },
    { name: 'education', verboseName: 'education' },
  ],
  admin: [profileAdmin],
  jobs: [buildPdfJob],
  staticDir: join(projectRoot(), 'src', 'apps', 'resume', 'static'),
  messages: resumeMessages,
  routes(app, { database }) {
    registerPdfRoutes(app, database.db);
    // A public page: under /<language>/ when LANGUAGE_URL_PREFIXES is on.
    app.get(RESUME_PATH, { config: { localized: true } }, async (request, reply) => {
      const context = pageContext(request);
      const resume = await loadActiveResume(database.db);
      if (!resume) return sendPage(reply, <NoResumePage context={context} />, 404);
      const photoUrl = resume.photo ? request.server.media.url(resume.photo.name) : null;
      const url = absoluteUrl(request, RESUME_PATH);
      const meta = {
        description: resume.title || undefined,
        canonical: url,
        jsonLd: personJsonLd(resume, url, photoUrl ? absoluteUrl(request, photoUrl) : null),
      };
      return sendPage(
        reply,
        <ResumePage
          context={context}
          resume={resume}
          photoUrl={photoUrl}
          photoSrcset={
            resume.photo ? request.server.media.thumbnailSrcset(resume.photo.name, [160, 320]) : undefined
          }
          pdfUrl={RESUME_PDF_PATH}
          today={todayIn(request.server.keen.settings.timeZone)}
          meta={meta}
        />,
      );
    });
  },
};
