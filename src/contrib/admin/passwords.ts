/** Passwords in admin forms: two fields, the validators, then a hash (never the plain text in a row). */
import type { FormErrors } from '../../web/forms.js';
import { hashPassword } from '../auth/passwords/hashers.js';
import { validatePassword } from '../auth/passwords/validators.js';
import type { FormFields } from '../media/multipart-form.js';
import { postedValue } from './submission.js';

export const PASSWORD_FIELDS = ['password1', 'password2'] as const;

/**
 * Reads `password1`/`password2` from a posted form. Returns the hash, or null with `errors` filled.
 * `context` (username, email) feeds the similarity validator.
 */
export async function passwordFromForm(
  fields: FormFields,
  context: { username?: string; email?: string },
  errors: FormErrors,
): Promise<string | null> {
  const first = postedValue(fields, 'password1') ?? '';
  const second = postedValue(fields, 'password2') ?? '';
  if (first !== second) errors.password2 = ['The two password fields didn’t match.'];
  const problems = validatePassword(first, context);
  if (problems.length > 0) errors.password1 = problems;
  if (errors.password1 || errors.password2) return null;
  return hashPassword(first);
}
