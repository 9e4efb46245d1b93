/** The password of a new account in the admin's add form: typed twice, validated, stored as a hash only. */
import type { FormErrors } from '../../web/forms.js';
import { checkNewPassword, type NewPasswordNames } from '../auth/new-password.js';
import { hashPassword } from '../auth/passwords/hashers.js';
import type { FormFields } from '../media/multipart-form.js';

/** Django's user creation form names. */
export const ADD_PASSWORD_NAMES: NewPasswordNames = { password: 'password1', confirmation: 'password2' };

/**
 * Reads `password1`/`password2` from a posted form. Returns the hash, or null with `errors` filled.
 * `context` (username, email) feeds the similarity validator.
 */
export async function passwordFromForm(
  fields: FormFields,
  context: { username?: string; email?: string },
  errors: FormErrors,
  language: string,
): Promise<string | null> {
  const password = checkNewPassword(fields, ADD_PASSWORD_NAMES, context, errors, language);
  return password === null ? null : hashPassword(password);
}
