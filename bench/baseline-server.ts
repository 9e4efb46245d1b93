/**
 * The benchmark's baseline: the same six endpoints with no framework — node:http, a pg Pool and string
 * templates (./baseline-pages.ts), run as a node:cluster with the same worker count as Keen.
 *
 * It is meant to be the fastest honest hand-written version, so the keen/baseline ratio shows what the
 * framework costs, not work one side skips. It therefore does the same database round trips Keen does
 * (login page: one INSERT of a new session; list page: one session+user query, one SELECT of 20 rows;
 * form POST: one session+user query, one INSERT), the same per-request security work (signed session
 * cookie checked with an HMAC, session bound to the password hash, masked CSRF tokens, Origin check),
 * and sends the same security headers and a page of about the same size. It deliberately has none of
 * Keen's generality (routing table, hooks, request ids, logging, error pages).
 *
 * Settings come from the same environment variables as Keen's: DATABASE_URL, SECRET_KEY, BIND,
 * WEB_CONCURRENCY, STATIC_ROOT, DB_POOL_SIZE, SESSION_COOKIE_AGE.
 */
import cluster from 'node:cluster';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { verify } from '@node-rs/argon2';
import pg from 'pg';
import { type BaselinePages, escapeHtml, type ItemRow, page, templatePages } from './baseline-pages.js';
import { tsxPages } from './baseline-pages-tsx.js';
import { BaselineStaticFiles } from './baseline-static.js';
import {
  BASELINE_PDF_NAME,
  BENCH_ITEMS_URL,
  BLOG_POST_CACHE_MS,
  BLOG_POST_PATH,
  BLOG_POST_SLUG,
  LOGIN_PATH,
  PAGE_SIZE,
  READY_LINE,
  RESUME_PDF_PATH,
} from './bench-constants.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`baseline: ${name} is required`);
    process.exit(2);
  }
  return value;
}

const DATABASE_URL = required('DATABASE_URL');
const SECRET_KEY = required('SECRET_KEY');
const [HOST = '127.0.0.1', PORT_TEXT = '8000'] = required('BIND').split(':');
const WORKERS = Number(process.env.WEB_CONCURRENCY ?? 2);
const STATIC_ROOT = required('STATIC_ROOT');
const MEDIA_ROOT = required('MEDIA_ROOT');
const POOL_SIZE = Number(process.env.DB_POOL_SIZE ?? 10);
const SESSION_AGE_SECONDS = Number(process.env.SESSION_COOKIE_AGE ?? 1_209_600);
const BODY_LIMIT = 2_621_440;
// `npm run bench -- --baseline-renderer tsx`: the same pages rendered by Preact, as Keen renders.
const pages: BaselinePages = process.env.BASELINE_RENDERER === 'tsx' ? tsxPages : templatePages;

const SESSION_COOKIE = 'sessionid';
const CSRF_KEY = '_csrf_secret';
const CSRF_COOKIE = 'csrftoken';
const CSRF_COOKIE_AGE_SECONDS = 365 * 24 * 60 * 60;
const AUTH_HASH_KEY = '_auth_user_hash';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_LENGTH = 32;

// The same header set Keen's security and clickjacking stages add to every response.
const SECURITY_HEADERS: OutgoingHttpHeaders = Object.freeze({
  'x-content-type-options': 'nosniff',
  'permissions-policy':
    'accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
});

// --- small helpers --------------------------------------------------------------------------------

const staticFiles = new BaselineStaticFiles(STATIC_ROOT, SECURITY_HEADERS);

