/**
 * A new password typed twice, checked by the validators: the password change page, the admin's add-user
 * form, its set-password page and the admin's own password change all use these two pieces.
 */
import { Field, type FormErrors, formField } from '../../web/forms.js';
import { authTranslator } from './messages.js';
import { passwordHelp, validatePassword } from './passwords/validators.js';

/** The names of the two inputs: Django's PasswordChangeForm uses new_password1/2, its creation form password1/2. */
export interface NewPasswordNames {
  password: string;
  confirmation: string;
}

export const CHANGE_PASSWORD_NAMES: NewPasswordNames = {
  password: 'new_password1',
  confirmation: 'new_password2',
};

/**
 * Reads the two fields from a parsed form body, adds their errors (in `language`) to `errors`, and
 * returns the password when both agree and pass the validators (`context` feeds the similarity check),
 * else null.
 */
export function checkNewPassword(
  body: unknown,
  names: NewPasswordNames,
  context: { username?: string; email?: string },
  errors: FormErrors,
  language: string,
): string | null {
  const password = formField(body, names.password);
  if (password !== formField(body, names.confirmation))
    errors[names.confirmation] = [authTranslator(language)('error.mismatch')];
  const problems = validatePassword(password, context, language);
  if (problems.length > 0) errors[names.password] = problems;
  return errors[names.password] || errors[names.confirmation] ? null : password;
}

export function NewPasswordFields({
  names,
  errors,
  language,
  labels,
}: {
  names: NewPasswordNames;
  errors?: FormErrors;
  language: string;
  labels?: [string, string];
}) {
  const t = authTranslator(language);
  const [first, second] = labels ?? [t('field.newPassword'), t('field.newPasswordAgain')];
  return (
    <>
      <Field
        errors={errors}
        name={names.password}
        label={first}
        type="password"
        autocomplete="new-password"
        help={passwordHelp(language)}
      />
      <Field
        errors={errors}
        name={names.confirmation}
        label={second}
        type="password"
        autocomplete="new-password"
      />
    </>
  );
}
