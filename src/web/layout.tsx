/** The page frame every HTML page uses: head, header with the user menu, messages, footer. */
import type { ComponentChildren } from 'preact';
import { type StaticAsset, staticAsset } from '../contrib/staticfiles/asset.js';
import { localizedPath, prefixedPath } from './language-urls.js';
import { setLanguageUrl } from './middleware/locale.js';
import { type PageMeta, PageMetaTags } from './page-meta.js';
import type { PageContext } from './render.js';

/** Declared here, at import time, so the start-up check covers it (docs/static-files.md). */
const siteCss = staticAsset('css/site.css');
export const favicon = staticAsset('favicon.svg');

export interface LayoutProps {
  title: string;
  context: PageContext;
  /** An app's own stylesheets, linked after site.css. */
  styles?: readonly StaticAsset[];
  /** Description, canonical address, OpenGraph, JSON-LD, feeds (./page-meta.tsx). */
  meta?: PageMeta;
  children: ComponentChildren;
}

/**
 * Links to the same page in each enabled language (a link, so it works without JavaScript). They go
 * through the switcher, which stores the choice, so pages without a prefix (account pages) follow it
 * too; on a prefixed page it then returns to the page under the chosen language's prefix.
 */
function LanguageSwitcher({ context }: { context: PageContext }) {
  const { languages, language, path, urlLanguage, t } = context;
  if (languages.length < 2) return null;
  return (
    <nav class="LanguageSwitcher" aria-label={t('nav.language')}>
      {languages.map((code) =>
        code === language ? (
          <span class="LanguageSwitcher-current" lang={code} aria-current="true">
            {t('nav.languageName', { language: code })}
          </span>
        ) : (
          <a
            href={setLanguageUrl(code, urlLanguage === null ? path : prefixedPath(code, path))}
            lang={code}
            hreflang={code}
            rel="nofollow"
          >
            {t('nav.languageName', { language: code })}
          </a>
        ),
      )}
    </nav>
  );
}

export function Layout({ title, context, styles = [], meta, children }: LayoutProps) {
  const { user, messages, csrfToken, staticUrl, siteName, language, t } = context;
  return (
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${siteName}`}</title>
        <link rel="icon" href={staticUrl(favicon)} type="image/svg+xml" />
        <link rel="stylesheet" href={staticUrl(siteCss)} />
        {styles.map((style) => (
          <link rel="stylesheet" href={staticUrl(style)} />
        ))}
        {context.alternates.map(({ hreflang, href }) => (
          <link rel="alternate" hreflang={hreflang} href={href} />
        ))}
        {meta && <PageMetaTags meta={meta} title={title} siteName={siteName} language={language} />}
      </head>
      <body>
        <header class="SiteHeader">
          <a class="SiteHeader-brand" href={localizedPath(context, '/')}>
            {siteName}
          </a>
          <nav class="SiteHeader-nav" aria-label={t('nav.main')}>
            {[
              ['/blog/', t('nav.blog')],
              ['/resume/', t('nav.resume')],
            ].map(([href, label]) => (
              <a
                href={localizedPath(context, href as string)}
                aria-current={context.path.startsWith(href as string) ? 'page' : undefined}
              >
                {label}
              </a>
            ))}
          </nav>
          <nav class="SiteHeader-nav SiteHeader-account" aria-label={t('nav.account')}>
            {user.isAuthenticated ? (
              <>
                <span class="SiteHeader-user">{user.username}</span>
                <a href="/accounts/sessions/">{t('nav.sessions')}</a>
                <a href="/accounts/password_change/">{t('nav.passwordChange')}</a>
                <form method="post" action="/accounts/logout/" class="SiteHeader-logout">
                  <input type="hidden" name="_csrf" value={csrfToken ?? ''} />
                  <button type="submit">{t('nav.logout')}</button>
                </form>
              </>
            ) : (
              <a href="/accounts/login/">{t('nav.login')}</a>
            )}
            <LanguageSwitcher context={context} />
          </nav>
        </header>
        <main class="Page">
          {messages.length > 0 && (
            <ul class="Messages" role="status">
              {messages.map((message) => (
                <li class={`Message Message--${message.level}`}>{message.text}</li>
              ))}
            </ul>
          )}
          {children}
        </main>
        <footer class="SiteFooter">{t('site.footer')}</footer>
      </body>
    </html>
  );
}
