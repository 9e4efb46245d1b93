/**
 * The site app: the site's own settings (name, tagline, about text, robots.txt lines), edited in the
 * admin and read by every page through `app.siteIdentity` (src/web/render.tsx), from memory.
 */
import type { KeenApp } from '../../web/keen-app.js';
import { routePolicy } from '../../web/route-policy.js';
import { siteSettingsAdmin } from './admin.js';
import { siteMessages } from './messages.js';
import { SiteSettingsCache } from './settings.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The site settings row, in memory (src/apps/site/settings.ts). */
    siteSettings: SiteSettingsCache;
  }
}

export const siteApp: KeenApp = {
  name: 'site',
  dependsOn: ['admin'],
  models: [{ name: 'sitesettings', verboseName: 'site settings' }],
  admin: [siteSettingsAdmin],
  messages: siteMessages,
  routes(app, { database }) {
    const cache = new SiteSettingsCache(database.db);
    app.decorate('siteSettings', cache);
    app.decorate('siteIdentity', () => {
      const { siteName, tagline } = cache.current;
      return { siteName, tagline };
    });
    // A timestamp check on page requests; one query when the copy is older than its maximum age. Routes
    // without a session (static files, probes, feeds) do not wait for it.
    // A callback hook: while the copy is fresh (nearly always) no promise is made.
    app.addHook('preHandler', (request, _reply, done) => {
      if (routePolicy(request).session === false || cache.isFresh()) return done();
      cache.fresh().then(() => done(), done);
    });
  },
};
