/** The résumé's messages. */
import { defineMessages } from '../../i18n/messages.js';
import en from './locale/en.json' with { type: 'json' };
import ru from './locale/ru.json' with { type: 'json' };

export const resumeMessages = defineMessages('resume', { en, ru });
