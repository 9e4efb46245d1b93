/** The jobs app's messages: its admin page and the names of job states. */
import { defineMessages, type MessageId, type Translate, translator } from '../../i18n/messages.js';
import en from './locale/en.json' with { type: 'json' };
import ru from './locale/ru.json' with { type: 'json' };

export const jobsMessages = defineMessages('jobs', { en, ru });

/** The jobs messages in `language`. */
export function jobsTranslator(language: string): Translate<MessageId<typeof jobsMessages>> {
  return translator(jobsMessages, language);
}
