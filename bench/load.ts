/**
 * The six benchmarked endpoints, the one-time login that gives the authenticated ones their cookie and
 * CSRF token, and the load itself (autocannon, the same settings for both servers).
 */
import autocannon from 'autocannon';
import {
  BENCH_ITEMS_URL,
  BLOG_POST_PATH,
  LOGIN_PATH,
  RESUME_PDF_PATH,
  STATIC_CSS_NAME,
} from './bench-constants.js';

export const ENDPOINT_IDS = [
  'healthz',
  'login',
  'items',
  'post',
  'static',
  'resume_pdf',
  'cached_post',
] as const;
export type EndpointId = (typeof ENDPOINT_IDS)[number];

/** What an authenticated request carries: the session cookie and a masked CSRF token. */
export interface Credentials {
  cookie: string;
  token: string;
}

export interface Endpoint {
  id: EndpointId;
  label: string;
  /** Every response should have this status; anything else counts as an error. */
  expectedStatus: number;
  method: 'GET' | 'POST';
  path: string;
  headers(origin: string, credentials: Credentials): Record<string, string>;
  body?(credentials: Credentials): string;
  /** Concurrent connections for this endpoint, instead of --connections. */
  connections?: number;
}

export const ENDPOINTS: readonly Endpoint[] = [
  {
    id: 'healthz',
    label: 'GET /healthz',
    expectedStatus: 200,
    method: 'GET',
    path: '/healthz',
    headers: () => ({}),
  },
  {
    id: 'login',
    // No cookie, like a first visit: the CSRF secret goes into a signed cookie, no session row.
    label: 'GET /accounts/login/ (anonymous form page, CSRF cookie)',
    expectedStatus: 200,
    method: 'GET',
    path: LOGIN_PATH,
    headers: () => ({}),
  },
  {
    id: 'items',
    label: 'GET /bench/items/ (session + user, 20 of 10k rows)',
    expectedStatus: 200,
    method: 'GET',
    path: BENCH_ITEMS_URL,
    headers: (_origin, { cookie }) => ({ cookie }),
  },
  {
    id: 'post',
    label: 'POST /bench/items/ (CSRF-checked insert, 303)',
    expectedStatus: 303,
    method: 'POST',
    path: BENCH_ITEMS_URL,
    // Origin as a browser sends it on a form post; both servers check it against the Host.
    headers: (origin, { cookie }) => ({
      cookie,
      origin,
      'content-type': 'application/x-www-form-urlencoded',
    }),
    body: ({ token }) => new URLSearchParams({ _csrf: token, title: 'Added by the benchmark' }).toString(),
  },
  {
    id: 'static',
    label: `GET /static/${STATIC_CSS_NAME} by its hashed name (20 KB, brotli as a browser asks)`,
    expectedStatus: 200,
    method: 'GET',
    // Set by the runner once collectstatic has named it.
    path: `/static/${STATIC_CSS_NAME}`,
    headers: () => ({ 'accept-encoding': 'gzip, deflate, br, zstd' }),
  },
  {
    id: 'resume_pdf',
    // Built by the check request; measured is serving it. A download is one request per visitor, and at
    // 50 connections a 42 KB body makes the load generator (on the same two cores) the limit, for both
    // servers: 10 connections measure the server's latency instead of the generator's queue.
    label: `GET ${RESUME_PDF_PATH} (stored résumé PDF, 10 connections)`,
    connections: 10,
    expectedStatus: 200,
    method: 'GET',
    path: RESUME_PDF_PATH,
    headers: () => ({ 'accept-language': 'ru' }),
  },
  {
    id: 'cached_post',
    // No cookie, like a first visit: every response is a page-cache hit with a fresh CSRF secret, its
    // signed cookie and a masked token filled in (the check request stored the page).
    label: `GET ${BLOG_POST_PATH} (anonymous, from the page cache; target ≥ 80% of keen's /healthz)`,
    expectedStatus: 200,
    method: 'GET',
    path: BLOG_POST_PATH,
    headers: () => ({}),
  },
];

