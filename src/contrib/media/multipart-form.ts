/**
 * Multipart forms, read as a stream in one pass. `request.multipartForm()` first reads the plain
 * fields that come before the first file, which is what the CSRF check needs (`_csrf` must come
 * before the file inputs in the form, and browsers send fields in document order); the view then
 * walks the files with `form.files()`, each a stream it must read to the end. After the response,
 * whatever is left of the body is read and thrown away, so the connection can serve the next request.
 *
 * The common stage registers @fastify/multipart (with the limits below) and this decorator.
 */
import { rm } from 'node:fs/promises';
import fastifyMultipart, {
  type Multipart,
  type MultipartFile,
  type MultipartValue,
} from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequestError, ClientError, KeenError } from '../../errors.js';
import { capForLog } from '../../log.js';
import type { Settings } from '../../settings.js';
import { decodedTextProblem } from '../../web/request-bytes.js';

/** Most files in one request (Django has no default; 100 is far above any real form). */
export const MAX_FILES = 100;

export type FormFields = Record<string, string | string[]>;

/** A multipart request body being read. */
export interface MultipartForm {
  /** The plain fields read so far: those before the first file, then more as files() advances. */
  readonly fields: FormFields;
  /** The file parts in order, at most one per field name; read each `part.file` to its end. */
  files(): AsyncGenerator<MultipartFile, void, undefined>;
}

/** Socket errors of a client that went away mid-body: the error boundary reports them as client aborts. */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * Turns what the multipart parser throws into Keen's errors: limits are 400 (like the URL-encoded form
 * parser says), and every malformed body (no boundary, truncated, a boundary over 70 characters, bare LF
 * line ends) is a 400 too, never a 500. A client that hung up is passed on as it is.
 */
function translate(error: unknown, settings: Readonly<Settings>, request: FastifyRequest): unknown {
  if (error instanceof KeenError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return new BadRequestError('Bad request.', `more than ${settings.dataUploadMaxNumberFields} form fields`);
  }
  if (code === 'FST_FILES_LIMIT') return new BadRequestError('Bad request.', `more than ${MAX_FILES} files`);
  if (request.raw.aborted || (code && CLIENT_GONE.has(code))) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BadRequestError('Bad request.', `malformed multipart body: ${capForLog(message, 200)}`);
}

/**
 * Errors the parser raised on a file stream a view was reading, with what they mean. The view sees the
 * parser's own error (its `for await` over the file rejects with it); the error boundary asks
 * {@link multipartBodyError} so a body that breaks there is a 400 like anywhere else.
 */
const fileStreamErrors = new WeakMap<object, KeenError>();

/** The 400 (or 413) that an error thrown while a view read an uploaded file stands for, if it is one. */
export function multipartBodyError(error: unknown): KeenError | undefined {
  return error && typeof error === 'object' ? fileStreamErrors.get(error) : undefined;
}

class StreamedForm implements MultipartForm {
  readonly fields: FormFields = {};
  /** False once the body is fully read, or once parsing failed (the rest cannot be read then). */
  healthy = true;
  #done = false;
  #pending: MultipartFile | null = null;
  #current: MultipartFile | null = null;
  readonly #fileFields = new Set<string>();
  readonly #parts: AsyncIterator<Multipart>;

  constructor(
    readonly request: FastifyRequest,
    readonly settings: Readonly<Settings>,
  ) {
    try {
      this.#parts = request.parts();
    } catch (error) {
      // A Content-Type without a boundary fails here, before any byte is read.
      this.#done = true;
      this.healthy = false;
      throw translate(error, settings, request);
    }
  }

  async #next(): Promise<Multipart | null> {
    if (this.#done) return null;
    try {
      const step = await this.#parts.next();
      if (step.done) this.#done = true;
      return step.done ? null : step.value;
    } catch (error) {
      this.#done = true;
      this.healthy = false;
      throw translate(error, this.settings, this.request);
    }
  }

  /** Reads plain fields up to the next file part (kept as pending) or the end of the body. */
  async readFields(): Promise<void> {
    for (let part = await this.#next(); part; part = await this.#next()) {
      if (part.type === 'file') {
        this.#watch(part);
        this.#pending = part;
        return;
      }
      this.#addField(part);
    }
  }

