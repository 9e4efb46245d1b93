/** The home page app: `/` built from the site settings, the blog and the résumé (./page.tsx). */
import { join } from 'node:path';
import { projectRoot } from '../../project-root.js';
import type { KeenApp } from '../../web/keen-app.js';
import { pageContext, sendPage } from '../../web/render.js';
import { homeMessages } from './messages.js';
import { HomePage } from './page.js';
import { loadHome } from './queries.js';

export const homeApp: KeenApp = {
  name: 'home',
  dependsOn: ['site', 'blog', 'resume'],
  staticDir: join(projectRoot(), 'src', 'apps', 'home', 'static'),
  messages: homeMessages,
  routes(app, { database }) {
    // A public page: under /<language>/ when LANGUAGE_URL_PREFIXES is on.
    app.get('/', { config: { localized: true } }, async (request, reply) => {
      const content = await loadHome(database.db);
      return sendPage(
        reply,
        <HomePage
          context={pageContext(request)}
          site={request.server.siteSettings.current}
          content={content}
        />,
      );
    });
  },
};