/** Uniform characters of ALPHABET from the CSPRNG (rejection sampling: 248 = 4 × 62, no modulo bias). */
function randomAlphabetString(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

const ALPHABET_INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

function maskSecret(secret: string): string {
  const mask = randomAlphabetString(SECRET_LENGTH);
  let cipher = '';
  for (let i = 0; i < SECRET_LENGTH; i++) {
    const sum = (ALPHABET_INDEX.get(secret[i] as string) ?? 0) + (ALPHABET_INDEX.get(mask[i] as string) ?? 0);
    cipher += ALPHABET[sum % 62];
  }
  return mask + cipher;
}

function tokenMatches(token: string, secret: string): boolean {
  if (!/^[a-zA-Z0-9]+$/.test(token)) return false;
  let candidate = token;
  if (token.length === SECRET_LENGTH * 2) {
    candidate = '';
    for (let i = 0; i < SECRET_LENGTH; i++) {
      const index =
        (ALPHABET_INDEX.get(token[SECRET_LENGTH + i] as string) ?? 0) -
        (ALPHABET_INDEX.get(token[i] as string) ?? 0);
      candidate += ALPHABET[(index + 62) % 62];
    }
  }
  return sameString(candidate, secret);
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieMac(key: string): string {
  return createHmac('sha256', SECRET_KEY).update(`keen.sessions:${key}`).digest('base64url').slice(0, 22);
}

function unsignSessionCookie(value: string): string | null {
  const dot = value.lastIndexOf('.');
  if (dot < 8) return null;
  const key = value.slice(0, dot);
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(key)) return null;
  return sameString(value.slice(dot + 1), cookieMac(key)) ? key : null;
}

function sessionCookieHeader(key: string): string {
  const expires = new Date(Date.now() + SESSION_AGE_SECONDS * 1000).toUTCString();
  return `${SESSION_COOKIE}=${key}.${cookieMac(key)}; Max-Age=${SESSION_AGE_SECONDS}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax`;
}

function csrfCookieMac(secret: string): string {
  return createHmac('sha256', SECRET_KEY).update(`keen.csrf:${secret}`).digest('base64url').slice(0, 22);
}

/** An anonymous visitor's CSRF secret from the signed cookie, as Keen's csrf stage reads it. */
function csrfCookieSecret(request: IncomingMessage): string | null {
  const raw = cookieValue(request, CSRF_COOKIE);
  const dot = raw?.lastIndexOf('.') ?? -1;
  if (!raw || dot < 1) return null;
  const secret = raw.slice(0, dot);
  if (!/^[A-Za-z0-9]{32}$/.test(secret)) return null;
  return sameString(raw.slice(dot + 1), csrfCookieMac(secret)) ? secret : null;
}

function csrfCookieHeader(secret: string): string {
  const expires = new Date(Date.now() + CSRF_COOKIE_AGE_SECONDS * 1000).toUTCString();
  return `${CSRF_COOKIE}=${secret}.${csrfCookieMac(secret)}; Max-Age=${CSRF_COOKIE_AGE_SECONDS}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax`;
}

function authHash(passwordHash: string): string {
  return createHmac('sha256', SECRET_KEY).update(`keen.auth.session:${passwordHash}`).digest('base64url');
}

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  extra: OutgoingHttpHeaders = {},
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...extra,
  });
  response.end(body);
}

function redirect(
  response: ServerResponse,
  status: number,
  location: string,
  extra: OutgoingHttpHeaders = {},
) {
  response.writeHead(status, { ...SECURITY_HEADERS, location, 'content-length': 0, ...extra });
  response.end();
}

function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });
}

// --- sessions -------------------------------------------------------------------------------------

interface SessionRow {
  key: string;
  data: Record<string, unknown>;
  user: { id: number; username: string; password: string; isActive: boolean } | null;
}

type Db = pg.Pool;

/** One round trip: the session and its user, like Keen's loadSession (same columns, same join). */
async function loadSession(db: Db, request: IncomingMessage): Promise<SessionRow | null> {
  const raw = cookieValue(request, SESSION_COOKIE);
  const key = raw ? unsignSessionCookie(raw) : null;
  if (!key) return null;
  // Named: prepared once per connection, as Keen's session store prepares its load.
  const result = await db.query({
    name: 'load_session',
    text: `SELECT s.session_data, s.user_id, s.last_seen, u.id, u.username, u.email, u.password, u.first_name,
            u.last_name, u.is_active, u.is_staff, u.is_superuser, u.last_login, u.date_joined, u.language,
            u.time_zone
       FROM keen_session s LEFT JOIN auth_user u ON u.id = s.user_id
      WHERE s.session_key = $1 AND s.expire_date > now() LIMIT 1`,
    values: [key],
  });
  const row = result.rows[0] as Record<string, unknown> | undefined;
  if (!row) return null;
  const user =
    row.id === null
      ? null
      : {
          id: row.id as number,
          username: row.username as string,
          password: row.password as string,
          isActive: row.is_active as boolean,
        };
  return { key, data: row.session_data as Record<string, unknown>, user };
}

