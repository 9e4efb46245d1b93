/** Small form building blocks shared by the server-rendered pages: labelled fields with their errors. */
import type { ComponentChildren } from 'preact';

/** Errors per field name; `__all__` holds errors about the whole form. */
export type FormErrors = Record<string, string[]>;

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email';
  value?: string;
  autocomplete?: string;
  errors?: FormErrors;
  help?: string[];
  autofocus?: boolean;
  required?: boolean;
}

export function Field({
  name,
  label,
  type = 'text',
  value,
  autocomplete,
  errors,
  help,
  autofocus,
  required = true,
}: FieldProps) {
  const id = `id_${name}`;
  const fieldErrors = errors?.[name] ?? [];
  const describedBy = [fieldErrors.length ? `${id}_errors` : '', help?.length ? `${id}_help` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={fieldErrors.length ? 'Field Field--invalid' : 'Field'}>
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        value={type === 'password' ? undefined : value}
        autocomplete={autocomplete}
        required={required}
        autofocus={autofocus}
        aria-invalid={fieldErrors.length ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      {fieldErrors.length > 0 && (
        <ul class="Field-errors" id={`${id}_errors`}>
          {fieldErrors.map((error) => (
            <li>{error}</li>
          ))}
        </ul>
      )}
      {help && help.length > 0 && (
        <ul class="Field-help" id={`${id}_help`}>
          {help.map((line) => (
            <li>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A POST form with the CSRF token, and the form-wide errors on top. */
export function PostForm({
  action,
  csrfToken,
  errors,
  children,
}: {
  action: string;
  csrfToken: string;
  errors?: FormErrors;
  children: ComponentChildren;
}) {
  const formErrors = errors?.__all__ ?? [];
  return (
    <form method="post" action={action} class="Form" novalidate={false}>
      <input type="hidden" name="_csrf" value={csrfToken} />
      {formErrors.length > 0 && (
        <ul class="Form-errors" role="alert">
          {formErrors.map((error) => (
            <li>{error}</li>
          ))}
        </ul>
      )}
      {children}
    </form>
  );
}

/** A string field from a parsed urlencoded body or query string (first value if repeated; '' if missing). */
export function formField(body: unknown, name: string): string {
  if (!body || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>)[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : '';
  return typeof value === 'string' ? value : '';
}
