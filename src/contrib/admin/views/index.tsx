/** The admin index (apps and models the user may see, and their recent actions) and each app's index. */
import type { FastifyInstance } from 'fastify';
import { ForbiddenError, NotFoundError } from '../../../errors.js';
import { localText } from '../../../i18n/messages.js';
import type { AuthenticatedUser } from '../../auth/current-user.js';
import { type ModelPermissions, permissionsFor, requireStaff } from '../access.js';
import type { AdminView } from '../define.js';
import { changeLabels, describeChange, recentActions } from '../history.js';
import { type AdminTranslate, adminTranslator } from '../messages.js';
import type { AdminLogRow } from '../schema.js';
import type { ModelAdmin } from '../site.js';
import { type AdminEnvironment, capitalise, sendAdminPage } from './shared.js';

interface VisibleModel {
  model: ModelAdmin;
  permissions: ModelPermissions;
}

/** The registered models grouped by app, keeping only those the user has any permission on. */
async function visibleApps(environment: AdminEnvironment, user: AuthenticatedUser, language: string) {
  const groups: { app: string; title: string; models: VisibleModel[] }[] = [];
  for (const group of environment.site.in(language).byApp()) {
    const models: VisibleModel[] = [];
    for (const model of group.models) {
      const permissions = await permissionsFor(user, model.app, model.model);
      if (Object.values(permissions).some(Boolean)) models.push({ model, permissions });
    }
    if (models.length > 0) groups.push({ app: group.app, title: group.title, models });
  }
  return groups;
}

/** The apps' own admin pages the user may see. */
async function visibleViews(environment: AdminEnvironment, user: AuthenticatedUser): Promise<AdminView[]> {
  const allowed = await Promise.all(environment.views.map((view) => user.hasPerm(view.permission)));
  return environment.views.filter((_, index) => allowed[index]);
}

function AppTable({
  app,
  title,
  models,
  basePath,
  t,
}: {
  app: string;
  title: string;
  models: VisibleModel[];
  basePath: string;
  t: AdminTranslate;
}) {
  return (
    <section class="AdminModule" aria-labelledby={`app-${app}`}>
      <h2 id={`app-${app}`}>
        <a href={`${basePath}${app}/`}>{title}</a>
      </h2>
      <table class="AdminModule-table">
        <tbody>
          {models.map(({ model, permissions }) => (
            <tr>
              <th scope="row">
                {permissions.view ? (
                  <a href={model.url}>{capitalise(model.verboseNamePlural)}</a>
                ) : (
                  capitalise(model.verboseNamePlural)
                )}
              </th>
              <td>
                {permissions.add && (
                  <a class="AdminAddLink" href={`${model.url}add/`}>
                    {t('index.add')}
                  </a>
                )}
              </td>
              <td>
                {permissions.view && (
                  <a class="AdminChangeLink" href={model.url}>
                    {permissions.change ? t('index.change') : t('index.view')}
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RecentActions({
  actions,
  environment,
  t,
  language,
}: {
  actions: AdminLogRow[];
  environment: AdminEnvironment;
  t: AdminTranslate;
  language: string;
}) {
  return (
    <aside class="AdminRecent" aria-labelledby="recent-actions">
      <h2 id="recent-actions">{t('index.recent')}</h2>
      {actions.length === 0 ? (
        <p>{t('index.recentNone')}</p>
      ) : (
        <ul class="AdminRecent-list">
          {actions.map((entry) => {
            const model = environment.site.in(language).find(entry.appLabel, entry.model);
            const link =
              model && entry.action !== 'delete'
                ? `${model.url}${encodeURIComponent(entry.objectId)}/change/`
                : null;
            return (
              <li class={`AdminRecent-item AdminRecent-item--${entry.action}`}>
                {link ? <a href={link}>{entry.objectRepr}</a> : <span>{entry.objectRepr}</span>}
                <span class="AdminRecent-meta">
                  {capitalise(model?.verboseName ?? entry.model)} ·{' '}
                  {describeChange(entry.action, entry.changes, t, language, changeLabels(model))}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </aside>
  );
}

export function registerIndexViews(app: FastifyInstance, environment: AdminEnvironment): void {
  const { basePath } = environment.site;

  app.get(basePath, async (request, reply) => {
    const user = requireStaff(request, reply);
    if (!user) return reply;
    const [apps, tools, actions] = await Promise.all([
      visibleApps(environment, user, request.language),
      visibleViews(environment, user),
      recentActions(environment.db, user.id, 10),
    ]);
    const { language } = request;
    const t = adminTranslator(language);
    return sendAdminPage(environment, request, reply, { title: t('index.title'), kind: 'AdminPage--index' }, [
      <h1>{t('index.title')}</h1>,
      <div class="AdminIndex">
        <div class="AdminIndex-apps">
          {apps.length === 0 && tools.length === 0 ? (
            <p>{t('index.nothing')}</p>
          ) : (
            apps.map((group) => (
              <AppTable app={group.app} title={group.title} models={group.models} basePath={basePath} t={t} />
            ))
          )}
          {tools.length > 0 && (
            <section class="AdminModule" aria-labelledby="admin-tools">
              <h2 id="admin-tools">{t('index.tools')}</h2>
              <table class="AdminModule-table">
                <tbody>
                  {tools.map((view) => (
                    <tr>
                      <th scope="row">
                        <a href={`${basePath}${view.path}`}>{localText(view.title, language)}</a>
                      </th>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </div>
        <RecentActions actions={actions} environment={environment} t={t} language={language} />
      </div>,
    ]);
  });

  app.get(`${basePath}:app/`, async (request, reply) => {
    const user = requireStaff(request, reply);
    if (!user) return reply;
    const { app: appName } = request.params as { app: string };
    const group = (await visibleApps(environment, user, request.language)).find(
      (entry) => entry.app === appName,
    );
    if (!group) {
      // Django: an app the user may not see is 404 if unknown, 403 if it exists.
      if (environment.site.byApp().some((entry) => entry.app === appName)) {
        throw new ForbiddenError(`no permission on any model of ${appName}`);
      }
      throw new NotFoundError(`no admin app ${appName}`);
    }
    const t = adminTranslator(request.language);
    const title = t('app.title', { app: group.title });
    return sendAdminPage(
      environment,
      request,
      reply,
      { title, breadcrumbs: [{ label: group.title }], kind: 'AdminPage--app' },
      [
        <h1>{title}</h1>,
        <AppTable app={group.app} title={group.title} models={group.models} basePath={basePath} t={t} />,
      ],
    );
  });
}
