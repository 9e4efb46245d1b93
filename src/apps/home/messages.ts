/** The home app's messages. */
import { defineMessages } from '../../i18n/messages.js';
import en from './locale/en.json' with { type: 'json' };
import ru from './locale/ru.json' with { type: 'json' };

export const homeMessages = defineMessages('home', { en, ru });
