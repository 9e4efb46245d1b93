/**
 * The message layer: each app ships catalogues beside its code (`locale/en.json`, `locale/ru.json`),
 * written in ICU MessageFormat (plurals, selects, numbers) and formatted with FormatJS's
 * intl-messageformat, which uses the runtime's `Intl` for plural rules and numbers. English is the
 * source: its ids are the type of the ids, so a misspelled id fails `npm run typecheck`, and a
 * catalogue missing one of them does too. `checkCatalogues` (./check.ts) catches the rest at start-up,
 * in `keen check` and in the tests (extra ids, placeholders the source does not have, syntax).
 */
import { isLiteralElement, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat';
import { baseLanguage } from './languages.js';

/** The language every catalogue is checked against, and the one used when a language has none. */
export const SOURCE_LANGUAGE = 'en';

/** One language's messages: id → ICU message. */
export type Catalogue<Id extends string = string> = Readonly<Record<Id, string>>;

/** An app's messages in every language it ships. */
export interface MessageCatalogues<Id extends string> {
  /** Who owns them ("web", "blog", "auth"…): named in check problems. */
  readonly domain: string;
  readonly catalogues: Readonly<Record<string, Catalogue<Id>>>;
}

/**
 * Declares an app's catalogues. `en` is the source; every other language must have each of its ids
 * (a type error otherwise).
 */
export function defineMessages<const Source extends Record<string, string>>(
  domain: string,
  catalogues: { en: Source } & Record<string, { [Id in keyof Source]: string }>,
): MessageCatalogues<keyof Source & string> {
  return Object.freeze({ domain, catalogues: Object.freeze({ ...catalogues }) });
}

/** The message ids of an app's catalogues: `MessageId<typeof blogMessages>`. */
export type MessageId<M> = M extends MessageCatalogues<infer Id> ? Id : never;

/** Values a message's placeholders take. */
export type MessageValues = Record<string, PrimitiveType>;

/** Formats message `id` of one app in one language. */
export type Translate<Id extends string> = (id: Id, values?: MessageValues) => string;

// Compiled formatters, built on first use and kept: a message is parsed once per process. A message
// without placeholders is kept as its text, since it always formats the same. Kept per catalogue and
// language, so a page's translator finds its messages by id alone.
const compiled = new WeakMap<
  MessageCatalogues<string>,
  Map<string, Map<string, IntlMessageFormat | string>>
>();

function formattersOf(
  messages: MessageCatalogues<string>,
  language: string,
): Map<string, IntlMessageFormat | string> {
  let byLanguage = compiled.get(messages);
  if (!byLanguage) {
    byLanguage = new Map();
    compiled.set(messages, byLanguage);
  }
  let formatters = byLanguage.get(language);
  if (!formatters) {
    formatters = new Map();
    byLanguage.set(language, formatters);
  }
  return formatters;
}

/** Message `id` compiled for `language`; undefined when no catalogue has it. */
function compile(
  messages: MessageCatalogues<string>,
  language: string,
  id: string,
): IntlMessageFormat | string | undefined {
  const base = baseLanguage(language);
  const catalogue = messages.catalogues[base] ?? messages.catalogues[SOURCE_LANGUAGE];
  const text = catalogue?.[id] ?? messages.catalogues[SOURCE_LANGUAGE]?.[id];
  if (text === undefined) return undefined;
  const parsed = new IntlMessageFormat(text, language, undefined, { ignoreTag: true });
  const ast = parsed.getAst();
  const plain = ast.length === 0 || (ast.length === 1 && isLiteralElement(ast[0] as MessageFormatElement));
  return plain ? String(parsed.format()) : parsed;
}

/** A function that formats this app's messages in `language` (a tag such as `ru` or `en-us`). */
export function translator<Id extends string>(
  messages: MessageCatalogues<Id>,
  language: string,
): Translate<Id> {
  const catalogues = messages as MessageCatalogues<string>;
  const formatters = formattersOf(catalogues, language);
  return (id, values) => {
    let formatter = formatters.get(id);
    if (formatter === undefined) {
      formatter = compile(catalogues, language, id);
      // Unreachable for typed ids; a plain string id from elsewhere shows as itself rather than crash,
      // and is not kept.
      if (formatter === undefined) return id;
      formatters.set(id, formatter);
    }
    if (typeof formatter === 'string') return formatter;
    return String(formatter.format(values));
  };
}

/**
 * Text whose language is chosen when it is shown, not when it is written (Django's gettext_lazy): a
 * fixed string, or a function of the page's language. Registrations made once at start-up (admin help
 * texts, action labels) hold these.
 */
export type LocalText = string | ((language: string) => string);

/** `text` in `language`. */
export function localText(text: LocalText, language: string): string {
  return typeof text === 'string' ? text : text(language);
}

/** Like {@link translator}, for text chosen later: `const text = lazyTranslator(blogMessages); text('admin.slugHelp')`. */
export function lazyTranslator<Id extends string>(
  messages: MessageCatalogues<Id>,
): (id: Id, values?: MessageValues) => (language: string) => string {
  return (id, values) => (language) => translator(messages, language)(id, values);
}

/**
 * Message `id` of `messages` in `language` if that language's catalogue (or the source) has it, else
 * undefined: for ids made by convention (`model.post.plural`), which the type system cannot know.
 */
export function findMessage(
  messages: MessageCatalogues<string> | undefined,
  language: string,
  id: string,
  values?: MessageValues,
): string | undefined {
  if (!messages) return undefined;
  const catalogue = messages.catalogues[baseLanguage(language)] ?? messages.catalogues[SOURCE_LANGUAGE];
  if (catalogue?.[id] === undefined && messages.catalogues[SOURCE_LANGUAGE]?.[id] === undefined)
    return undefined;
  return translator(messages, language)(id, values);
}
