/** The page frame every HTML page uses: head, header with the user menu, messages, footer. */
import type { ComponentChildren } from 'preact';
import { type StaticAsset, staticAsset } from '../contrib/staticfiles/asset.js';
import type { PageContext } from './render.js';

/** Declared here, at import time, so the start-up check covers it (docs/static-files.md). */
const siteCss = staticAsset('css/site.css');
export const favicon = staticAsset('favicon.svg');

export interface LayoutProps {
  title: string;
  context: PageContext;
  /** An app's own stylesheets, linked after site.css. */
  styles?: readonly StaticAsset[];
  children: ComponentChildren;
}

export function Layout({ title, context, styles = [], children }: LayoutProps) {
  const { user, messages, csrfToken, staticUrl, siteName, language } = context;
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
      </head>
      <body>
        <header class="SiteHeader">
          <a class="SiteHeader-brand" href="/">
            {siteName}
          </a>
          <nav class="SiteHeader-nav" aria-label="Account">
            {user.isAuthenticated ? (
              <>
                <span class="SiteHeader-user">{user.username}</span>
                <a href="/accounts/password_change/">Change password</a>
                <form method="post" action="/accounts/logout/" class="SiteHeader-logout">
                  <input type="hidden" name="_csrf" value={csrfToken ?? ''} />
                  <button type="submit">Log out</button>
                </form>
              </>
            ) : (
              <a href="/accounts/login/">Log in</a>
            )}
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
        <footer class="SiteFooter">Served by Keen</footer>
      </body>
    </html>
  );
}