/** The session's user if it is still valid for it (active, password unchanged), as Keen's auth stage checks. */
function sessionUser(session: SessionRow | null): SessionRow['user'] {
  const user = session?.user;
  if (!session || !user?.isActive) return null;
  const stored = session.data[AUTH_HASH_KEY];
  return typeof stored === 'string' && sameString(stored, authHash(user.password)) ? user : null;
}

function expiry(): Date {
  return new Date(Date.now() + SESSION_AGE_SECONDS * 1000);
}

async function insertSession(db: Db, data: Record<string, unknown>, userId: number | null): Promise<string> {
  const key = randomBytes(24).toString('base64url');
  await db.query({
    name: 'insert_session',
    text: 'INSERT INTO keen_session (session_key, session_data, expire_date, user_id) VALUES ($1, $2, $3, $4)',
    values: [key, JSON.stringify(data), expiry(), userId],
  });
  return key;
}

async function updateSession(db: Db, session: SessionRow): Promise<void> {
  await db.query({
    name: 'update_session',
    text: 'UPDATE keen_session SET session_data = $1, expire_date = $2 WHERE session_key = $3 RETURNING session_key',
    values: [JSON.stringify(session.data), expiry(), session.key],
  });
}

// --- routes ---------------------------------------------------------------------------------------

const HTML = 'text/html; charset=utf-8';

async function loginGet(db: Db, request: IncomingMessage, response: ServerResponse): Promise<void> {
  // Like Keen: the session is read only when the visitor has a cookie; an anonymous visitor's secret
  // lives in a signed cookie, so a first visit costs no database round trip.
  const session = await loadSession(db, request);
  const extra: OutgoingHttpHeaders = { ...PAGE_HEADERS, 'cache-control': NEVER_CACHE };
  let secret: string;
  const user = sessionUser(session);
  if (session && user) {
    const stored = session.data[CSRF_KEY];
    secret = typeof stored === 'string' ? stored : randomAlphabetString(SECRET_LENGTH);
    if (stored !== secret) {
      session.data[CSRF_KEY] = secret;
      await updateSession(db, session);
    }
  } else {
    const fromCookie = csrfCookieSecret(request);
    secret = fromCookie ?? randomAlphabetString(SECRET_LENGTH);
    if (!fromCookie) extra['set-cookie'] = csrfCookieHeader(secret);
  }
  send(response, 200, HTML, pages.login(maskSecret(secret), request.url ?? '/'), extra);
}

/** What Keen's stages add to a page: it depends on the cookies and the language asked for. */
const PAGE_HEADERS: OutgoingHttpHeaders = Object.freeze({
  vary: 'Cookie, Accept-Language',
  'content-language': 'en',
});

/** Django's never_cache, which Keen's login page sends too. */
const NEVER_CACHE = 'max-age=0, no-cache, no-store, must-revalidate, private';

function originAllowed(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  return (
    origin === undefined || origin.toLowerCase() === `http://${(request.headers.host ?? '').toLowerCase()}`
  );
}

function csrfPasses(request: IncomingMessage, session: SessionRow | null, form: URLSearchParams): boolean {
  const stored = session?.data[CSRF_KEY];
  const secrets = typeof stored === 'string' ? [stored] : [];
  if (!sessionUser(session)) {
    const fromCookie = csrfCookieSecret(request);
    if (fromCookie) secrets.push(fromCookie);
  }
  const token = form.get('_csrf');
  return originAllowed(request) && !!token && secrets.some((secret) => tokenMatches(token, secret));
}

