/** The résumé's admin registrations (listed in the résumé KeenApp's `admin`). */
import { defineAdmin } from '../../contrib/admin/define.js';
import type { FormErrors } from '../../web/forms.js';
import { highlights, positions, skills } from './schema.js';

export const positionAdmin = defineAdmin(positions, {
  model: 'position',
  verboseName: 'position',
  verboseNamePlural: 'positions',
  toString: (row) => `${row.role}, ${row.company}`,
  listDisplay: ['company', 'role', 'startDate', 'endDate'],
  searchFields: ['company', 'role'],
  listFilter: ['startDate'],
  ordering: ['-startDate'],
  help: { endDate: 'Leave empty while this is your current position.' },
  inlines: [
    {
      table: highlights,
      foreignKey: highlights.positionId,
      model: 'highlight',
      label: 'Highlights',
      style: 'stacked',
      fields: ['text', 'position'],
      ordering: ['position'],
    },
  ],
  validate(values, existing) {
    const start = values.startDate ?? existing?.startDate;
    const end = 'endDate' in values ? values.endDate : existing?.endDate;
    const errors: FormErrors = {};
    // ISO dates compare as strings; the database's CHECK would refuse it too, with a less helpful message.
    if (typeof start === 'string' && typeof end === 'string' && end < start) {
      errors.endDate = ['The end date cannot be before the start date.'];
    }
    return errors;
  },
});

export const skillAdmin = defineAdmin(skills, {
  model: 'skill',
  verboseName: 'skill',
  verboseNamePlural: 'skills',
  toString: (row) => row.name,
  listDisplay: ['name', 'level'],
  searchFields: ['name'],
  ordering: ['name'],
  help: { level: 'From 0.0 to 10.0.' },
});
