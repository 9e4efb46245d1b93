/** The home page. coreofkeen.com's blog and résumé apps will sit beside this one under src/apps/. */
import { join } from 'node:path';
import { translator } from '../../i18n/messages.js';
import { projectRoot } from '../../project-root.js';
import type { KeenApp } from '../../web/keen-app.js';
import { Layout } from '../../web/layout.js';
import { pageContext, sendPage } from '../../web/render.js';
import { homeMessages } from './messages.js';

export const homeApp: KeenApp = {
  name: 'home',
  staticDir: join(projectRoot(), 'src', 'apps', 'home', 'static'),
  messages: homeMessages,
  routes(app) {
    // A public page: under /<language>/ when LANGUAGE_URL_PREFIXES is on.
    app.get('/', { config: { localized: true } }, async (request, reply) => {
      const context = pageContext(request);
      const t = translator(homeMessages, context.language);
      return sendPage(
        reply,
        <Layout title={t('title')} context={context}>
          <h1>{t('heading')}</h1>
          <p>{t('intro')}</p>
          {context.user.isAuthenticated ? (
            <p>{t('loggedInAs', { username: context.user.username })}</p>
          ) : (
            <p>
              <a href="/accounts/login/">{t('loginInvite')}</a>
            </p>
          )}
        </Layout>,
      );
    });
  },
};
