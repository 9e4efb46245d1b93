/**
 * The baseline's pages in TSX, rendered by Preact as Keen renders its own: the same bytes as the
 * template strings in ./baseline-pages.ts. With `--baseline-renderer tsx` the baseline uses these, so
 * the keen/baseline ratio leaves out what the choice of template language costs.
 */
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { BaselinePages } from './baseline-pages.js';
import { BENCH_ITEMS_URL, LOGIN_PATH } from './bench-constants.js';

interface FrameProps {
  title: string;
  username: string | null;
  logoutToken: string;
  path: string;
  children: ComponentChildren;
}

function Frame({ title, username, logoutToken, path, children }: FrameProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Keen`}</title>
        <link rel="stylesheet" href="/static/css/site.css" />
      </head>
      <body>
        <header class="SiteHeader">
          <a class="SiteHeader-brand" href="/">
            Keen
          </a>
          <nav class="SiteHeader-nav" aria-label="Site">
            <a href="/blog/">Blog</a>
            <a href="/resume/">Résumé</a>
          </nav>
          <nav class="SiteHeader-nav SiteHeader-account" aria-label="Account">
            {username !== null ? (
              <>
                <span class="SiteHeader-user">{username}</span>
                <a href="/accounts/password_change/">Change password</a>
                <form method="post" action="/accounts/logout/" class="SiteHeader-logout">
                  <input type="hidden" name="_csrf" value={logoutToken} />
                  <button type="submit">Log out</button>
                </form>
              </>
            ) : (
              <a href="/accounts/login/">Log in</a>
            )}
            <nav class="LanguageSwitcher" aria-label="Language">
              <span class="LanguageSwitcher-current" lang="en" aria-current="true">
                English
              </span>
              <a
                href={`/i18n/setlang/?language=ru&next=${encodeURIComponent(path)}`}
                lang="ru"
                hreflang="ru"
                rel="nofollow"
              >
                Русский
              </a>
            </nav>
          </nav>
        </header>
        <main class="Page">{children}</main>
        <footer class="SiteFooter">Served by Keen</footer>
      </body>
    </html>
  );
}

function Field(props: {
  name: string;
  label: string;
  type: string;
  autocomplete?: string;
  autofocus?: boolean;
}) {
  const { name, label, type, autocomplete, autofocus } = props;
  return (
    <div class="Field">
      <label for={`id_${name}`}>{label}</label>
      <input
        id={`id_${name}`}
        name={name}
        type={type}
        autocomplete={autocomplete}
        required
        autofocus={autofocus}
      />
    </div>
  );
}

const render = (page: preact.JSX.Element) => `<!doctype html>${renderToString(page)}`;

export const tsxPages: BaselinePages = {
  login(token, path) {
    return render(
      <Frame title="Log in" username={null} logoutToken="" path={path}>
        <h1>Log in</h1>
        <form method="post" action={LOGIN_PATH} class="Form">
          <input type="hidden" name="_csrf" value={token} />
          <input type="hidden" name="next" value="" />
          <Field name="username" label="Username" type="text" autocomplete="username" autofocus />
          <Field name="password" label="Password" type="password" autocomplete="current-password" />
          <button type="submit">Log in</button>
        </form>
      </Frame>,
    );
  },
  items(username, logoutToken, formToken, items, path) {
    return render(
      <Frame title="Items" username={username} logoutToken={logoutToken} path={path}>
        <h1>Items</h1>
        <table class="Items">
          <thead>
            <tr>
              <th>#</th>
              <th>Title</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr>
                <td>{item.id}</td>
                <td>{item.title}</td>
                <td>{item.created_at.toISOString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action={BENCH_ITEMS_URL} class="Form">
          <input type="hidden" name="_csrf" value={formToken} />
          <Field name="title" label="Title" type="text" />
          <button type="submit">Add</button>
        </form>
      </Frame>,
    );
  },
};
