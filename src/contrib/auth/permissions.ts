/**
 * Model permissions: each installed app's models get view/add/change/delete rows in auth_permission.
 * `keen migrate` runs this in the same transaction as the migrations, so a model's permissions exist
 * as soon as its table does (Django does the same after migrating).
 */
import type { Tx } from '../../db/client.js';
import { permissions } from './schema.js';

/** A model as an app declares it, for permissions (and later the admin). */
export interface ModelInfo {
  /** Lower-case model name, e.g. `post`. */
  name: string;
  /** Human name, e.g. `blog post`; defaults to `name`. */
  verboseName?: string;
}

export interface AppModels {
  name: string;
  models?: readonly ModelInfo[];
}

export const DEFAULT_ACTIONS = ['view', 'add', 'change', 'delete'] as const;

/** Inserts the missing permission rows for every app's models; existing rows are kept. */
export async function syncPermissions(tx: Tx, apps: readonly AppModels[]): Promise<number> {
  const rows = apps.flatMap((app) =>
    (app.models ?? []).flatMap((model) =>
      DEFAULT_ACTIONS.map((action) => ({
        appLabel: app.name,
        model: model.name,
        codename: `${action}_${model.name}`,
        name: `Can ${action} ${model.verboseName ?? model.name}`,
      })),
    ),
  );
  if (rows.length === 0) return 0;
  const inserted = await tx
    .insert(permissions)
    .values(rows)
    .onConflictDoNothing({ target: [permissions.appLabel, permissions.codename] })
    .returning({ id: permissions.id });
  return inserted.length;
}
