/**
 * `/accounts/sessions/`: the signed-in user's sessions (browser and system, address, when it began and
 * was last used, this one marked), and a way to end any other one, or all others.
 *
 * Session keys are never put in the page: each session is named by a keyed hash of its key, which the
 * POST matches against the user's own sessions. A user can only end their own sessions.
 */
import Bowser from 'bowser';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatDate } from '../../i18n/dates.js';
import { keyedHash } from '../../signing.js';
import { formField } from '../../web/forms.js';
import { Layout } from '../../web/layout.js';
import { pageContext, sendPage } from '../../web/render.js';
import type { WebContext } from '../../web/stage.js';
import type { UserSessionRow } from '../sessions/store.js';
import { authTranslator } from './messages.js';
import { redirectToLogin } from './views.js';

export const SESSIONS_URL = '/accounts/sessions/';
const NEVER_CACHE = 'private, no-store';

/** What the page and the form call a session: never its key. */
export function sessionRef(secret: string, key: string): string {
  return keyedHash(secret, 'keen.session-ref', key).slice(0, 32);
}

/** "Firefox 133 on Linux", from the User-Agent a session began with. */
export function describeClient(userAgent: string, unknown: string): string {
  if (userAgent === '') return unknown;
  const parsed = Bowser.parse(userAgent);
  const browser = [parsed.browser.name, parsed.browser.version?.split('.')[0]].filter(Boolean).join(' ');
  const system = parsed.os.name ?? '';
  if (!browser) return userAgent.slice(0, 60);
  return system ? `${browser} · ${system}` : browser;
}

function SessionsPage({
  request,
  rows,
  secret,
}: {
  request: FastifyRequest;
  rows: UserSessionRow[];
  secret: string;
}) {
  const context = pageContext(request);
  const t = authTranslator(context.language);
  const current = request.session?.key ?? null;
  const when = (date: Date) => formatDate(date, context.language, context.timeZone, 'dayTime');
  const others = rows.filter((row) => row.key !== current).length;
  return (
    <Layout title={t('sessions.title')} context={context}>
      <h1>{t('sessions.title')}</h1>
      <p>{t('sessions.intro')}</p>
      <ul class="SessionList">
        {rows.map((row) => (
          <li class="SessionList-item">
            <p class="SessionList-client">
              <strong>{describeClient(row.userAgent, t('sessions.unknownBrowser'))}</strong>
              {row.key === current && <span class="SessionList-current"> · {t('sessions.current')}</span>}
            </p>
            <p class="SessionList-meta">
              {t('sessions.meta', {
                ip: row.ip || '—',
                since: when(row.createdAt),
                seen: when(row.lastSeen),
              })}
            </p>
            {row.key !== current && (
              <form method="post" action={SESSIONS_URL}>
                <input type="hidden" name="_csrf" value={request.csrfToken()} />
                <input type="hidden" name="end" value={sessionRef(secret, row.key)} />
                <button type="submit">{t('sessions.end')}</button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {others > 0 && (
        <form method="post" action={SESSIONS_URL}>
          <input type="hidden" name="_csrf" value={request.csrfToken()} />
          <input type="hidden" name="end" value="others" />
          <button type="submit">{t('sessions.endOthers', { count: others })}</button>
        </form>
      )}
      <p class="SessionList-more">
        <a href="/accounts/2fa/">{t('twoFactor.title')}</a>
      </p>
    </Layout>
  );
}

export function registerSessionRoutes(app: FastifyInstance, { settings, stores }: WebContext): void {
  const secret = settings.secretKey.reveal();
  const store = stores.sessions;

  const page = async (request: FastifyRequest, reply: FastifyReply, userId: number) =>
    sendPage(
      reply,
      <SessionsPage request={request} rows={await store.listForUser(userId)} secret={secret} />,
    );

  app.get(SESSIONS_URL, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    if (redirectToLogin(request, reply)) return reply;
    if (!request.user.isAuthenticated) return reply;
    return page(request, reply, request.user.id);
  });

  app.post(SESSIONS_URL, async (request, reply) => {
    reply.header('cache-control', NEVER_CACHE);
    if (redirectToLogin(request, reply)) return reply;
    const { user } = request;
    if (!user.isAuthenticated) return reply;
    const t = authTranslator(request.language);
    const end = formField(request.body, 'end');
    const current = request.session?.key ?? null;
    if (end === 'others') {
      const count = await store.deleteForUser(user.id, current);
      request.log.info({ count }, 'user ended their other sessions');
      request.messages.success(t('sessions.endedOthers', { count }));
    } else {
      const rows = await store.listForUser(user.id);
      const target = rows.find((row) => row.key !== current && sessionRef(secret, row.key) === end);
      if (target) {
        await store.delete([target.key]);
        request.log.info('user ended one of their sessions');
        request.messages.success(t('sessions.ended'));
      } else {
        // Already ended (another tab), or not theirs: nothing to do, and nothing to tell apart.
        request.messages.info(t('sessions.gone'));
      }
    }
    return reply.redirect(SESSIONS_URL, 303);
  });
}