function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([A-Za-z0-9]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token in the page');
  return match[1];
}

/** The `name=value` pair a response sets for cookie `name`, else `previous`. */
function cookieOf(response: Response, name: string, previous = ''): string {
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0] ?? '';
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return previous;
}

/**
 * Logs in through the server's own login form (GET for the token and CSRF cookie, POST the credentials),
 * then opens the list page once for the token (of the session's secret, rotated at login) that every
 * POST of the load reuses.
 */
export async function logIn(origin: string, username: string, password: string): Promise<Credentials> {
  const form = await fetch(`${origin}${LOGIN_PATH}`);
  // The anonymous visitor's CSRF secret comes in a cookie; the session cookie comes with the login.
  const csrfCookie = cookieOf(form, 'csrftoken');
  const posted = await fetch(`${origin}${LOGIN_PATH}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: csrfCookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: csrfTokenIn(await form.text()),
      username,
      password,
      next: BENCH_ITEMS_URL,
    }).toString(),
  });
  if (posted.status !== 303) throw new Error(`login answered ${posted.status}: ${await posted.text()}`);
  let cookie = cookieOf(posted, 'sessionid');
  const page = await fetch(`${origin}${BENCH_ITEMS_URL}`, { headers: { cookie }, redirect: 'manual' });
  if (page.status !== 200) throw new Error(`the list page answered ${page.status} after login`);
  cookie = cookieOf(page, 'sessionid', cookie);
  return { cookie, token: csrfTokenIn(await page.text()) };
}

/** One request of each kind, so a broken endpoint stops the run instead of being measured. */
export async function checkEndpoint(origin: string, endpoint: Endpoint, credentials: Credentials) {
  const response = await fetch(`${origin}${endpoint.path}`, {
    method: endpoint.method,
    redirect: 'manual',
    headers: endpoint.headers(origin, credentials),
    body: endpoint.body?.(credentials),
  });
  const body = await response.text();
  if (response.status !== endpoint.expectedStatus) {
    throw new Error(
      `${endpoint.label} answered ${response.status}, expected ${endpoint.expectedStatus}:\n${body.slice(0, 2000)}`,
    );
  }
  return { status: response.status, bytes: Buffer.byteLength(body) };
}

export interface LoadSettings {
  connections: number;
  /** Seconds. */
  duration: number;
}

export interface LoadStats {
  /** Mean of the per-second samples. */
  requestsPerSecond: number;
  requests: number;
  latencyMs: { mean: number; p50: number; p99: number; max: number };
  /** Socket errors and timeouts. */
  socketErrors: number;
  /** Responses with another status than the endpoint's expected one. */
  unexpectedStatus: number;
  statusCounts: Record<string, number>;
  /** CPU milliseconds the server's workers spent per request (filled in by the runner). */
  workerCpuMsPerRequest?: number;
  /** Database transactions (= round trips) per request (filled in by the runner). */
  dbRoundTripsPerRequest?: number;
  /** Warning/error lines the server logged during the run (filled in by the runner). */
  serverProblemLines?: number;
  lastServerProblem?: string | null;
}

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

export async function runLoad(
  origin: string,
  endpoint: Endpoint,
  credentials: Credentials,
  settings: LoadSettings,
): Promise<LoadStats> {
  const result = await cannon({
    url: `${origin}${endpoint.path}`,
    method: endpoint.method,
    headers: endpoint.headers(origin, credentials),
    body: endpoint.body?.(credentials),
    connections: endpoint.connections ?? settings.connections,
    duration: settings.duration,
    timeout: 10,
  });
  const statusCounts: Record<string, number> = {};
  let unexpectedStatus = 0;
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) {
    statusCounts[status] = count;
    if (Number(status) !== endpoint.expectedStatus) unexpectedStatus += count;
  }
  return {
    requestsPerSecond: result.requests.average,
    requests: result.latency.totalCount,
    latencyMs: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    socketErrors: result.errors,
    unexpectedStatus,
    statusCounts,
  };
}
