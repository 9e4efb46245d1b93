/**
 * What search engines and link previews read in a page's head: the description, the canonical
 * address, OpenGraph and Twitter card tags, JSON-LD structured data, and feed links.
 */

export interface PageMeta {
  description?: string;
  /** Absolute URL of the page's canonical address. */
  canonical?: string;
  /** Absolute URL of the page's image (a post's cover). */
  image?: string;
  type?: 'website' | 'article';
  /** Structured data (schema.org), written as JSON-LD. */
  jsonLd?: Record<string, unknown>;
  /** Atom feeds to announce: `<link rel="alternate" type="application/atom+xml">`. */
  feeds?: readonly { title: string; href: string }[];
}

/** JSON that cannot end the `<script>` element it sits in, whatever the text it holds. */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function PageMetaTags({
  meta,
  title,
  siteName,
  language,
}: {
  meta: PageMeta;
  title: string;
  siteName: string;
  language: string;
}) {
  return (
    <>
      {meta.description && <meta name="description" content={meta.description} />}
      {meta.canonical && <link rel="canonical" href={meta.canonical} />}
      <meta property="og:title" content={title} />
      <meta property="og:site_name" content={siteName} />
      <meta property="og:type" content={meta.type ?? 'website'} />
      <meta
        property="og:locale"
        content={language === 'ru' ? 'ru_RU' : language === 'en' ? 'en_US' : language}
      />
      {meta.canonical && <meta property="og:url" content={meta.canonical} />}
      {meta.description && <meta property="og:description" content={meta.description} />}
      {meta.image && <meta property="og:image" content={meta.image} />}
      <meta name="twitter:card" content={meta.image ? 'summary_large_image' : 'summary'} />
      {meta.feeds?.map((feed) => (
        <link rel="alternate" type="application/atom+xml" title={feed.title} href={feed.href} />
      ))}
      {meta.jsonLd && (
        // Data, not code: browsers do not run it, and the CSP's script-src does not apply to it.
        <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonForScript(meta.jsonLd) }} />
      )}
    </>
  );
}
