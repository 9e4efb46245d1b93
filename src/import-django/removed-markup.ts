/**
 * What the sanitizer took out of a Django text, for the import's report: the elements and attributes
 * the source had and Keen's HTML has fewer of (`<script>`, `style on <img>`). Comparing the markup, not
 * the text, keeps harmless rewrites out of the report: `&nbsp;` written as a character, `<br />` as
 * `<br>`, the `rel` Keen adds to links.
 */
import { Parser } from 'htmlparser2';

function markupOf(html: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        add(`<${name}>`);
        for (const attribute of Object.keys(attributes)) add(`${attribute} on <${name}>`);
      },
    },
    { lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return counts;
}

/** The elements and attributes of `source` that `rendered` has fewer of, in the order first seen. */
export function removedMarkup(source: string, rendered: string): string[] {
  const after = markupOf(rendered);
  return [...markupOf(source)].filter(([key, count]) => (after.get(key) ?? 0) < count).map(([key]) => key);
}
