/** Redirects in the admin: editors add the old address of a page they moved. */
import { lazyTranslator, translator } from '../../i18n/messages.js';
import type { FormErrors } from '../../web/forms.js';
import { defineAdmin } from '../admin/define.js';
import { redirectMessages } from './messages.js';
import { redirects } from './schema.js';

const text = lazyTranslator(redirectMessages);

const isSitePath = (value: string) => value.startsWith('/') && !value.startsWith('//');

export const redirectAdmin = defineAdmin(redirects, {
  model: 'redirect',
  toString: (row) => row.oldPath,
  listDisplay: ['oldPath', 'newPath', 'createdAt'],
  searchFields: ['oldPath', 'newPath'],
  ordering: ['oldPath'],
  fields: ['oldPath', 'newPath'],
  help: { oldPath: text('admin.oldPathHelp'), newPath: text('admin.newPathHelp') },
  validate(values, _existing, { language }) {
    const t = translator(redirectMessages, language);
    const errors: FormErrors = {};
    if (typeof values.oldPath === 'string' && !isSitePath(values.oldPath))
      errors.oldPath = [t('admin.oldPathInvalid')];
    const target = values.newPath ?? '';
    if (target !== '' && !isSitePath(target) && !/^https?:\/\/[^/\s]/i.test(target))
      errors.newPath = [t('admin.newPathInvalid')];
    else if (target === values.oldPath) errors.newPath = [t('admin.newPathSame')];
    return errors;
  },
});
