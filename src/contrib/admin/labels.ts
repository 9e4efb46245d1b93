/**
 * Where the admin finds the names of an app's models and fields in a language: the app's own
 * catalogue, under ids made by convention (Django's verbose_name, kept beside the app's other text):
 *
 *   app.name                          the app's heading ("Блог")
 *   model.<model>                     one object ("категория")
 *   model.<model>.plural              the list ("категории")
 *   model.<model>.accusative          after "add"/"change" in languages that decline ("категорию")
 *   model.<model>.count               an ICU plural over {count} ("{count, plural, one {# категория} …}")
 *   field.<model>.<field>             a column's or relation's label
 *   choice.<model>.<field>.<value>    a choice's label
 *
 * An id the catalogue lacks falls back to the registration's English; `keen check` lists such gaps
 * (see missingAdminLabels) so a translated site has none.
 */
import { findMessage, type MessageCatalogues } from '../../i18n/messages.js';

export class CatalogueLabels {
  /** Ids looked up and not found, for the completeness check. */
  readonly missing: string[] = [];

  constructor(
    private readonly messages: MessageCatalogues<string> | undefined,
    readonly language: string,
  ) {}

  private find(id: string, values?: Record<string, string | number>): string | undefined {
    const text = findMessage(this.messages, this.language, id, values);
    if (text === undefined) this.missing.push(id);
    return text;
  }

  app(fallback: string): string {
    return this.find('app.name') ?? fallback;
  }

  model(model: string, fallback: string): string {
    return this.find(`model.${model}`) ?? fallback;
  }

  plural(model: string, fallback: string): string {
    return this.find(`model.${model}.plural`) ?? fallback;
  }

  accusative(model: string, fallback: string): string {
    return this.find(`model.${model}.accusative`) ?? fallback;
  }

  /** `count` objects ("5 записей"), or undefined when the catalogue has no count message. */
  count(model: string, count: number): string | undefined {
    return this.find(`model.${model}.count`, { count });
  }

  field(model: string, key: string, fallback: string): string {
    return this.find(`field.${model}.${key}`) ?? fallback;
  }

  /**
   * A choice's label. Labels that are the value itself (time zone ids) or have no letters ("—") read the
   * same in every language, so they are not looked up.
   */
  choice(model: string, key: string, value: string, fallback: string): string {
    if (fallback === value || !/\p{L}/u.test(fallback)) return fallback;
    return this.find(`choice.${model}.${key}.${value}`) ?? fallback;
  }
}
