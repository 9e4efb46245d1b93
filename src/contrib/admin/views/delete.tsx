/**
 * Deleting: one object (`<id>/delete/`) or the change list's selection (the `delete_selected` action).
 * Both show a confirmation page listing what goes with the objects (cascades), what only loses its
 * link (set null), and what blocks the delete (restrict/protect, or a model the user may not delete);
 * the second POST (`post=yes`) deletes in one transaction with a log row per object.
 */

import { inArray } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { atomic } from '../../../db/transaction.js';
import { BadRequestError } from '../../../errors.js';
import { formField } from '../../../web/forms.js';
import type { AuthenticatedUser } from '../../auth/current-user.js';
import { refreshPublicPages } from '../../cache/invalidate-pages.js';
import { deleteStoredFile } from '../../media/fields.js';
import { demand, permissionsFor } from '../access.js';
import { type DeletionPlan, deleteRows, planDeletion, type TableEffect } from '../delete-plan.js';
import { logActions } from '../history.js';
import { loadObject, objectIdOf, parseObjectId, type Row } from '../objects.js';
import type { AdminSite, ModelAdmin } from '../site.js';
import {
  type AdminEnvironment,
  capitalise,
  type ModelRequest,
  modelCrumbs,
  modelRequest,
  sendAdminPage,
} from './shared.js';

/** A selection larger than this is refused (a change list page has at most 500 rows). */
export const MAX_BULK_DELETE = 1000;

function describeFor(site: AdminSite) {
  return (table: PgTable, row: Record<string, unknown>) => {
    const describe = site.describeTable(table).describe;
    return describe ? capitalise(describe(row)) : undefined;
  };
}

/**
 * What deleting `ids` would do, the registered models among the cascades that the user may not delete
 * (Django's "perms_needed"), and whether the delete may go ahead.
 */
async function checkDeletion(
  environment: AdminEnvironment,
  context: ModelRequest,
  ids: readonly (string | number)[],
) {
  const { site, model, user } = context;
  const plan = await planDeletion(environment.db, model.table, ids, {
    tables: environment.tables,
    describe: describeFor(site),
  });
  const missing: string[] = [];
  for (const effect of plan.cascades) {
    const cascaded = site.forTable(effect.table);
    if (cascaded && !(await permissionsFor(user, cascaded.app, cascaded.model)).delete)
      missing.push(cascaded.verboseNamePlural);
  }
  return { plan, missing, allowed: !plan.blocked && missing.length === 0 };
}

