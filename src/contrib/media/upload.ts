/**
 * Receiving uploads: each file part of a multipart form is streamed to a temp file (never held in
 * memory) while its bytes are counted and its first bytes sniffed. A file over FILE_UPLOAD_MAX_SIZE or
 * of a type not accepted is refused as soon as that is known; its temp file is deleted and the rest of
 * its bytes are read and dropped (the parser must reach the next part). Nothing is stored here:
 * ./save.ts stores a received file once the whole form has arrived, so a client that aborts midway
 * leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import {
  BadRequestError,
  ClientAbortError,
  FileTooLargeError,
  FileTypeError,
  type KeenError,
  MediaStorageError,
} from '../../errors.js';
import { type FormFields, trackTempFile } from './multipart-form.js';
import { sanitiseOriginalName } from './names.js';
import { DEFAULT_ACCEPT, FILE_KINDS, type FileKindName, SNIFF_LENGTH, sniffFileKind } from './sniff.js';

const TEMP_PREFIX = 'keen-upload-';

/** A file that arrived whole and passed the size and type checks; it lives in a temp file until stored. */
export interface ReceivedFile {
  field: string;
  /** The temp file; deleted when the response ends. */
  path: string;
  size: number;
  /** The type its content shows (never the client's claim). */
  kind: FileKindName;
  /** The client's file name, sanitised; metadata only, never part of a path. */
  originalName: string;
}

export interface ReceivedForm {
  fields: FormFields;
  /** By field name; a file input left empty is absent. */
  files: Record<string, ReceivedFile>;
  /** With `collectRefusals`: why each refused file was refused, by field name. */
  refused: Record<string, KeenError>;
}

export interface ReceiveOptions {
  /** Types any file of the form may have (each field can narrow it when saved). Default: all known. */
  accept?: readonly FileKindName[];
  /** The types of one field, when it takes fewer (an image field): a refusal then names those. */
  acceptFor?: (field: string) => readonly FileKindName[] | undefined;
  /** Default FILE_UPLOAD_MAX_SIZE. */
  maxSize?: number;
  /**
   * Keep reading after a file is refused (type, size, empty) and report it in `refused`, so a form can
   * show the error next to its field. By default the first refusal is thrown.
   */
  collectRefusals?: boolean;
}

/** A file refused for what it is (not a broken request): a form can show these next to the field. */
function isRefusal(error: unknown): error is KeenError {
  return (
    error instanceof FileTypeError || error instanceof FileTooLargeError || error instanceof BadRequestError
  );
}

/** Names of the accepted types for messages: `JPEG, PNG or PDF`. */
export function describeKinds(kinds: readonly FileKindName[]): string[] {
  return kinds.map((kind) => FILE_KINDS[kind].label);
}

/** Writes one chunk, waiting when the disk is slower than the network. */
async function write(out: WriteStream, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        out.off('drain', onDrain);
        reject(error);
      };
      const onDrain = () => {
        out.off('error', onError);
        resolve();
      };
      out.once('drain', onDrain).once('error', onError);
    });
  }
}

/** Closes and deletes a temp file; waits for the close so a late open cannot recreate it. */
async function discardTemp(out: WriteStream, path: string): Promise<void> {
  out.destroy();
  await finished(out).catch(() => undefined);
  await rm(path, { force: true });
}

