/**
 * Email settings (Django's EMAIL_* names, so an existing .env keeps working): which backend sends, the
 * SMTP server, the senders, and ADMINS, who get the 500-error mails.
 */
import { SettingsError } from '../errors.js';
import { bool, type Env, int, list, text } from './env-values.js';
import { Secret } from './secret.js';

export type EmailBackend = 'smtp' | 'console' | 'none';

export interface EmailSettings {
  /** smtp: EMAIL_HOST; console: printed to stdout (DEBUG's default); none: dropped. */
  backend: EmailBackend;
  host: string;
  port: number;
  user: string;
  password: Secret | null;
  /** STARTTLS after connecting (port 587). */
  useTls: boolean;
  /** TLS from the first byte (port 465). */
  useSsl: boolean;
  timeoutSeconds: number;
  defaultFrom: string;
  serverEmail: string;
  /** Who gets the 500-error mails: addresses, each optionally as `Name <address>`. */
  admins: string[];
  subjectPrefix: string;
}

/** A bare address or `Name <address>`: one @, no spaces or line breaks in the address. */
const ADDRESS = /^(?:[^<>\r\n]*<\s*[^\s<>@]+@[^\s<>@]+\s*>|[^\s<>@]+@[^\s<>@]+)$/;

export function isEmailAddress(value: string): boolean {
  return ADDRESS.test(value.trim());
}

function address(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback);
  if (!isEmailAddress(value)) throw new SettingsError(name, `"${value}" is not an email address`);
  return value;
}

export function emailFromEnv(env: Env, debug: boolean): EmailSettings {
  const host = text(env, 'EMAIL_HOST', '');
  const fallbackBackend = host ? 'smtp' : debug ? 'console' : 'none';
  const backend = text(env, 'EMAIL_BACKEND', fallbackBackend).toLowerCase();
  if (backend !== 'smtp' && backend !== 'console' && backend !== 'none')
    throw new SettingsError('EMAIL_BACKEND', `must be smtp, console or none (got "${backend}")`);
  if (backend === 'smtp' && !host)
    throw new SettingsError('EMAIL_HOST', 'is required when EMAIL_BACKEND is smtp');
  const useTls = bool(env, 'EMAIL_USE_TLS', false);
  const useSsl = bool(env, 'EMAIL_USE_SSL', false);
  if (useTls && useSsl)
    throw new SettingsError(
      'EMAIL_USE_SSL',
      'and EMAIL_USE_TLS cannot both be true: 465 uses SSL, 587 uses TLS',
    );
  const admins = list(env, 'ADMINS', []);
  for (const admin of admins) {
    if (!isEmailAddress(admin)) throw new SettingsError('ADMINS', `"${admin}" is not an email address`);
  }
  const password = env.EMAIL_HOST_PASSWORD?.trim();
  return {
    backend,
    host,
    port: int(env, 'EMAIL_PORT', useSsl ? 465 : 587, 1, 65_535),
    user: text(env, 'EMAIL_HOST_USER', ''),
    password: password ? new Secret(password) : null,
    useTls,
    useSsl,
    timeoutSeconds: int(env, 'EMAIL_TIMEOUT', 10, 1, 300),
    defaultFrom: address(env, 'DEFAULT_FROM_EMAIL', 'webmaster@localhost'),
    serverEmail: address(env, 'SERVER_EMAIL', 'root@localhost'),
    admins,
    subjectPrefix: env.EMAIL_SUBJECT_PREFIX ?? '[Keen] ',
  };
}
