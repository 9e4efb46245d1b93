/**
 * A browser-like client over Fastify's inject: keeps cookies between requests and reads the CSRF
 * token out of forms, so tests drive the real pages the way a person would.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { multipart, type Part } from './multipart.js';

export interface RequestOptions {
  headers?: Record<string, string>;
  form?: Record<string, string>;
  /** Sends the latest CSRF token found in a page (default true for forms). */
  withCsrf?: boolean;
}

export class TestClient {
  readonly cookies = new Map<string, string>();
  lastCsrfToken: string | null = null;

  constructor(
    readonly app: FastifyInstance,
    readonly defaults: { headers?: Record<string, string>; remoteAddress?: string } = {},
  ) {}

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (cookie.value === '' || cookie.maxAge === 0) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const match = /name="_csrf" value="([A-Za-z0-9]+)"/.exec(response.body);
    if (match?.[1]) this.lastCsrfToken = match[1];
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(method: string, url: string, options: RequestOptions = {}): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {
      host: 'localhost',
      ...this.defaults.headers,
      ...options.headers,
    };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    let payload: string | undefined;
    if (options.form) {
      const form = { ...options.form };
      if (options.withCsrf !== false && this.lastCsrfToken && form._csrf === undefined)
        form._csrf = this.lastCsrfToken;
      payload = new URLSearchParams(form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await this.app.inject({
      method: method as 'GET',
      url,
      headers,
      payload,
      remoteAddress: this.defaults.remoteAddress ?? '127.0.0.1',
    });
    this.remember(response);
    return response;
  }

  get(url: string, options?: RequestOptions) {
    return this.request('GET', url, options);
  }

  post(url: string, form: Record<string, string>, options: Omit<RequestOptions, 'form'> = {}) {
    return this.request('POST', url, { ...options, form });
  }

  /** Posts a multipart form (files allowed) with the latest CSRF token first, as a browser form would. */
  async postMultipart(url: string, parts: [string, Part][]): Promise<LightMyRequestResponse> {
    const withToken: [string, Part][] = this.lastCsrfToken
      ? [['_csrf', this.lastCsrfToken], ...parts]
      : parts;
    const { body, contentType } = await multipart(withToken);
    const headers: Record<string, string> = {
      host: 'localhost',
      ...this.defaults.headers,
      'content-type': contentType,
    };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers,
      payload: body,
      remoteAddress: this.defaults.remoteAddress ?? '127.0.0.1',
    });
    this.remember(response);
    return response;
  }

  /** Logs in through the real login page; returns the POST's response. */
  async login(username: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/accounts/login/');
    return this.post('/accounts/login/', { username, password });
  }
}
