/**
 * The allow-list every post body passes before it reaches a page (sanitize-html): text formatting,
 * headings (h1 becomes h2: the page's title is the only h1), lists, quotes, tables, code, links and
 * images. No script, style, form, frame or object elements, no event handlers, no `style` or `id`
 * attributes (no DOM clobbering), classes only those the highlighter and task lists make, links only
 * http(s), mailto and site-relative, images only http(s) and site-relative. External links get
 * `rel="nofollow noopener noreferrer"`.
 */
import sanitizeHtml from 'sanitize-html';

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'blockquote',
    'ul',
    'ol',
    'li',
    'strong',
    'b',
    'em',
    'i',
    's',
    'del',
    'ins',
    'sub',
    'sup',
    'code',
    'pre',
    'kbd',
    'mark',
    'a',
    'img',
    'figure',
    'figcaption',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'span',
    'input',
    'dl',
    'dt',
    'dd',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    input: ['type', 'checked', 'disabled'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    ol: ['start'],
  },
  allowedClasses: {
    span: ['hljs-*'],
    code: ['hljs', 'language-*'],
    pre: ['Code'],
    li: ['task-list-item'],
    ul: ['contains-task-list'],
    input: ['task-list-item-checkbox'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // Their text is not shown either: a `<noscript>` or `<textarea>` must not smuggle markup out.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'iframe', 'object', 'template'],
  transformTags: {
    h1: 'h2',
    a: (tagName, attribs) => {
      const href = attribs.href ?? '';
      const external = /^[a-z][a-z0-9+.-]*:/i.test(href) && !href.toLowerCase().startsWith('mailto:');
      const { rel: _rel, ...rest } = attribs;
      return { tagName, attribs: external ? { ...rest, rel: 'nofollow noopener noreferrer' } : rest };
    },
    // Only the task lists' read-only checkboxes: any other input becomes nothing.
    input: (_tagName, attribs) =>
      attribs.type === 'checkbox'
        ? {
            tagName: 'input',
            attribs: {
              type: 'checkbox',
              disabled: '',
              ...(attribs.checked !== undefined ? { checked: '' } : {}),
            },
          }
        : { tagName: 'span', attribs: {} },
  },
};

export function sanitizeBody(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
