/**
 * Who may use the admin and do what (Django's AdminSite.has_permission and ModelAdmin.has_*_permission).
 * Every admin route calls these on the server; hiding a button is never the check.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../errors.js';
import type { AuthenticatedUser } from '../auth/current-user.js';
import { redirectToLogin } from '../auth/views.js';

export type ModelAction = 'view' | 'add' | 'change' | 'delete';

export type ModelPermissions = Record<ModelAction, boolean>;

export const NO_PERMISSIONS: ModelPermissions = Object.freeze({
  view: false,
  add: false,
  change: false,
  delete: false,
});

/**
 * The active staff user making the request. Anonymous visitors are sent to the login page with `next`
 * (returns null: the caller stops); a logged-in user who is not active staff gets 403.
 */
export function requireStaff(request: FastifyRequest, reply: FastifyReply): AuthenticatedUser | null {
  const user = request.user;
  if (!user.isAuthenticated) {
    reply.header('cache-control', 'no-store');
    redirectToLogin(request, reply);
    return null;
  }
  if (!user.isStaff || !user.row.isActive) throw new ForbiddenError('the admin is for active staff only');
  return user;
}

/** What `user` may do with `app.model`. Like Django, the change permission implies view. */
export async function permissionsFor(
  user: AuthenticatedUser,
  app: string,
  model: string,
): Promise<ModelPermissions> {
  const [view, add, change, remove] = await Promise.all(
    (['view', 'add', 'change', 'delete'] as const).map((action) => user.hasPerm(`${app}.${action}_${model}`)),
  );
  return {
    view: Boolean(view || change),
    add: Boolean(add),
    change: Boolean(change),
    delete: Boolean(remove),
  };
}

/** Throws 403 unless the user has `action` on the model. */
export function demand(permissions: ModelPermissions, action: ModelAction, what: string): void {
  if (!permissions[action]) throw new ForbiddenError(`no ${action} permission on ${what}`);
}
