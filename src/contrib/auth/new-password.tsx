/**
 * A new password typed twice, checked by the validators: the password change page, the admin's add-user
 * form, its set-password page and the admin's own password change all use these two pieces.
 */
import { Field, type FormErrors, formField } from '../../web/forms.js';
import { PASSWORD_HELP, validatePassword } from './passwords/validators.js';

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
 * Reads the two fields from a parsed form body, adds their errors to `errors`, and returns the password
 * when both agree and pass the validators (`context` feeds the similarity check), else null.
 */
export function checkNewPassword(
  body: unknown,
  names: NewPasswordNames,
  context: { username?: string; email?: string },
  errors: FormErrors,
  mismatch = 'The two password fields didn’t match.',
): string | null {
  const password = formField(body, names.password);
  if (password !== formField(body, names.confirmation)) errors[names.confirmation] = [mismatch];
  const problems = validatePassword(password, context);
  if (problems.length > 0) errors[names.password] = problems;
  return errors[names.password] || errors[names.confirmation] ? null : password;
}

export function NewPasswordFields({
  names,
  errors,
  labels = ['New password', 'New password (again)'],
}: {
  names: NewPasswordNames;
  errors?: FormErrors;
  labels?: [string, string];
}) {
  return (
    <>
      <Field
        errors={errors}
        name={names.password}
        label={labels[0]}
        type="password"
        autocomplete="new-password"
        help={PASSWORD_HELP}
      />
      <Field
        errors={errors}
        name={names.confirmation}
        label={labels[1]}
        type="password"
        autocomplete="new-password"
      />
    </>
  );
}
