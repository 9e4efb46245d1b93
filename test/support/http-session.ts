/**
 * A browser-like client over real HTTP(S), for tests of a deployed server (a container, nginx): keeps
 * cookies between requests, reads the CSRF token out of forms and sends it back with the page's origin.
 * test/support/client.ts is the same over Fastify's inject, for the app in-process.
 */
import { type ClientRequest, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { multipart } from './multipart.js';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export class HttpSession {
  readonly cookies = new Map<string, string>();
  csrfToken: string | null = null;

  /**
   * `base` is where requests go (`http://127.0.0.1:8000`); `host` is the Host header, and the origin
   * forms are posted from is `https://<host>`. `headers` go on every request (X-Forwarded-Proto when
   * the session stands in for the proxy in front of the app).
   */
  constructor(
    readonly base: string,
    readonly host: string,
    readonly headers: Record<string, string> = {},
  ) {}

  send(method: string, path: string, form?: Record<string, string>): Promise<HttpResponse> {
    return this.start(method, path, form).finish();
  }

  /** The form with the latest CSRF token, URL-encoded as a plain HTML form sends it. */
  private encoded(form: Record<string, string>): { data: Buffer; type: string } {
    const fields = { ...(this.csrfToken ? { _csrf: this.csrfToken } : {}), ...form };
    return {
      data: Buffer.from(new URLSearchParams(fields).toString()),
      type: 'application/x-www-form-urlencoded',
    };
  }

  /**
   * A request whose headers and first half of the body go now and the rest on `finish()`: a request
   * in flight for as long as the caller likes (across a server's shutdown, say).
   */
  start(
    method: string,
    path: string,
    form?: Record<string, string> | { data: Buffer; type: string },
  ): { finish(): Promise<HttpResponse> } {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { host: this.host, ...this.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const encoded =
      form &&
      (Buffer.isBuffer(form.data)
        ? (form as { data: Buffer; type: string })
        : this.encoded(form as Record<string, string>));
    const body = encoded?.data;
    if (encoded) {
      headers['content-type'] = encoded.type;
      headers['content-length'] = String(encoded.data.length);
      headers.origin = `https://${this.host}`;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let req: ClientRequest | undefined;
    const response = new Promise<HttpResponse>((resolve, reject) => {
      req = send(
        url,
        // A test's self-signed certificate, named for `host`.
        { method, headers, servername: this.host.replace(/:\d+$/, ''), rejectUnauthorized: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const response = {
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            };
            this.remember(response);
            resolve(response);
          });
        },
      );
      req.setTimeout(15_000, () => req?.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
    });
    // Handled by whoever calls finish(); an error before that must not count as unhandled meanwhile.
    response.catch(() => undefined);
    const half = body ? Math.floor(body.length / 2) : 0;
    if (body) req?.write(body.subarray(0, half));
    else req?.flushHeaders();
    return {
      finish: () => {
        req?.end(body?.subarray(half));
        return response;
      },
    };
  }

  get(path: string): Promise<HttpResponse> {
    return this.send('GET', path);
  }

  post(path: string, form: Record<string, string>): Promise<HttpResponse> {
    return this.send('POST', path, form);
  }

  /** Posts a multipart form (the admin's change forms), the latest CSRF token first. */
  async postMultipart(path: string, form: Record<string, string>): Promise<HttpResponse> {
    const fields: [string, string][] = Object.entries(form);
    if (this.csrfToken) fields.unshift(['_csrf', this.csrfToken]);
    const { body, contentType } = await multipart(fields);
    return this.start('POST', path, { data: body, type: contentType }).finish();
  }

  private remember(response: HttpResponse): void {
    for (const line of response.headers['set-cookie'] ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const token = /name="_csrf" value="([A-Za-z0-9]+)"/.exec(response.body)?.[1];
    if (token) this.csrfToken = token;
  }
}
