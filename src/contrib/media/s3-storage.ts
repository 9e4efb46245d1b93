/**
 * Media in S3-compatible object storage (Cloudflare R2, AWS S3, MinIO…), spoken to over plain HTTPS
 * with SigV4-signed requests (aws4fetch) instead of an SDK. Objects are addressed path-style
 * (`endpoint/bucket/name`), which every S3-compatible service and custom endpoint accepts. Uploads
 * stream with a known Content-Length: a PUT is all-or-nothing, so a failed save leaves no object.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AwsClient } from 'aws4fetch';
import { MediaStorageError, NotFoundError } from '../../errors.js';
import type { S3Settings } from '../../settings.js';
import {
  checkMediaName,
  encodeMediaName,
  type MediaInfo,
  type MediaObject,
  type MediaStorage,
  type SaveOptions,
} from './storage.js';

/** A request that gets no answer in this time fails instead of holding the upload forever. */
const REQUEST_TIMEOUT_MS = 120_000;
/** Stored names are random and never rewritten with other bytes, so browsers and CDNs may keep them. */
const CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** `Code: Message` from an S3 XML error body, never the request (which carries the signature). */
async function describeFailure(response: Response): Promise<string> {
  const body = await response.text().catch(() => '');
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]{1,300})<\/Message>/.exec(body)?.[1];
  return `HTTP ${response.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
}

export class S3MediaStorage implements MediaStorage {
  readonly kind = 's3';
  // Private: the client holds the revealed secret, and a private field is never logged or serialised.
  readonly #client: AwsClient;
  readonly #config: Readonly<S3Settings>;

  constructor(config: Readonly<S3Settings>) {
    this.#config = config;
    this.#client = new AwsClient({
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey.reveal(),
      service: 's3',
      region: config.region,
      // A streamed body cannot be sent twice, so retrying is left to the caller.
      retries: 0,
    });
  }

  #objectUrl(name: string): string {
    return `${this.#config.endpointUrl}/${this.#config.bucket}/${encodeMediaName(checkMediaName(name))}`;
  }

  /** Signs and sends one request; a network failure becomes a {@link MediaStorageError}. */
  async #send(method: string, name: string, init: RequestInit & { duplex?: 'half' } = {}): Promise<Response> {
    const request = await this.#client.sign(this.#objectUrl(name), {
      ...init,
      method,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    try {
      return await fetch(request);
    } catch (error) {
      const cause = error instanceof Error ? (error.cause ?? error) : error;
      throw new MediaStorageError(`${method} ${name} failed: ${String((cause as Error).message ?? cause)}`);
    }
  }

  async save(name: string, stream: Readable, options: SaveOptions): Promise<void> {
    let response: Response;
    try {
      response = await this.#send('PUT', name, {
        body: Readable.toWeb(stream) as ReadableStream,
        duplex: 'half',
        headers: {
          'content-type': options.contentType,
          'content-length': String(options.size),
          'cache-control': CACHE_CONTROL,
        },
      });
    } catch (error) {
      stream.destroy();
      // The body broke off (the source failed or was shorter than its size). S3 keeps nothing then,
      // but some compatible servers keep what arrived: make sure no partial object stays.
      await this.delete(name).catch(() => undefined);
      throw error;
    }
    if (!response.ok) throw new MediaStorageError(`PUT ${name}: ${await describeFailure(response)}`);
    await response.body?.cancel();
  }

  async open(name: string): Promise<MediaObject> {
    const response = await this.#send('GET', name);
    if (response.status === 404) {
      await response.body?.cancel();
      throw new NotFoundError(`No media file ${name}`);
    }
    if (!response.ok || !response.body) {
      throw new MediaStorageError(`GET ${name}: ${await describeFailure(response)}`);
    }
    return {
      ...this.#info(response),
      stream: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    };
  }

  async stat(name: string): Promise<MediaInfo | null> {
    const response = await this.#send('HEAD', name);
    if (response.status === 404) return null;
    if (!response.ok) throw new MediaStorageError(`HEAD ${name}: HTTP ${response.status}`);
    return this.#info(response);
  }

  #info(response: Response): MediaInfo {
    const modified = response.headers.get('last-modified');
    return {
      size: Number(response.headers.get('content-length') ?? 0),
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      lastModified: modified ? new Date(modified) : null,
    };
  }

  async exists(name: string): Promise<boolean> {
    return (await this.stat(name)) !== null;
  }

  async delete(name: string): Promise<void> {
    const response = await this.#send('DELETE', name);
    // S3 answers 204 whether or not the object existed; some compatible services say 404.
    if (!response.ok && response.status !== 404) {
      throw new MediaStorageError(`DELETE ${name}: ${await describeFailure(response)}`);
    }
    await response.body?.cancel();
  }

  url(name: string): string {
    return `${this.#config.publicBaseUrl}/${encodeMediaName(checkMediaName(name))}`;
  }
}
