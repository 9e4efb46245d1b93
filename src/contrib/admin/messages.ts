/** The admin's own messages (its frame, index, lists, forms); model and field names come from the apps. */
import { defineMessages, type MessageId, type Translate, translator } from '../../i18n/messages.js';
import en from './locale/en.json' with { type: 'json' };
import ru from './locale/ru.json' with { type: 'json' };

export const adminMessages = defineMessages('admin', { en, ru });

export type AdminMessageId = MessageId<typeof adminMessages>;
export type AdminTranslate = Translate<AdminMessageId>;

/** The admin's messages in `language`. */
export function adminTranslator(language: string): AdminTranslate {
  return translator(adminMessages, language);
}