/** Used once per run, to get the session cookie the load then reuses. */
async function loginPost(db: Db, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const form = await readForm(request);
  const session = await loadSession(db, request);
  if (!csrfPasses(request, session, form)) return send(response, 403, 'text/plain', 'CSRF check failed');
  const username = (form.get('username') ?? '').trim().toLowerCase();
  const result = await db.query(
    'SELECT id, password, is_active FROM auth_user WHERE lower(username) = $1 LIMIT 1',
    [username],
  );
  const user = result.rows[0] as { id: number; password: string; is_active: boolean } | undefined;
  if (!user?.is_active || !(await verify(user.password, form.get('password') ?? ''))) {
    return send(response, 400, 'text/plain', 'bad credentials');
  }
  if (session) await db.query('DELETE FROM keen_session WHERE session_key = $1', [session.key]);
  // The CSRF secret rotates at login: a new one in the session, the anonymous cookie dropped.
  const key = await insertSession(
    db,
    { [AUTH_HASH_KEY]: authHash(user.password), [CSRF_KEY]: randomAlphabetString(SECRET_LENGTH) },
    user.id,
  );
  // Only a local path, never another site (Keen's safeNextUrl is stricter still).
  const next = form.get('next') ?? '';
  const target = next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
  redirect(response, 303, target, {
    'set-cookie': [sessionCookieHeader(key), `${CSRF_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`],
  });
}

async function itemsGet(db: Db, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const session = await loadSession(db, request);
  const user = sessionUser(session);
  if (!session || !user) {
    return redirect(response, 302, `${LOGIN_PATH}?next=${encodeURIComponent(request.url ?? '/')}`);
  }
  let secret = session.data[CSRF_KEY];
  if (typeof secret !== 'string') {
    secret = randomAlphabetString(SECRET_LENGTH);
    session.data[CSRF_KEY] = secret;
    await updateSession(db, session);
  }
  const result = await db.query({
    name: 'list_items',
    text: 'SELECT id, title, created_at FROM bench_item ORDER BY id DESC LIMIT $1',
    values: [PAGE_SIZE],
  });
  send(
    response,
    200,
    HTML,
    pages.items(
      user.username,
      maskSecret(secret as string),
      maskSecret(secret as string),
      result.rows as ItemRow[],
      request.url ?? '/',
    ),
    PAGE_HEADERS,
  );
}

async function itemsPost(db: Db, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const form = await readForm(request);
  const session = await loadSession(db, request);
  if (!csrfPasses(request, session, form)) return send(response, 403, 'text/plain', 'CSRF check failed');
  if (!sessionUser(session)) return redirect(response, 302, LOGIN_PATH);
  const title = (form.get('title') ?? '').trim();
  if (title === '' || title.length > 200) return send(response, 400, 'text/plain', 'bad title');
  await db.query({
    name: 'insert_item',
    text: 'INSERT INTO bench_item (title) VALUES ($1)',
    values: [title],
  });
  redirect(response, 303, BENCH_ITEMS_URL, { vary: 'Cookie' });
}

/** The résumé PDF as a hand-written server would send a stored file: find the profile, stream the file. */
async function resumePdf(db: Db, response: ServerResponse): Promise<void> {
  const { rows } = await db.query<{ id: number; full_name: string }>({
    name: 'active_resume',
    text: 'SELECT id, full_name FROM resume_profile WHERE is_active LIMIT 1',
  });
  if (!rows[0]) return send(response, 404, 'text/plain', 'no résumé');
  const path = join(MEDIA_ROOT, BASELINE_PDF_NAME);
  const info = await stat(path);
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'application/pdf',
    'content-length': info.size,
    'content-disposition': `attachment; filename="Resume.pdf"; filename*=UTF-8''${encodeURIComponent(`${rows[0].full_name}.pdf`)}`,
    'cache-control': 'public, max-age=300',
    etag: `"${Math.floor(info.mtimeMs).toString(16)}-${info.size.toString(16)}"`,
    vary: 'Accept-Language, Cookie',
  });
  createReadStream(path).pipe(response);
}

/**
 * The blog post as a hand-written server would cache it: rendered once into two halves around the
 * comment form's token, kept in memory, and sent with a token of the visitor's own (a new secret and
 * its cookie for a first visit), like Keen's page-cache hits.
 */
