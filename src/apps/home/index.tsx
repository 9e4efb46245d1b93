/** The home page. coreofkeen.com's blog and résumé apps will sit beside this one under src/apps/. */
import { join } from 'node:path';
import { projectRoot } from '../../project-root.js';
import type { KeenApp } from '../../web/keen-app.js';
import { Layout } from '../../web/layout.js';
import { pageContext, sendPage } from '../../web/render.js';

export const homeApp: KeenApp = {
  name: 'home',
  staticDir: join(projectRoot(), 'src', 'apps', 'home', 'static'),
  routes(app) {
    app.get('/', async (request, reply) => {
      const context = pageContext(request);
      return sendPage(
        reply,
        <Layout title="Home" context={context}>
          <h1>Welcome to Keen</h1>
          <p>
            This site runs on Keen: the classic three-tier website (web server, application server,
            PostgreSQL), in TypeScript.
          </p>
          {context.user.isAuthenticated ? (
            <p>You are logged in as {context.user.username}.</p>
          ) : (
            <p>
              <a href="/accounts/login/">Log in</a> to manage the site.
            </p>
          )}
        </Layout>,
      );
    });
  },
};
