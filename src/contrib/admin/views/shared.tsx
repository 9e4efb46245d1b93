/** What every admin view needs: the site, the database, the staff user, and the model from the URL. */

import type { PgTable } from 'drizzle-orm/pg-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Db } from '../../../db/client.js';
import { NotFoundError } from '../../../errors.js';
import type { Settings } from '../../../settings.js';
import type { Stores } from '../../../stores/index.js';
import { pageContext, sendPage } from '../../../web/render.js';
import type { AuthenticatedUser } from '../../auth/current-user.js';
import { type ModelPermissions, permissionsFor, requireStaff } from '../access.js';
import type { AdminView } from '../define.js';
import { AdminLayout, type Crumb, type PageAssets } from '../layout.js';
import { type AdminTranslate, adminTranslator } from '../messages.js';
import type { AdminSite, ModelAdmin } from '../site.js';

/** Built once when the admin's routes are added. */
export interface AdminEnvironment {
  site: AdminSite;
  db: Db;
  settings: Readonly<Settings>;
  /** Sessions, throttle counters and the cache (the auth admin ends sessions, clears counters). */
  stores: Stores;
  /** Every table of the schema, for the deletion plan's foreign-key graph. */
  tables: readonly PgTable[];
  /** The apps' own admin pages (KeenApp.adminViews). */
  views: readonly AdminView[];
}

export interface ModelRequest {
  user: AuthenticatedUser;
  /** The site in the page's language. */
  site: AdminSite;
  model: ModelAdmin;
  permissions: ModelPermissions;
  /** The admin's messages in the page's language. */
  t: AdminTranslate;
  /** The zone times are shown and entered in: the user's own, else TIME_ZONE. */
  timeZone: string;
}

/** The zone the admin shows and takes times in for this request's user. */
export function adminTimeZone(environment: AdminEnvironment, request: FastifyRequest): string {
  const user = request.user;
  return (user.isAuthenticated && user.row.timeZone) || environment.settings.timeZone;
}

type Params = { app?: string; model?: string };

/**
 * The staff user, the model named in the URL and the user's permissions on it; null when the
 * request was answered (redirect to login). Unknown models are 404 (before any permission check, as
 * in Django: the URL space itself is not secret, the data is).
 */
export async function modelRequest(
  environment: AdminEnvironment,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<ModelRequest | null> {
  const user = requireStaff(request, reply);
  if (!user) return null;
  const params = request.params as Params;
  const site = environment.site.in(request.language);
  const model = site.find(params.app ?? '', params.model ?? '');
  if (!model) throw new NotFoundError(`no admin for ${params.app}.${params.model}`);
  return {
    user,
    site,
    model,
    permissions: await permissionsFor(user, model.app, model.model),
    t: adminTranslator(request.language),
    timeZone: adminTimeZone(environment, request),
  };
}

export interface PageOptions {
  title: string;
  breadcrumbs?: Crumb[];
  kind?: string;
  status?: number;
  assets?: PageAssets;
}

/** Renders an admin page; admin pages are never cached (Django's never_cache). */
export function sendAdminPage(
  environment: AdminEnvironment,
  request: FastifyRequest,
  reply: FastifyReply,
  options: PageOptions,
  body: ComponentChildren,
): FastifyReply {
  reply.header('cache-control', 'no-store');
  return sendPage(
    reply,
    <AdminLayout
      title={options.title}
      context={pageContext(request)}
      adminPath={environment.site.basePath}
      breadcrumbs={options.breadcrumbs}
      kind={options.kind}
      assets={options.assets}
    >
      {body}
    </AdminLayout>,
    options.status ?? 200,
  );
}

/** Breadcrumbs to a model's change list. */
export function modelCrumbs(model: ModelAdmin, basePath: string): Crumb[] {
  return [
    { label: model.appTitle, url: `${basePath}${model.app}/` },
    { label: capitalise(model.verboseNamePlural), url: model.url },
  ];
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
