/** `<id>/history/`: the object's admin log, oldest first, 100 per page (Django's history_view). */
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../errors.js';
import { formField } from '../../../web/forms.js';
import { demand } from '../access.js';
import { displayDateTime } from '../form/time-zone.js';
import { changeLabels, describeChange, HISTORY_PAGE_SIZE, objectHistory } from '../history.js';
import { loadObject, objectIdOf } from '../objects.js';
import { type AdminEnvironment, capitalise, modelCrumbs, modelRequest, sendAdminPage } from './shared.js';

export function registerHistoryView(app: FastifyInstance, environment: AdminEnvironment): void {
  const { basePath } = environment.site;
  app.get(`${basePath}:app/:model/:id/history/`, async (request, reply) => {
    const context = await modelRequest(environment, request, reply);
    if (!context) return reply;
    const { model, permissions } = context;
    demand(permissions, 'view', `${model.app}.${model.model}`);
    const { id } = request.params as { id: string };
    const row = await loadObject(environment.db, model, id);
    const objectId = objectIdOf(model, row);
    const pageText = formField(request.query, 'p') || '1';
    const page = /^\d{1,6}$/.test(pageText) ? Number(pageText) : 0;
    if (page < 1) throw new NotFoundError('bad history page');
    const entries = await objectHistory(environment.db, model.app, model.model, objectId, page);
    const hasMore = entries.length > HISTORY_PAGE_SIZE;
    const shown = entries.slice(0, HISTORY_PAGE_SIZE);
    const name = model.describe(row);
    const { t } = context;
    const labelOf = changeLabels(model);
    const title = t('history.title', { name });
    return sendAdminPage(
      environment,
      request,
      reply,
      {
        title,
        kind: 'AdminPage--history',
        breadcrumbs: [
          ...modelCrumbs(model, basePath),
          { label: name, url: `${model.url}${encodeURIComponent(objectId)}/change/` },
          { label: t('history.crumb') },
        ],
      },
      [
        <h1>{title}</h1>,
        shown.length === 0 ? (
          <p>{t('history.none')}</p>
        ) : (
          <table class="AdminTable AdminHistory">
            <thead>
              <tr>
                <th scope="col">{t('history.when')}</th>
                <th scope="col">{t('history.user')}</th>
                <th scope="col">{t('history.action')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((entry) => (
                <tr>
                  <th scope="row">
                    <time dateTime={entry.actionTime.toISOString()}>
                      {displayDateTime(entry.actionTime, context.timeZone)}
                    </time>
                  </th>
                  <td>{entry.username}</td>
                  <td>
                    {capitalise(describeChange(entry.action, entry.changes, t, request.language, labelOf))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ),
        <nav class="AdminPager" aria-label={t('history.pages')}>
          {page > 1 && <a href={`?p=${page - 1}`}>{t('history.newer')}</a>}
          {hasMore && <a href={`?p=${page + 1}`}>{t('history.older')}</a>}
        </nav>,
      ],
    );
  });
}
