/** The résumé's admin registrations (listed in the résumé KeenApp's `admin`). */
import { defineAdmin } from '../../contrib/admin/define.js';
import { lazyTranslator, translator } from '../../i18n/messages.js';
import type { FormErrors } from '../../web/forms.js';
import { resumeMessages } from './messages.js';
import { highlights, positions, skills } from './schema.js';

const text = lazyTranslator(resumeMessages);

export const positionAdmin = defineAdmin(positions, {
  model: 'position',
  verboseName: 'position',
  verboseNamePlural: 'positions',
  toString: (row) => `${row.role}, ${row.company}`,
  listDisplay: ['company', 'role', 'startDate', 'endDate'],
  searchFields: ['company', 'role'],
  listFilter: ['startDate'],
  ordering: ['-startDate'],
  help: { endDate: text('admin.endDateHelp') },
  inlines: [
    {
      table: highlights,
      foreignKey: highlights.positionId,
      model: 'highlight',
      style: 'stacked',
      fields: ['text', 'position'],
      ordering: ['position'],
    },
  ],
  validate(values, existing, { language }) {
    const start = values.startDate ?? existing?.startDate;
    const end = 'endDate' in values ? values.endDate : existing?.endDate;
    const errors: FormErrors = {};
    // ISO dates compare as strings; the database's CHECK would refuse it too, with a less helpful message.
    if (typeof start === 'string' && typeof end === 'string' && end < start) {
      errors.endDate = [translator(resumeMessages, language)('admin.endBeforeStart')];
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
  help: { level: text('admin.levelHelp') },
});
