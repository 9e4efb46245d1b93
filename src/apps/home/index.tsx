/** The home page app: `/` built from the site settings, the blog and the résumé (./page.tsx). */
import { join } from 'node:path';
import { projectRoot } from '../../project-root.js';
import type { KeenApp } from '../../web/keen-app.js';
import { pageContext, sendPage } from '../../web/render.js';
import { renderBody } from '../blog/markup/render.js';
import { homeMessages } from './messages.js';
import { HomePage } from './page.js';
import { loadHome } from './queries.js';
import { robotsTxt, sitemapPages, sitemapXml } from './sitemap.js';

/** The about text, rendered again only when an editor changes it (it was rendered on every request). */
let about = { source: '', html: '' };
async function renderAbout(source: string): Promise<string> {
  if (source !== about.source) about = { source, html: source ? await renderBody(source, 'markdown') : '' };
  return about.html;
}

export const homeApp: KeenApp = {
  name: 'home',
  dependsOn: ['site', 'blog', 'resume'],
  staticDir: join(projectRoot(), 'src', 'apps', 'home', 'static'),
  messages: homeMessages,
  routes(app, { database }) {
    // For crawlers: cacheable, without a session.
    app.get('/sitemap.xml', { config: { session: false } }, async (request, reply) => {
      const xml = sitemapXml(request, await sitemapPages(database.db));
      return reply
        .type('application/xml; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(xml);
    });
    app.get('/robots.txt', { config: { session: false } }, async (request, reply) => {
      const text = robotsTxt(request, request.server.siteSettings.current.robotsTxt);
      return reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(text);
    });

    // A public page: under /<language>/ when LANGUAGE_URL_PREFIXES is on.
    app.get('/', { config: { localized: true } }, async (request, reply) => {
      const site = request.server.siteSettings.current;
      const [content, aboutHtml] = await Promise.all([loadHome(database.db), renderAbout(site.about)]);
      return sendPage(
        reply,
        <HomePage context={pageContext(request)} site={site} content={content} aboutHtml={aboutHtml} />,
      );
    });
  },
};
