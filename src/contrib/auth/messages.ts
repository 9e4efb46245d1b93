/** The auth app's messages: the account pages and their notices. */
import { defineMessages, type MessageId, type Translate, translator } from '../../i18n/messages.js';
import en from './locale/en.json' with { type: 'json' };
import ru from './locale/ru.json' with { type: 'json' };

export const authMessages = defineMessages('auth', { en, ru });

/** The auth messages in `language`. */
export function authTranslator(language: string): Translate<MessageId<typeof authMessages>> {
  return translator(authMessages, language);
}