/** Streams one file part into a temp file; throws (after deleting it) when the file is refused. */
async function receiveFile(
  part: MultipartFile,
  path: string,
  accept: readonly FileKindName[],
  maxSize: number,
): Promise<ReceivedFile | null> {
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  // Mutated by the helpers below, so kept in one object (TypeScript does not track closure writes).
  const state: { size: number; head: Buffer; kind: FileKindName | null; problem: KeenError | null } = {
    size: 0,
    head: Buffer.alloc(0),
    kind: null,
    problem: null,
  };
  const refuse = (error: KeenError) => {
    state.problem = error;
    out.destroy();
  };
  // Always listened to: a failed disk write is reported later, even when no write is awaiting it.
  out.on('error', (error: NodeJS.ErrnoException) => {
    state.problem ??= new MediaStorageError(
      `cannot write the upload temp file: ${error.code ?? error.message}`,
    );
  });
  const checkKind = () => {
    state.kind = sniffFileKind(state.head);
    if (!state.kind || !accept.includes(state.kind)) {
      const start = state.head.subarray(0, 8).toString('hex');
      refuse(new FileTypeError(describeKinds(accept), `content starts with ${start}`));
    }
  };
  try {
    // Never throw inside this loop: leaving it would destroy the part and stall the parser.
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      state.size += chunk.length;
      if (state.problem) continue;
      if (state.size > maxSize) {
        refuse(new FileTooLargeError(maxSize));
        continue;
      }
      if (state.head.length < SNIFF_LENGTH) {
        state.head = Buffer.concat([state.head, chunk]).subarray(0, SNIFF_LENGTH);
        if (state.head.length === SNIFF_LENGTH) checkKind();
        if (state.problem) continue;
      }
      // A failed write is recorded by the error listener; the rest of the part is still read.
      await write(out, chunk).catch(() => undefined);
    }
    if (!state.problem && state.size === 0) {
      if (!part.filename) {
        // An empty file input: browsers send an empty part with `filename=""`. Not an upload.
        await discardTemp(out, path);
        return null;
      }
      refuse(new BadRequestError('The submitted file is empty.'));
    }
    if (!state.problem && state.head.length < SNIFF_LENGTH) checkKind();
    if (!state.problem) {
      out.end();
      await finished(out).catch(() => undefined);
    }
    if (state.problem || !state.kind) throw state.problem ?? new FileTypeError(describeKinds(accept));
    return {
      field: part.fieldname,
      path,
      size: state.size,
      kind: state.kind,
      originalName: sanitiseOriginalName(part.filename),
    };
  } catch (error) {
    // Refused, or the client went away mid-file (the parser destroys the part with an error).
    await discardTemp(out, path);
    throw error;
  }
}

/**
 * Reads a whole multipart form: its plain fields, and each file into a temp file (deleted when the
 * response ends). Throws the first refusal (413, 415, 400); every temp file made so far is deleted.
 *
 * @example
 * const form = await receiveForm(request, { accept: ['png', 'jpeg'] });
 * const photo = form.files.photo; // ReceivedFile | undefined
 */
export async function receiveForm(
  request: FastifyRequest,
  options: ReceiveOptions = {},
): Promise<ReceivedForm> {
  const { settings } = request.server.keen;
  const accept = options.accept ?? DEFAULT_ACCEPT;
  const maxSize = options.maxSize ?? settings.fileUploadMaxSize;
  if (!request.isMultipart()) {
    throw new BadRequestError('Bad request.', 'the form must be sent as multipart/form-data');
  }
  const form = await request.multipartForm();
  const files: Record<string, ReceivedFile> = {};
  const refused: Record<string, KeenError> = {};
  await mkdir(settings.fileUploadTempDir, { recursive: true });
  try {
    for await (const part of form.files()) {
      const path = join(settings.fileUploadTempDir, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`);
      if (!trackTempFile(request, path)) {
        throw new ClientAbortError('the connection closed during the upload');
      }
      try {
        const received = await receiveFile(
          part,
          path,
          options.acceptFor?.(part.fieldname) ?? accept,
          maxSize,
        );
        if (received) files[part.fieldname] = received;
      } catch (error) {
        // receiveFile read the whole part, so the parser can go on to the next one.
        if (!(options.collectRefusals && isRefusal(error))) throw error;
        refused[part.fieldname] = error;
      }
    }
  } catch (error) {
    await Promise.all(Object.values(files).map((file) => rm(file.path, { force: true })));
    throw error;
  }
  return { fields: form.fields, files, refused };
}

/**
 * Deletes upload temp files older than `maxAgeMs` in `dir`: those of a process that was killed
 * mid-request (a live request's files are deleted when its response ends). Returns how many.
 */
export async function sweepStaleUploads(dir: string, maxAgeMs = 3_600_000): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names.filter((entry) => entry.startsWith(TEMP_PREFIX))) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info?.isFile() && Date.now() - info.mtimeMs > maxAgeMs) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
