/**
 * The admin page frame: header (site name, user tools, theme toggle), breadcrumbs, messages, content.
 * Styles and scripts are files (the CSP forbids inline ones); every flow works with JavaScript off,
 * and admin.js only improves them (theme toggle, select-all, slug prefill, autocomplete).
 */
import type { ComponentChildren } from 'preact';
import { favicon } from '../../web/layout.js';
import type { PageContext } from '../../web/render.js';
import { type StaticAsset, staticAsset } from '../staticfiles/asset.js';
import { type AdminTranslate, adminTranslator } from './messages.js';

const adminCss = staticAsset('admin/css/admin.css');
const adminJs = staticAsset('admin/js/admin.js');

export interface Crumb {
  label: string;
  url?: string;
}

export interface AdminLayoutProps {
  title: string;
  context: PageContext;
  adminPath: string;
  breadcrumbs?: Crumb[];
  /** Page body class, e.g. `AdminPage--changelist`. */
  kind?: string;
  /** A page's own files after the admin's (a model's form assets). */
  assets?: PageAssets;
  children: ComponentChildren;
}

export interface PageAssets {
  scripts?: readonly StaticAsset[];
  styles?: readonly StaticAsset[];
}

/**
 * The words admin.js shows, in the page's language, as JSON in a data attribute (the CSP allows no
 * inline script). `{selected}`-style placeholders are left for the script to fill.
 */
function scriptText(t: AdminTranslate): string {
  return JSON.stringify({
    auto: t('chrome.themeAuto'),
    light: t('js.themeLight'),
    dark: t('js.themeDark'),
    selected: t('js.selected', { selected: '{selected}', total: '{total}' }),
    typeToSearch: t('js.typeToSearch'),
    noResults: t('js.noResults'),
    moreResults: t('js.moreResults'),
    searchFailed: t('js.searchFailed'),
    choices: t('js.choices'),
    filter: t('js.filter'),
    filterNamed: t('js.filterNamed', { name: '{name}' }),
  });
}

export function AdminLayout({
  title,
  context,
  adminPath,
  breadcrumbs = [],
  kind,
  assets,
  children,
}: AdminLayoutProps) {
  const { user, messages, csrfToken, staticUrl, language } = context;
  const t = adminTranslator(language);
  return (
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{t('site.pageTitle', { title })}</title>
        <link rel="icon" href={staticUrl(favicon)} type="image/svg+xml" />
        <link rel="stylesheet" href={staticUrl(adminCss)} />
        {assets?.styles?.map((style) => (
          <link rel="stylesheet" href={staticUrl(style)} />
        ))}
        <script src={staticUrl(adminJs)} defer />
        {assets?.scripts?.map((script) => (
          <script src={staticUrl(script)} defer />
        ))}
      </head>
      <body class={kind ? `AdminPage ${kind}` : 'AdminPage'} data-admin-text={scriptText(t)}>
        <a class="AdminSkip" href="#content">
          {t('chrome.skip')}
        </a>
        <header class="AdminHeader">
          <a class="AdminHeader-brand" href={adminPath}>
            {t('site.title')}
          </a>
          <nav class="AdminHeader-tools" aria-label={t('chrome.account')}>
            {user.isAuthenticated && (
              <>
                <span class="AdminHeader-user">
                  {t('chrome.welcome')} <strong>{user.username}</strong>
                </span>
                <a href="/">{t('chrome.viewSite')}</a>
                <a href={`${adminPath}preferences/`}>{t('chrome.preferences')}</a>
                <a href={`${adminPath}password_change/`}>{t('chrome.passwordChange')}</a>
                <form method="post" action="/accounts/logout/" class="AdminHeader-logout">
                  <input type="hidden" name="_csrf" value={csrfToken ?? ''} />
                  <button type="submit" class="AdminLinkButton">
                    {t('chrome.logout')}
                  </button>
                </form>
              </>
            )}
            {/* Shown by admin.js; without JavaScript the theme follows the system setting. */}
            <button type="button" class="AdminThemeToggle" data-theme-toggle hidden>
              {t('chrome.theme')} <span data-theme-label>{t('chrome.themeAuto')}</span>
            </button>
          </nav>
        </header>
        {breadcrumbs.length > 0 && (
          <nav class="AdminBreadcrumbs" aria-label={t('chrome.breadcrumbs')}>
            <ol>
              <li>
                <a href={adminPath}>{t('chrome.home')}</a>
              </li>
              {breadcrumbs.map((crumb) => (
                <li>
                  {crumb.url ? (
                    <a href={crumb.url}>{crumb.label}</a>
                  ) : (
                    <span aria-current="page">{crumb.label}</span>
                  )}
                </li>
              ))}
            </ol>
          </nav>
        )}
        <main id="content" class="AdminMain" tabindex={-1}>
          {messages.length > 0 && (
            <ul class="AdminMessages" role="status">
              {messages.map((message) => (
                <li class={`AdminMessage AdminMessage--${message.level}`}>{message.text}</li>
              ))}
            </ul>
          )}
          {children}
        </main>
      </body>
    </html>
  );
}
