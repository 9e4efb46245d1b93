/**
 * The catalogue check (part of start-up, `keen check` and the tests): every language of every app has
 * exactly the source's message ids, each message parses as ICU MessageFormat (plurals and selects with
 * an `other` case), and a translation uses no placeholder the English source does not supply.
 */
import {
  isLiteralElement,
  isPluralElement,
  isPoundElement,
  isSelectElement,
  isTagElement,
  type MessageFormatElement,
  parse,
} from '@formatjs/icu-messageformat-parser';
import { baseLanguage } from './languages.js';
import { type MessageCatalogues, SOURCE_LANGUAGE } from './messages.js';

/** The placeholder names a parsed message uses, nested plurals and selects included. */
function placeholdersOf(elements: readonly MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (isLiteralElement(element) || isPoundElement(element)) continue;
    if (isTagElement(element)) {
      placeholdersOf(element.children, into);
      continue;
    }
    into.add(element.value);
    if (isPluralElement(element) || isSelectElement(element)) {
      for (const option of Object.values(element.options)) placeholdersOf(option.value, into);
    }
  }
  return into;
}

/** The parsed message, or the parser's complaint. */
function parsed(text: string): MessageFormatElement[] | string {
  try {
    return parse(text, { ignoreTag: true, requiresOtherClause: true });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Problems with `messages` for the `languages` the site enables, one line each ("blog ru: …"); empty when
 * all is well.
 */
export function checkCatalogues(
  messages: readonly MessageCatalogues<string>[],
  languages: readonly string[],
): string[] {
  const problems: string[] = [];
  const wanted = new Set([SOURCE_LANGUAGE, ...languages.map(baseLanguage)]);
  for (const { domain, catalogues } of messages) {
    const source = catalogues[SOURCE_LANGUAGE];
    if (!source) {
      problems.push(`${domain}: no ${SOURCE_LANGUAGE} (source) catalogue`);
      continue;
    }
    const sourcePlaceholders = new Map<string, Set<string>>();
    for (const [id, text] of Object.entries(source)) {
      const elements = parsed(text);
      if (typeof elements === 'string')
        problems.push(`${domain} ${SOURCE_LANGUAGE}: "${id}" does not parse: ${elements}`);
      else sourcePlaceholders.set(id, placeholdersOf(elements));
    }
    for (const language of [...new Set([...wanted, ...Object.keys(catalogues)])]) {
      if (language === SOURCE_LANGUAGE) continue;
      const catalogue = catalogues[language];
      if (!catalogue) {
        problems.push(`${domain}: no ${language} catalogue`);
        continue;
      }
      for (const id of Object.keys(source)) {
        if (!(id in catalogue)) problems.push(`${domain} ${language}: "${id}" is missing`);
      }
      for (const [id, text] of Object.entries(catalogue)) {
        const expected = sourcePlaceholders.get(id);
        if (!(id in source)) {
          problems.push(`${domain} ${language}: "${id}" is not in the ${SOURCE_LANGUAGE} source`);
          continue;
        }
        const elements = parsed(text);
        if (typeof elements === 'string') {
          problems.push(`${domain} ${language}: "${id}" does not parse: ${elements}`);
          continue;
        }
        for (const name of placeholdersOf(elements)) {
          if (expected && !expected.has(name))
            problems.push(`${domain} ${language}: "${id}" uses {${name}}, which the source does not have`);
        }
      }
    }
  }
  return problems;
}
