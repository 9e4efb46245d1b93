/**
 * The résumé app: positions held (each with its highlights) and skills (tables in ./schema.ts, admin in
 * ./admin.ts). Public page: `GET /resume/`.
 */
import type { KeenApp } from '../../web/keen-app.js';
import { pageContext, sendPage } from '../../web/render.js';
import { positionAdmin, skillAdmin } from './admin.js';
import { resumeMessages } from './messages.js';
import { ResumePage } from './page.js';
import { loadResume } from './queries.js';

export const resumeApp: KeenApp = {
  name: 'resume',
  verboseName: 'Résumé',
  models: [
    { name: 'position', verboseName: 'position' },
    { name: 'highlight', verboseName: 'highlight' },
    { name: 'skill', verboseName: 'skill' },
  ],
  admin: [positionAdmin, skillAdmin],
  messages: resumeMessages,
  routes(app, { database }) {
    // A public page: under /<language>/ when LANGUAGE_URL_PREFIXES is on.
    app.get('/resume/', { config: { localized: true } }, async (request, reply) => {
      const resume = await loadResume(database.db);
      return sendPage(reply, <ResumePage context={pageContext(request)} resume={resume} />);
    });
  },
};