  /** From the moment a file part is seen (a small body's error can come before any view reads it). */
  #watch(part: MultipartFile): void {
    const record = (error: unknown) => {
      // The parser cannot go on after this: the rest of the body is not skipped.
      this.healthy = false;
      const meaning = translate(error, this.settings, this.request);
      if (meaning instanceof KeenError && error && typeof error === 'object') {
        fileStreamErrors.set(error, meaning);
      }
    };
    // The parser may have failed the stream already (the whole body came in one chunk), and may fail it
    // twice (the part's error, then the whole body's, which is the one a reader gets).
    if (part.file.errored) record(part.file.errored);
    part.file.on('error', record);
  }

  #addField(part: MultipartValue): void {
    if (part.fieldnameTruncated) throw new BadRequestError('Bad request.', 'a form field name is too long');
    const problem = decodedTextProblem(part.fieldname) ?? decodedTextProblem(String(part.value));
    if (problem) throw new BadRequestError('Bad request.', `the form contains ${problem}`);
    if (part.valueTruncated) {
      throw new ClientError(
        413,
        'Request too large.',
        `form field "${part.fieldname}" is over DATA_UPLOAD_MAX_MEMORY_SIZE`,
      );
    }
    const value = String(part.value);
    const existing = this.fields[part.fieldname];
    if (existing === undefined) this.fields[part.fieldname] = value;
    else this.fields[part.fieldname] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }

  async *files(): AsyncGenerator<MultipartFile, void, undefined> {
    while (this.#pending) {
      const part = this.#pending;
      this.#pending = null;
      if (this.#fileFields.has(part.fieldname)) {
        this.#current = part;
        throw new BadRequestError('Bad request.', `more than one file in field "${part.fieldname}"`);
      }
      this.#fileFields.add(part.fieldname);
      this.#current = part;

      const problem = decodedTextProblem(part.fieldname) ?? decodedTextProblem(part.filename ?? '');
      if (problem) throw new BadRequestError('Bad request.', `a file name contains ${problem}`);
      yield part;
      await this.readFields();
    }
  }

  /**
   * True while the rest of the body can still be read and skipped: parsing has not failed and no file
   * stream was destroyed half-read (either one stops the parser for good).
   */
  canDrain(): boolean {
    const abandoned = [this.#current, this.#pending].some(
      (part) => part?.file.destroyed && !part.file.readableEnded,
    );
    return this.healthy && !abandoned;
  }

  /**
   * Reads the rest of the body and throws it away. The response is sent already, so a body that turns
   * out to be malformed here is one warning (a client that hung up says nothing about the server).
   */
  async discard(): Promise<void> {
    try {
      for (const part of [this.#current, this.#pending]) {
        if (part && !part.file.destroyed && !part.file.readableEnded) part.file.resume();
      }
      this.#pending = null;
      for (let part = await this.#next(); part; part = await this.#next()) {
        if (part.type === 'file') part.file.resume();
      }
    } catch (error) {
      if (this.request.raw.aborted) return;
      const reason = error instanceof KeenError ? (error.detail ?? error.message) : String(error);
      this.request.log.warn({ reason }, 'the rest of a multipart body could not be read');
    }
  }
}

const forms = new WeakMap<FastifyRequest, Promise<StreamedForm>>();
const tempFiles = new WeakMap<FastifyRequest, string[]>();
/** Requests whose response has closed: a temp file made after that is deleted straight away. */
const closed = new WeakSet<FastifyRequest>();

/**
 * Records a temp file holding part of this request's body; it is deleted when the response ends.
 * Returns false (and deletes it) when the response has already ended, so the caller stops.
 */
export function trackTempFile(request: FastifyRequest, path: string): boolean {
  if (closed.has(request)) {
    rm(path, { force: true }).catch(() => undefined);
    return false;
  }
  const list = tempFiles.get(request);
  if (list) list.push(path);
  else tempFiles.set(request, [path]);
  return true;
}

async function removeTempFiles(request: FastifyRequest): Promise<void> {
  closed.add(request);
  const list = tempFiles.get(request) ?? [];
  tempFiles.delete(request);
  await Promise.all(list.map((path) => rm(path, { force: true })));
}

/**
 * Registers multipart parsing with Keen's limits: one file per field, at most 100 files, at most
 * DATA_UPLOAD_MAX_NUMBER_FIELDS fields of at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes each, files cut
 * one byte past FILE_UPLOAD_MAX_SIZE (the upload code sees the extra byte and refuses the file).
 */
export function registerMultipartForms(app: FastifyInstance, settings: Readonly<Settings>): void {
  app.register(fastifyMultipart, {
    // The upload code gives the 413 itself, as soon as it sees the byte over the limit.
    throwFileSizeLimit: false,
    limits: {
      fieldNameSize: 200,
      fieldSize: settings.dataUploadMaxMemorySize,
      fields: settings.dataUploadMaxNumberFields,
      fileSize: settings.fileUploadMaxSize + 1,
      files: MAX_FILES,
      parts: settings.dataUploadMaxNumberFields + MAX_FILES,
      headerPairs: 100,
    },
  });

  app.decorateRequest('multipartForm', function multipartForm(this: FastifyRequest): Promise<MultipartForm> {
    let form = forms.get(this);
    if (!form) {
      try {
        const started = new StreamedForm(this, settings);
        form = started.readFields().then(() => started);
      } catch (error) {
        form = Promise.reject(error);
      }
      forms.set(this, form);
    }
    return form;
  });

  // The response's 'close' comes after it is sent, and also when the client goes away first.
  // Callback hooks, not async: they run for every request, and almost none is multipart.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.headers['content-type']?.toLowerCase().startsWith('multipart/')) {
      reply.raw.once('close', () => {
        removeTempFiles(request).catch((error: unknown) =>
          request.log.error({ err: error }, 'could not delete an upload temp file'),
        );
      });
    }
    done();
  });

  // A body that can no longer be read (a parse error or a limit) cannot be skipped to reach the
  // next request on this connection: ask Node to close it after this response instead.
  app.addHook('onSend', (request, reply, payload, done) => {
    const form = forms.get(request);
    if (!form || request.raw.complete) return done(null, payload);
    form
      .catch(() => null)
      .then((state) => {
        if (!state?.canDrain()) reply.header('connection', 'close');
        done(null, payload);
      });
  });

  app.addHook('onResponse', (request, _reply, done) => {
    if (request.raw.complete || !request.isMultipart?.()) return done();
    const form = forms.get(request);
    // Refused before anything read the body (no session…): Node drops a body nobody started reading.
    if (!form) return done();
    form
      .catch(() => null)
      .then((state) => (state?.canDrain() ? state.discard() : undefined))
      .then(
        () => done(),
        (error: unknown) => {
          request.log.warn({ err: error }, 'could not discard the rest of an upload');
          done();
        },
      );
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The multipart body (only for `multipart/form-data` requests): plain fields before the first file
     * are read on the first call; the same form comes back on later calls.
     */
    multipartForm(): Promise<MultipartForm>;
  }
}
