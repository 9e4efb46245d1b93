/**
 * Slugs: the address part made from a title. Russian letters are transliterated (Привет, мир →
 * privet-mir, after the common Russian passport scheme, with й → y, ю → yu, я → ya as people type
 * them in addresses), accents are dropped (café → cafe), anything else becomes a hyphen.
 *
 * The admin's script (src/contrib/admin/static/admin/js/admin.js) fills slug fields in the browser
 * with the same rule and the same table; a test keeps the two tables equal.
 */

/** Lower-case Cyrillic letter → Latin letters (upper case is lowered first). */
export const TRANSLITERATION: Readonly<Record<string, string>> = Object.freeze({
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  // Ukrainian and Belarusian letters that Russian lacks, so their titles do not lose letters.
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
  ў: 'u',
});

/** Lower-case letters, digits and single hyphens between them: what the public URLs are made of. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The slug of `text`, at most `maxLength` characters (cut at a hyphen when it can be); '' when nothing is left. */
export function slugify(text: string, maxLength = 200): string {
  const latin = [...text.toLowerCase()].map((character) => TRANSLITERATION[character] ?? character).join('');
  const slug = latin
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength);
  const lastHyphen = cut.lastIndexOf('-');
  return (lastHyphen > maxLength / 2 ? cut.slice(0, lastHyphen) : cut).replace(/-+$/, '');
}

/**
 * `base`, or `base-2`, `base-3`… : the first that `taken` does not hold. `taken` is every existing
 * slug that starts with `base` (the caller's one query); the result fits in `maxLength`.
 */
export function uniqueSlug(base: string, taken: ReadonlySet<string>, maxLength = 200): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, maxLength - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
