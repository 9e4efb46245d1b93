/**
 * Reading a posted comment: the fields with their limits, and the two traps for machines: a honeypot
 * field people leave empty (hidden by the stylesheet, its label says so), and a minimum fill time,
 * from a signed timestamp the form carries (so a bot posting at once, or replaying an old form, is
 * refused).
 */
import { httpUrl } from '../../../db/url-field.js';
import { signValue, unsignValue } from '../../../signing.js';
import { type FormErrors, formField } from '../../../web/forms.js';

export const HONEYPOT_FIELD = 'website';
export const MIN_FILL_MS = 3_000;
export const MAX_FORM_AGE_MS = 24 * 60 * 60 * 1000;
const STAMP_PURPOSE = 'keen.comment-form';

export const LIMITS = Object.freeze({ name: 100, email: 254, url: 500, body: 5000 });

/** The form's signed render time. */
export function formStamp(secret: string, now = Date.now()): string {
  return signValue(secret, STAMP_PURPOSE, String(now));
}

export type CommentProblem = 'tooFast' | 'stale' | 'honeypot';

export interface ReadComment {
  values: { name: string; email: string; url: string; body: string };
  /** The cleaned URL (http(s)), or null when none was given. */
  url: string | null;
  errors: FormErrors;
  /** A machine's form: refused (honeypot: pretend it was taken). */
  problem: CommentProblem | null;
}

type Message = (id: 'required' | 'tooLong' | 'email' | 'url', values?: Record<string, number>) => string;

export function readComment(body: unknown, secret: string, message: Message, now = Date.now()): ReadComment {
  const values = {
    name: formField(body, 'name').trim(),
    email: formField(body, 'email').trim(),
    url: formField(body, 'url').trim(),
    body: formField(body, 'body').replace(/\r\n?/g, '\n').trim(),
  };
  const errors: FormErrors = {};
  const limit = (key: keyof typeof LIMITS) => {
    if ([...values[key]].length > LIMITS[key]) errors[key] = [message('tooLong', { max: LIMITS[key] })];
  };
  if (!values.name) errors.name = [message('required')];
  if (!values.email) errors.email = [message('required')];
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.email = [message('email')];
  if (!values.body) errors.body = [message('required')];
  for (const key of ['name', 'email', 'url', 'body'] as const) if (!errors[key]) limit(key);
  let url: string | null = null;
  if (values.url && !errors.url) {
    url = httpUrl(values.url);
    if (!url) errors.url = [message('url')];
  }
  let problem: CommentProblem | null = null;
  if (formField(body, HONEYPOT_FIELD) !== '') problem = 'honeypot';
  else {
    const stamp = unsignValue(secret, STAMP_PURPOSE, formField(body, 'stamp'), /^\d{1,15}$/);
    const age = stamp === null ? Number.NaN : now - Number(stamp);
    if (!(age <= MAX_FORM_AGE_MS)) problem = 'stale';
    else if (age < MIN_FILL_MS) problem = 'tooFast';
  }
  return { values, url, errors, problem };
}
