/** The 400/403/404/413/429/5xx pages: generic outside DEBUG; with the detail and stack trace in DEBUG. */
import { staticAsset } from '../../contrib/staticfiles/asset.js';
import { translator } from '../../i18n/messages.js';
import { favicon } from '../layout.js';
import { webMessages } from '../messages.js';
import type { PageContext } from '../render.js';

/** The same stylesheet as the layout; declared at import time for the start-up check. */
const siteCss = staticAsset('css/site.css');

const TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  410: 'Gone',
  405: 'Method not allowed',
  413: 'Request too large',
  429: 'Too many requests',
  431: 'Request headers too large',
  500: 'Server error',
  503: 'Service unavailable',
};

export function errorTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server error' : 'Bad request');
}

/** Statuses with a title of their own in the catalogue; others read as 400 or 500. */
const TITLED = new Set([400, 403, 404, 405, 410, 409, 413, 415, 429, 431, 503]);

export interface ErrorPageProps {
  status: number;
  /** The error's code: the page's message is the catalogue's text for it, else `message`. */
  code: string;
  message: string;
  /** Only passed in DEBUG. */
  debug?: { detail?: string | undefined; stack?: string | undefined };
  context: Pick<PageContext, 'staticUrl' | 'siteName' | 'language'>;
}

/**
 * A self-contained page: it must render even when sessions or the database are what failed. Its text
 * is in the visitor's language (the debug details stay as they are).
 */
export function ErrorPage({ status, code, message, debug, context }: ErrorPageProps) {
  const t = translator(webMessages, context.language);
  const title = t('error.title', { status: String(TITLED.has(status) ? status : status < 500 ? 400 : 500) });
  return (
    <html lang={context.language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${status} ${title} · ${context.siteName}`}</title>
        <link rel="icon" href={context.staticUrl(favicon)} type="image/svg+xml" />
        <link rel="stylesheet" href={context.staticUrl(siteCss)} />
      </head>
      <body>
        {/* The site's name only: the full header needs the session and user, which may be what failed. */}
        <header class="SiteHeader">
          <a class="SiteHeader-brand" href="/">
            {context.siteName}
          </a>
        </header>
        <main class="Page ErrorPage">
          <h1>
            {status} {title}
          </h1>
          <p>{t('error.message', { code, message })}</p>
          <p>
            <a href="/">{t('error.backHome')}</a>
          </p>
          {debug && (
            <section class="DebugInfo" aria-label={t('error.debugLabel')}>
              <h2>{t('error.debugTitle')}</h2>
              {debug.detail && <p class="DebugInfo-detail">{debug.detail}</p>}
              {debug.stack && <pre class="DebugInfo-stack">{debug.stack}</pre>}
            </section>
          )}
        </main>
      </body>
    </html>
  );
}
