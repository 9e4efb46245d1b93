/**
 * `autocomplete/?app=&model=&field=&term=&page=`: a page of choices for a foreign key of a form
 * (Django's AutocompleteJsonView). The caller must be able to view or edit the model whose form it is;
 * the answer is `{ results: [{ id, text }], pagination: { more } }`, 20 per page.
 */
import type { FastifyInstance } from 'fastify';
import { ForbiddenError, NotFoundError } from '../../../errors.js';
import { formField } from '../../../web/forms.js';
import { permissionsFor, requireStaff } from '../access.js';
import { searchChoices } from '../relations.js';
import type { AdminEnvironment } from './shared.js';

export function registerAutocompleteView(app: FastifyInstance, environment: AdminEnvironment): void {
  app.get(`${environment.site.basePath}autocomplete/`, async (request, reply) => {
    const user = requireStaff(request, reply);
    if (!user) return reply;
    const model = environment.site.find(formField(request.query, 'app'), formField(request.query, 'model'));
    if (!model) throw new NotFoundError('autocomplete: unknown model');
    const fieldKey = formField(request.query, 'field');
    const field =
      model.field(fieldKey) ??
      model.inlines.flatMap((inline) => inline.fields).find((candidate) => candidate.key === fieldKey);
    if (!field?.references) throw new NotFoundError('autocomplete: not a foreign key');
    const permissions = await permissionsFor(user, model.app, model.model);
    if (!permissions.view && !permissions.add && !permissions.change) {
      throw new ForbiddenError(`autocomplete: no permission on ${model.app}.${model.model}`);
    }
    // Like Django: the rows searched are the target's, so a registered target needs its view permission.
    const target = environment.site.forTable(field.references.table);
    if (target && !(await permissionsFor(user, target.app, target.model)).view) {
      throw new ForbiddenError(`autocomplete: no view permission on ${target.app}.${target.model}`);
    }
    const pageText = formField(request.query, 'page') || '1';
    const page = /^\d{1,5}$/.test(pageText) ? Math.max(1, Number(pageText)) : 1;
    const found = await searchChoices(
      environment.db,
      environment.site,
      field.references.table,
      formField(request.query, 'term'),
      page,
    );
    reply.header('cache-control', 'no-store');
    return {
      results: found.results.map((choice) => ({ id: choice.value, text: choice.label })),
      pagination: { more: found.more },
    };
  });
}
