/**
 * The catalogue of Keen's errors: each has a stable code, an HTTP status and a message.
 * Codes are never reused once removed. docs/errors.md lists them all (a test checks both directions).
 */

/** Base of every error Keen raises on purpose. */
export class KeenError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    /** Extra detail, shown only in DEBUG. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'KeenError';
  }
}

/** KEEN_E_SETTINGS: a configuration variable is missing or wrong; the process stops before serving. */
export class SettingsError extends KeenError {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super('KEEN_E_SETTINGS', 500, `${variable} ${problem}`);
    this.name = 'SettingsError';
  }
}

/** KEEN_E_PIPELINE: a pipeline stage is missing a stage it needs, or comes before it. */
export class PipelineError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_PIPELINE', 500, message);
    this.name = 'PipelineError';
  }
}

/** KEEN_E_DB_LOCKED: the embedded database's folder is held by another process. */
export class DatabaseLockedError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_DB_LOCKED', 500, message);
    this.name = 'DatabaseLockedError';
  }
}

/** KEEN_E_DB_UNAVAILABLE: the database cannot be reached right now; the request gets a 503. */
export class DatabaseUnavailableError extends KeenError {
  constructor(cause?: unknown) {
    super(
      'KEEN_E_DB_UNAVAILABLE',
      503,
      'The database is unavailable.',
      cause instanceof Error ? cause.message : undefined,
    );
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * KEEN_E_REDIS_UNAVAILABLE: Redis holds the sessions, throttle counters or cache and cannot be reached
 * right now; the request gets a 503 (never a silent logout or a write reported as done).
 */
export class RedisUnavailableError extends KeenError {
  constructor(cause?: unknown) {
    super(
      'KEEN_E_REDIS_UNAVAILABLE',
      503,
      'The service is briefly unavailable.',
      cause instanceof Error ? cause.message : undefined,
    );
    this.name = 'RedisUnavailableError';
  }
}

/** KEEN_E_MIGRATION: a migration file is missing or failed to apply. */
export class MigrationError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_MIGRATION', 500, message);
    this.name = 'MigrationError';
  }
}

/** KEEN_E_BAD_REQUEST: the request is malformed (400). */
export class BadRequestError extends KeenError {
  constructor(message = 'Bad request.', detail?: string) {
    super('KEEN_E_BAD_REQUEST', 400, message, detail);
    this.name = 'BadRequestError';
  }
}

/**
 * KEEN_E_CACHE_INPUT: a cache call was given a key, lifetime or value it cannot take (a key over 200
 * characters or with spaces, a lifetime that is not a positive number of seconds, a value JSON cannot
 * carry, an `incr` of a value that is not an integer): 400.
 */
export class CacheInputError extends KeenError {
  constructor(detail: string) {
    super('KEEN_E_CACHE_INPUT', 400, 'Bad request.', detail);
    this.name = 'CacheInputError';
  }
}

/** KEEN_E_DISALLOWED_HOST: the Host header is not in ALLOWED_HOSTS (400). */
export class DisallowedHostError extends KeenError {
  constructor(host: string) {
    super(
      'KEEN_E_DISALLOWED_HOST',
      400,
      'Bad request.',
      `Invalid Host header "${host}": add it to ALLOWED_HOSTS.`,
    );
    this.name = 'DisallowedHostError';
  }
}

/** KEEN_E_CSRF: the CSRF check failed (403); the reason is shown only in DEBUG. */
export class CsrfError extends KeenError {
  constructor(reason: string) {
    super('KEEN_E_CSRF', 403, 'CSRF verification failed. Request aborted.', reason);
    this.name = 'CsrfError';
  }
}

/** KEEN_E_FORBIDDEN: the user may not do this (403). */
export class ForbiddenError extends KeenError {
  constructor(detail?: string) {
    super('KEEN_E_FORBIDDEN', 403, 'You do not have permission to view this page.', detail);
    this.name = 'ForbiddenError';
  }
}

/** KEEN_E_NOT_FOUND: no such page (404). */
export class NotFoundError extends KeenError {
  constructor(detail?: string) {
    super('KEEN_E_NOT_FOUND', 404, 'The page you asked for does not exist.', detail);
    this.name = 'NotFoundError';
  }
}

