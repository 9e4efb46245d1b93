/** The messages of the site's frame: header, navigation, footer, language switcher and error pages. */

import { defineMessages } from '../i18n/messages.js';
import en from './locale/en.json' with { type: 'json' };
import ru from './locale/ru.json' with { type: 'json' };

export const webMessages = defineMessages('web', { en, ru });