function EffectList({ effects, context }: { effects: TableEffect[]; context: ModelRequest }) {
  const { site, t } = context;
  return (
    <ul class="AdminDeleteList">
      {effects.map((effect) => {
        const described = site.describeTable(effect.table);
        // Rows of tables the admin cannot name are only counted: their keys may be secrets (session keys).
        const listed = described.describe ? effect.rows : [];
        return (
          <li>
            <strong>{capitalise(described.name)}</strong>: {effect.count}
            {listed.length > 0 && (
              <ul>
                {listed.map((row) => (
                  <li>{row.label}</li>
                ))}
                {effect.count > listed.length && (
                  <li>{t('delete.andMore', { count: effect.count - listed.length })}</li>
                )}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}

interface ConfirmInput {
  context: ModelRequest;
  plan: DeletionPlan;
  missing: string[];
  action: string;
  /** Hidden fields that repeat the request (the bulk action and its selection). */
  hidden: [string, string][];
  cancelUrl: string;
  objectName: string;
}

function renderConfirmation(
  environment: AdminEnvironment,
  request: FastifyRequest,
  reply: FastifyReply,
  input: ConfirmInput,
  crumbs: { label: string; url?: string }[],
): FastifyReply {
  const { context, plan, missing } = input;
  const { model, site, t } = context;
  const object = input.objectName;
  const blocked = plan.blocked || missing.length > 0;
  const title = blocked ? t('delete.cannot', { object }) : t('delete.sure');
  return sendAdminPage(
    environment,
    request,
    reply,
    {
      title,
      kind: 'AdminPage--delete',
      breadcrumbs: [...modelCrumbs(model, site.basePath), ...crumbs],
      status: blocked ? 409 : 200,
    },
    [
      <h1>{title}</h1>,
      blocked ? (
        <div class="AdminDeleteBlocked" role="alert">
          {missing.length > 0 && (
            <>
              <p>{t('delete.missingPermission', { object })}</p>
              <ul>
                {missing.map((name) => (
                  <li>{name}</li>
                ))}
              </ul>
            </>
          )}
          {plan.blocked && (
            <>
              <p>{t('delete.protected', { object })}</p>
              <EffectList effects={plan.blockers} context={context} />
            </>
          )}
        </div>
      ) : (
        <>
          <p>{t('delete.question', { object })}</p>
          <h2>{t('delete.summary')}</h2>
          <ul class="AdminDeleteSummary">
            <li>
              {capitalise(model.verboseNamePlural)}: {plan.targets.length}
            </li>
            {plan.cascades.map((effect) => (
              <li>
                {capitalise(site.describeTable(effect.table).name)}: {effect.count}
              </li>
            ))}
          </ul>
          <h2>{t('delete.objects')}</h2>
          <ul class="AdminDeleteList">
            {plan.targets.map((target) => (
              <li>{target.label}</li>
            ))}
          </ul>
          {plan.cascades.length > 0 && (
            <>
              <h3>{t('delete.cascades')}</h3>
              <EffectList effects={plan.cascades} context={context} />
            </>
          )}
          {!plan.complete && <p class="AdminNotice">{t('delete.tooDeep')}</p>}
          {plan.setNull.length > 0 && (
            <>
              <h3>{t('delete.setNull')}</h3>
              <EffectList effects={plan.setNull} context={context} />
            </>
          )}
          <form method="post" action={input.action} class="AdminDeleteConfirm">
            <input type="hidden" name="_csrf" value={request.csrfToken()} />
            {input.hidden.map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <input type="hidden" name="post" value="yes" />
            <button type="submit" class="AdminButton AdminButton--danger">
              {t('delete.confirm')}
            </button>
            <a class="AdminButton" href={input.cancelUrl}>
              {t('delete.cancel')}
            </a>
          </form>
        </>
      ),
    ],
  );
}

/** Deletes `rows` of the model (logging each), then their stored files once committed. Returns the count. */
async function deleteObjects(
  environment: AdminEnvironment,
  request: FastifyRequest,
  model: ModelAdmin,
  user: AuthenticatedUser,
  ids: readonly (string | number)[],
): Promise<number> {
  const deleted = await atomic(environment.db, async (tx) => {
    const rows = (await tx
      .select()
      .from(model.table as PgTable)
      .where(inArray(model.primaryKey.column, ids as never[]))) as Row[];
    const result = await deleteRows(tx, model.table, ids, { tables: environment.tables });
    await logActions(
      tx,
      rows.map((row) => ({
        user,
        app: model.app,
        model: model.model,
        objectId: objectIdOf(model, row),
        objectRepr: model.describe(row),
        action: 'delete' as const,
      })),
    );
    return result;
  });
  await refreshPublicPages(request);
  for (const file of deleted.files) {
    deleteStoredFile(request.server.media, file).catch((error: unknown) =>
      request.log.warn({ err: error, name: file.name }, 'could not delete the file of a deleted object'),
    );
  }
  return deleted.count;
}

/**
 * The bulk delete action of the change list: the confirmation page, or (with `post=yes`) the delete.
 * Called by the change list's POST handler with the parsed selection.
 */
export async function bulkDelete(
  environment: AdminEnvironment,
  request: FastifyRequest,
  reply: FastifyReply,
  context: ModelRequest,
  ids: readonly (string | number)[],
): Promise<FastifyReply> {
  const { model, user, t } = context;
  demand(context.permissions, 'delete', `${model.app}.${model.model}`);
  if (ids.length > MAX_BULK_DELETE)
    throw new BadRequestError('Bad request.', `at most ${MAX_BULK_DELETE} objects at once`);
  const { plan, missing, allowed } = await checkDeletion(environment, context, ids);
  if (formField(request.body, 'post') === 'yes' && allowed) {
    const count = await deleteObjects(environment, request, model, user, ids);
    request.messages.success(t('delete.doneMany', { objects: model.countOf(count) }));
    return reply.redirect(model.url, 303);
  }
  const name = t('delete.selected', {
    count: ids.length,
    model: model.verboseNameAccusative,
    objects: model.countOf(ids.length),
  });
  return renderConfirmation(
    environment,
    request,
    reply,
    {
      context,
      plan,
      missing,
      action: model.url,
      hidden: [
        ['action', 'delete_selected'],
        ...ids.map((id): [string, string] => ['_selected_action', String(id)]),
      ],
      cancelUrl: model.url,
      objectName: name,
    },
    [{ label: t('delete.multipleCrumb') }],
  );
}

export function registerDeleteViews(app: FastifyInstance, environment: AdminEnvironment): void {
  const path = `${environment.site.basePath}:app/:model/:id/delete/`;

  async function single(request: FastifyRequest, reply: FastifyReply, confirmed: boolean) {
    const context = await modelRequest(environment, request, reply);
    if (!context) return reply;
    const { model, user, t } = context;
    demand(context.permissions, 'delete', `${model.app}.${model.model}`);
    const idText = (request.params as { id: string }).id;
    const row = await loadObject(environment.db, model, idText);
    const id = parseObjectId(model.primaryKey, idText);
    const { plan, missing, allowed } = await checkDeletion(environment, context, [id]);
    const name = model.describe(row);
    if (confirmed && allowed) {
      await deleteObjects(environment, request, model, user, [id]);
      request.messages.success(t('delete.doneOne', { model: model.verboseName, name }));
      // Django sends a user who may not see the change list to the index instead.
      return reply.redirect(context.permissions.view ? model.url : context.site.basePath, 303);
    }
    const objectUrl = `${model.url}${encodeURIComponent(objectIdOf(model, row))}/`;
    return renderConfirmation(
      environment,
      request,
      reply,
      {
        context,
        plan,
        missing,
        action: `${objectUrl}delete/`,
        hidden: [],
        cancelUrl: `${objectUrl}change/`,
        objectName: t('delete.object', { model: model.verboseNameAccusative, name }),
      },
      [{ label: name, url: `${objectUrl}change/` }, { label: t('delete.crumb') }],
    );
  }

  app.get(path, (request, reply) => single(request, reply, false));
  app.post(path, (request, reply) => single(request, reply, formField(request.body, 'post') === 'yes'));
}