/** KEEN_E_GONE: the page was here and was removed on purpose (410; a redirect with no new address). */
export class GoneError extends KeenError {
  constructor(detail?: string) {
    super('KEEN_E_GONE', 410, 'This page has been removed from the site.', detail);
    this.name = 'GoneError';
  }
}

/** KEEN_E_TOO_MANY_HEADERS: more request headers than the limit (431). */
export class TooManyHeadersError extends KeenError {
  constructor(count: number, limit: number) {
    super(
      'KEEN_E_TOO_MANY_HEADERS',
      431,
      'Request header fields too large.',
      `${count} headers; limit ${limit}.`,
    );
    this.name = 'TooManyHeadersError';
  }
}

/** KEEN_E_THROTTLED: too many failed password attempts from this client; retry after `retryAfter` seconds (429). */
export class ThrottledError extends KeenError {
  constructor(readonly retryAfter: number) {
    super('KEEN_E_THROTTLED', 429, 'Too many failed attempts. Try again later.');
    this.name = 'ThrottledError';
  }
}

/** KEEN_E_COMMAND: a keen command was used wrongly or failed in an expected way; exits non-zero. */
export class CommandError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_COMMAND', 1, message);
    this.name = 'CommandError';
  }
}

/** KEEN_E_APPS: an installed app needs another app that is missing or listed after it. */
export class AppRegistryError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_APPS', 500, message);
    this.name = 'AppRegistryError';
  }
}

/** KEEN_E_ADMIN: an app's admin registration names a field, model or option that does not exist. */
export class AdminConfigError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_ADMIN', 500, message);
    this.name = 'AdminConfigError';
  }
}

/** KEEN_E_STALE_EDIT: an admin save based on a version of the object that someone else has since changed (409). */
export class StaleEditError extends KeenError {
  constructor() {
    super('KEEN_E_STALE_EDIT', 409, 'Someone else changed this object after you opened it.');
    this.name = 'StaleEditError';
  }
}

/** KEEN_E_CLIENT: a malformed request that Fastify itself refused (bad JSON, 413 body, 415 type…). */
export class ClientError extends KeenError {
  constructor(statusCode: number, message: string, detail?: string) {
    super('KEEN_E_CLIENT', statusCode, message, detail);
    this.name = 'ClientError';
  }
}

/**
 * KEEN_E_CLIENT_ABORT: the client closed the connection before the request was read (499, nginx's
 * "client closed request"; nobody receives it). Logged at info: it says nothing about the server.
 */
export class ClientAbortError extends KeenError {
  constructor(detail?: string) {
    super('KEEN_E_CLIENT_ABORT', 499, 'Client closed the request.', detail);
    this.name = 'ClientAbortError';
  }
}

/** KEEN_E_INTERNAL: an unexpected error; the client sees a generic 500, the log has the stack. */
export class InternalError extends KeenError {
  constructor() {
    super('KEEN_E_INTERNAL', 500, 'Something went wrong on our side. It has been logged.');
    this.name = 'InternalError';
  }
}

/** KEEN_E_INSTALL: Keen's own files are not where they should be (a broken checkout or image). */
export class InstallationError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_INSTALL', 500, message);
    this.name = 'InstallationError';
  }
}

/** KEEN_E_WORKER_BOOT: a `keen serve` worker exited or reported an error before it was ready. */
export class WorkerBootError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_WORKER_BOOT', 500, message);
    this.name = 'WorkerBootError';
  }
}

/** KEEN_E_BACKUP: a backup could not be made, or an archive is unreadable, corrupt or refused. */
export class BackupError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_BACKUP', 1, message);
    this.name = 'BackupError';
  }
}

/** KEEN_E_MEDIA_NAME: a media file name is unsafe (leaves the storage root, hidden file, odd characters) (400). */
export class MediaNameError extends KeenError {
  constructor(name: string) {
    super('KEEN_E_MEDIA_NAME', 400, 'Bad request.', `Refused media name "${name.slice(0, 200)}".`);
    this.name = 'MediaNameError';
  }
}

