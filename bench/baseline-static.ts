/**
 * The baseline's static files: what an expert's server does with immutable files (nginx's
 * open_file_cache and gzip_static, by hand): every hashed name in the manifest read once at start, with
 * its headers built once, the same headers and validators Keen's static responder sends. Other names
 * are found on disk and streamed.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript' };
const MEMORY_FILE_MAX = 512 * 1024;

/** One form of a hashed file, its bytes and every header prepared once. */
interface Prepared {
  body: Buffer;
  headers: OutgoingHttpHeaders;
  /** The 304's headers: the same without the body's length and type. */
  notModified: OutgoingHttpHeaders;
  etag: string;
}

type Forms = { identity: Prepared; br?: Prepared; gzip?: Prepared };

export class BaselineStaticFiles {
  /** Hashed static files in memory by URL: identity, and br/gzip when collectstatic wrote them. */
  private readonly preloaded = new Map<string, Forms>();

  constructor(
    private readonly root: string,
    private readonly securityHeaders: OutgoingHttpHeaders,
  ) {}

  /** Reads every hashed name of the manifest, with its encodings, into memory. */
  async preload(): Promise<void> {
    const manifest = JSON.parse(await readFile(join(this.root, 'staticfiles.json'), 'utf8')) as {
      paths: Record<string, string>;
    };
    for (const hashed of Object.values(manifest.paths)) {
      const path = join(this.root, hashed);
      const info = await stat(path);
      if (info.size > MEMORY_FILE_MAX) continue;
      const forms: Record<string, Prepared> = {};
      const lastModified = info.mtime.toUTCString();
      for (const [encoding, suffix] of [
        ['identity', ''],
        ['br', '.br'],
        ['gzip', '.gz'],
      ] as const) {
        const file = await stat(path + suffix).catch(() => null);
        if (!file) continue;
        const etag = `"${Math.floor(file.mtimeMs).toString(16)}-${file.size.toString(16)}"`;
        forms[encoding] = {
          body: await readFile(path + suffix),
          etag,
          notModified: {},
          headers: {
            ...this.securityHeaders,
            'cache-control': 'public, max-age=31536000, immutable',
            'last-modified': lastModified,
            etag,
            'accept-ranges': 'bytes',
            'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
            ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
            'content-length': file.size,
          },
        };
      }
      const hasVariants = Boolean(forms.br || forms.gzip);
      for (const form of Object.values(forms)) {
        if (hasVariants) form.headers.vary = 'Accept-Encoding';
        const {
          'content-length': _length,
          'content-type': _type,
          'content-encoding': _encoding,
          ...rest
        } = form.headers;
        form.notModified = rest;
      }
      this.preloaded.set(`/static/${hashed}`, forms as Forms);
    }
  }

  async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = (request.url ?? '').split('?')[0] as string;
    const preloaded = this.preloaded.get(url);
    if (preloaded) {
      const accept = request.headers['accept-encoding'] ?? '';
      const form =
        (accept.includes('br') && preloaded.br) ||
        (accept.includes('gzip') && preloaded.gzip) ||
        preloaded.identity;
      if (request.headers['if-none-match'] === form.etag) {
        response.writeHead(304, form.notModified);
        response.end();
        return;
      }
      response.writeHead(200, form.headers);
      response.end(form.body);
      return;
    }
    // Anything else (plain names): found on disk and streamed.
    // normalize() folds any `..`; the prefix check then keeps the path inside the root.
    const path = normalize(join(this.root, decodeURIComponent(url.slice('/static/'.length))));
    const info = path.startsWith(this.root + sep) ? await stat(path).catch(() => null) : null;
    if (!info) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    response.writeHead(200, {
      ...this.securityHeaders,
      'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'public, max-age=60',
      'last-modified': info.mtime.toUTCString(),
      // The validators Keen's static responder sends, so both responses carry the same headers.
      etag: `"${Math.floor(info.mtimeMs).toString(16)}-${info.size.toString(16)}"`,
      'accept-ranges': 'bytes',
    });
    createReadStream(path).pipe(response);
  }
}
