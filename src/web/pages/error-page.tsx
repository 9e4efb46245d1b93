/** The 400/403/404/413/429/5xx pages: generic outside DEBUG; with the detail and stack trace in DEBUG. */
import { staticAsset } from '../../contrib/staticfiles/asset.js';
import { favicon } from '../layout.js';
import type { PageContext } from '../render.js';

/** The same stylesheet as the layout; declared at import time for the start-up check. */
const siteCss = staticAsset('css/site.css');

const TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
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

export interface ErrorPageProps {
  status: number;
  message: string;
  /** Only passed in DEBUG. */
  debug?: { detail?: string | undefined; stack?: string | undefined };
  context: Pick<PageContext, 'staticUrl' | 'siteName'>;
}

/** A self-contained page: it must render even when sessions or the database are what failed. */
export function ErrorPage({ status, message, debug, context }: ErrorPageProps) {
  const title = errorTitle(status);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${status} ${title} · ${context.siteName}`}</title>
        <link rel="icon" href={context.staticUrl(favicon)} type="image/svg+xml" />
        <link rel="stylesheet" href={context.staticUrl(siteCss)} />
      </head>
      <body>
        <main class="Page ErrorPage">
          <h1>
            {status} {title}
          </h1>
          <p>{message}</p>
          <p>
            <a href="/">Back to the home page</a>
          </p>
          {debug && (
            <section class="DebugInfo" aria-label="Debug information">
              <h2>Debug information (DEBUG is on)</h2>
              {debug.detail && <p class="DebugInfo-detail">{debug.detail}</p>}
              {debug.stack && <pre class="DebugInfo-stack">{debug.stack}</pre>}
            </section>
          )}
        </main>
      </body>
    </html>
  );
}