/** KEEN_E_FILE_TOO_LARGE: an uploaded file is over FILE_UPLOAD_MAX_SIZE (413). */
export class FileTooLargeError extends KeenError {
  constructor(readonly limit: number) {
    super(
      'KEEN_E_FILE_TOO_LARGE',
      413,
      `The file is too large: the limit is ${formatBytes(limit)}.`,
      `over FILE_UPLOAD_MAX_SIZE (${limit} bytes)`,
    );
    this.name = 'FileTooLargeError';
  }
}

/** KEEN_E_FILE_TYPE: an uploaded file's content is not one of the accepted types (415). */
export class FileTypeError extends KeenError {
  constructor(
    /** The accepted kinds, as people name them (`PNG image`, `PDF document`). */
    readonly accepted: readonly string[],
    detail?: string,
  ) {
    super(
      'KEEN_E_FILE_TYPE',
      415,
      `This type of file is not accepted: upload a ${new Intl.ListFormat('en', { type: 'disjunction' }).format(accepted)} file.`,
      detail,
    );
    this.name = 'FileTypeError';
  }
}

/** KEEN_E_INVALID_IMAGE: an uploaded image cannot be decoded, is truncated, or has too many pixels (400). */
export class InvalidImageError extends KeenError {
  constructor(detail?: string) {
    super('KEEN_E_INVALID_IMAGE', 400, 'The image is damaged or not a valid image.', detail);
    this.name = 'InvalidImageError';
  }
}

/** KEEN_E_MEDIA_STORAGE: the media storage (disk or object storage) failed to store, read or delete a file (500). */
export class MediaStorageError extends KeenError {
  constructor(detail: string) {
    super('KEEN_E_MEDIA_STORAGE', 500, 'The file storage failed; the file was not saved or read.', detail);
    this.name = 'MediaStorageError';
  }
}

/** `10 MB`-style sizes for messages people read (1 MB = 1024 × 1024 bytes, like the default limit). */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

/**
 * KEEN_E_STATIC: static files are not ready to serve: no manifest or a missing entry in production (run
 * `keen collectstatic`), a CSS reference to a file that does not exist, or a write outside STATIC_ROOT.
 */
export class StaticFilesError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_STATIC', 500, message);
    this.name = 'StaticFilesError';
  }
}

/** KEEN_E_METHOD_NOT_ALLOWED: the URL exists but not for this method (405); `Allow` lists the methods. */
export class MethodNotAllowedError extends KeenError {
  constructor(
    readonly allow: readonly string[],
    method: string,
  ) {
    super('KEEN_E_METHOD_NOT_ALLOWED', 405, 'Method not allowed.', `${method} is not allowed here.`);
    this.name = 'MethodNotAllowedError';
  }
}

/** KEEN_E_PROTECTED: a delete the database refused because other rows still reference the object (409). */
export class ProtectedError extends KeenError {
  constructor(detail?: string) {
    super('KEEN_E_PROTECTED', 409, 'This object is still referenced and cannot be deleted.', detail);
    this.name = 'ProtectedError';
  }
}

/** KEEN_E_I18N: a message catalogue is incomplete or wrong, or an enabled language has none. */
export class I18nError extends KeenError {
  constructor(readonly problems: readonly string[]) {
    super('KEEN_E_I18N', 500, `message catalogues: ${problems.join('; ')}`);
    this.name = 'I18nError';
  }
}

/** KEEN_E_EMAIL: a message could not be sent (the SMTP server refused it or did not answer). */
export class EmailError extends KeenError {
  constructor(message: string) {
    super('KEEN_E_EMAIL', 500, message);
    this.name = 'EmailError';
  }
}

/** KEEN_E_BAD_HEADER: an email subject or address holds a line break (header injection); nothing is sent. */
export class EmailHeaderError extends KeenError {
  constructor(field: string) {
    super('KEEN_E_BAD_HEADER', 500, `the email's ${field} holds a line break; nothing was sent`);
    this.name = 'EmailHeaderError';
  }
}
