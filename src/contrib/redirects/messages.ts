/** The redirects app's messages (its admin names and help texts). */
import { defineMessages } from '../../i18n/messages.js';
import en from './locale/en.json' with { type: 'json' };
import ru from './locale/ru.json' with { type: 'json' };

export const redirectMessages = defineMessages('redirects', { en, ru });