let cachedPost: { before: string; after: string; expires: number } | null = null;

async function blogPost(db: Db, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (!cachedPost || cachedPost.expires < Date.now()) {
    const { rows } = await db.query<{ title: string; body_html: string }>({
      name: 'blog_post',
      text: "SELECT title, body_html FROM blog_post WHERE slug = $1 AND status = 'published'",
      values: [BLOG_POST_SLUG],
    });
    if (!rows[0]) return send(response, 404, 'text/plain', 'not found');
    const main =
      `<article><h1>${escapeHtml(rows[0].title)}</h1>${rows[0].body_html}</article>` +
      `<form method="post" action="${BLOG_POST_PATH}comments/" class="Form"><input type="hidden" name="_csrf" value="\u0000"/>` +
      `<textarea name="body"></textarea><button type="submit">Send</button></form>`;
    const [before = '', after = ''] = page(rows[0].title, null, '', main, BLOG_POST_PATH).split('\u0000');
    cachedPost = { before, after, expires: Date.now() + BLOG_POST_CACHE_MS };
  }
  const extra: OutgoingHttpHeaders = { ...PAGE_HEADERS, 'cache-control': 'private' };
  const fromCookie = csrfCookieSecret(request);
  const secret = fromCookie ?? randomAlphabetString(SECRET_LENGTH);
  if (!fromCookie) extra['set-cookie'] = csrfCookieHeader(secret);
  send(response, 200, HTML, `${cachedPost.before}${maskSecret(secret)}${cachedPost.after}`, extra);
}

async function handle(db: Db, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = request.url ?? '/';
  const method = request.method;
  if (url === '/healthz' && method === 'GET') {
    return send(response, 200, 'application/json; charset=utf-8', '{"status":"ok"}', {
      'cache-control': 'no-store',
    });
  }
  if (url.startsWith(LOGIN_PATH)) {
    if (method === 'GET') return loginGet(db, request, response);
    if (method === 'POST') return loginPost(db, request, response);
  }
  if (url.startsWith(BENCH_ITEMS_URL)) {
    if (method === 'GET') return itemsGet(db, request, response);
    if (method === 'POST') return itemsPost(db, request, response);
  }
  if (url.startsWith('/static/') && method === 'GET') return staticFiles.serve(request, response);
  if (url === RESUME_PDF_PATH && method === 'GET') return resumePdf(db, response);
  if (url === BLOG_POST_PATH && method === 'GET') return blogPost(db, request, response);
  send(response, 404, 'text/plain', 'not found');
}

// --- processes ------------------------------------------------------------------------------------

function runWorker(): void {
  // The same pool settings Keen's PostgreSQL client uses (src/db/client.ts).
  const db = new pg.Pool({
    connectionString: DATABASE_URL,
    max: POOL_SIZE,
    statement_timeout: 30_000,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  db.on('error', (error) => console.error('baseline: idle connection lost', error.message));
  const server = createServer((request, response) => {
    handle(db, request, response).catch((error: unknown) => {
      console.error('baseline: request failed', error);
      if (!response.headersSent) send(response, 500, 'text/plain', 'internal error');
      else response.destroy();
    });
  });
  // Keen's timeouts (src/server/start.ts), so idle keep-alive connections behave the same.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 300_000;
  void staticFiles.preload().then(
    () => server.listen(Number(PORT_TEXT), HOST, () => process.send?.({ type: 'bench:ready' })),
    (error: unknown) => {
      console.error('baseline: cannot read the static files', error);
      process.exit(1);
    },
  );
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void db.end().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The primary is gone: don't linger holding the port.
  process.on('disconnect', stop);
}

function runPrimary(): void {
  cluster.on('message', (worker, message: { type?: string }) => {
    if (message?.type === 'bench:ready') process.stdout.write(`${READY_LINE}${worker.process.pid}\n`);
  });
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  let stopping = false;
  cluster.on('exit', (worker, code) => {
    if (!stopping) {
      console.error(`baseline: worker ${worker.process.pid} exited with ${code}; stopping`);
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      process.exitCode = 1;
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (cluster.isPrimary) runPrimary();
else runWorker();
