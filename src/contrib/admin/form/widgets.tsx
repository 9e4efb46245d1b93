/**
 * One labelled field of the admin change form (Django's admin widgets), chosen by the column's kind.
 * Every control works without JavaScript (the autocomplete box takes a typed id); scripts only enhance
 * what the data-* attributes point at. No inline style or event attributes: the admin runs under a
 * strict Content-Security-Policy.
 */
import type { ComponentChildren } from 'preact';
import { DEFAULT_ACCEPT, FILE_KINDS } from '../../media/sniff.js';
import type { AdminField } from '../fields.js';
import { type AdminTranslate, adminTranslator } from '../messages.js';
import { integerRangeOf } from './values.js';

export interface ForeignKeyOption {
  value: string;
  label: string;
}

/** How a foreign key is picked: a select for small target tables, a search box for big ones. */
export type ForeignKeyChoices =
  | { mode: 'select'; options: ForeignKeyOption[] }
  | { mode: 'autocomplete'; url: string; selectedLabel: string };

/** The file currently stored in a file/image field. */
export interface CurrentFile {
  /** The name shown (the original file name). */
  name: string;
  url: string;
  isImage: boolean;
}

export interface FieldWidgetProps {
  field: AdminField;
  /** The value as formatFieldValue formats it ('' when empty). */
  value: string;
  errors?: string[];
  help?: string;
  /** Shown as text, with no control (readonlyFields, or a user with view permission only). */
  readonly?: boolean;
  /** The form field name when it is not the column key, e.g. `links-0-title` in an inline row. */
  name?: string;
  foreignKeyChoices?: ForeignKeyChoices;
  /** Form field names this one is filled from while untouched (prepopulatedFields); read by the admin's script. */
  prepopulateFrom?: string[];
  fileValue?: CurrentFile | null;
  /** The zone date-times are entered in (settings.timeZone), noted under date-time inputs. */
  timeZone?: string;
  /** The read-only text, when the caller has a better one than the formatted value (e.g. displayValue). */
  display?: string;
  /** The admin's messages in the page's language (default English). */
  t?: AdminTranslate;
}

const english = adminTranslator('en');

/** Django's label for "no choice". */
export const EMPTY_CHOICE_LABEL = '---------';

/** What the browser offers in the file picker (the server checks the content anyway). */
const FILE_ACCEPT = DEFAULT_ACCEPT.map((kind) => FILE_KINDS[kind].contentType).join(',');

/** Lenient on purpose: the server gives the precise message (digits, places). */
const DECIMAL_PATTERN = String.raw`[\-+]?[0-9]*\.?[0-9]*`;
const FLOAT_PATTERN = String.raw`[\-+]?[0-9]*\.?[0-9]*([eE][\-+]?[0-9]+)?`;

function booleanChoices(t: AdminTranslate): readonly (readonly [string, string])[] {
  return [
    ['', t('value.unknown')],
    ['true', t('value.yes')],
    ['false', t('value.no')],
  ];
}

/** Attributes every control of the field carries. */
interface ControlAttributes {
  id: string;
  name: string;
  required?: boolean;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
  'data-prepopulate-from'?: string;
}

function Options({
  choices,
  value,
  blank,
}: {
  choices: readonly (readonly [string, string])[];
  value: string;
  blank: boolean;
}) {
  return (
    <>
      {blank && (
        <option value="" selected={value === ''}>
          {EMPTY_CHOICE_LABEL}
        </option>
      )}
      {choices.map(([choice, label]) => (
        <option value={choice} selected={choice === value}>
          {label}
        </option>
      ))}
    </>
  );
}

function foreignKeyLabel(value: string, choices: ForeignKeyChoices | undefined): string {
  if (choices?.mode === 'autocomplete') return choices.selectedLabel || value;
  return choices?.options.find((option) => option.value === value)?.label ?? value;
}

/**
 * The read-only text. `value` may be the formatted value or already displayValue's text (`Yes`,
 * a choice's label, `-`): both read the same.
 */
function readonlyContent(props: FieldWidgetProps): ComponentChildren {
  const { field, value, display } = props;
  if (field.kind === 'file' || field.kind === 'image') {
    return props.fileValue ? (
      <a href={props.fileValue.url}>{props.fileValue.name}</a>
    ) : (
      display || value || '-'
    );
  }
  if (display !== undefined) return display;
  if (value === '') return '-';
  switch (field.kind) {
    case 'boolean':
      if (value === 'true' || value === 'false')
        return (props.t ?? english)(value === 'true' ? 'value.yes' : 'value.no');
      return value;
    case 'choice':
      return field.choices?.find(([choice]) => choice === value)?.[1] ?? value;
    case 'foreignKey':
      return foreignKeyLabel(value, props.foreignKeyChoices);
    case 'dateTime':
      return value.slice(0, 16).replace('T', ' ');
    case 'json':
      return <pre class="AdminField-code">{value}</pre>;
    default:
      return value;
  }
}

function FileControl({ props, attributes }: { props: FieldWidgetProps; attributes: ControlAttributes }) {
  const { field, fileValue } = props;
  const t = props.t ?? english;
  const isImage = field.kind === 'image';
  return (
    <div class="AdminField-file">
      {fileValue && (
        <p class="AdminField-current">
          {t('file.current')}{' '}
          <a href={fileValue.url}>
            {fileValue.isImage && <img src={fileValue.url} width={120} alt="" />}
            {fileValue.name}
          </a>
        </p>
      )}
      {fileValue && !field.notNull && (
        <label class="AdminField-clear" for={`${attributes.id}-clear`}>
          <input type="checkbox" id={`${attributes.id}-clear`} name={`${attributes.name}-clear`} value="on" />{' '}
          {t('file.clear')}
        </label>
      )}
      <input type="file" {...attributes} accept={isImage ? 'image/*' : FILE_ACCEPT} />
    </div>
  );
}

/** The input, select or textarea for an editable field. */
function Control({ props, attributes }: { props: FieldWidgetProps; attributes: ControlAttributes }) {
  const { field, value } = props;
  switch (field.kind) {
    case 'text':
      return (
        <input type={field.url ? 'url' : 'text'} {...attributes} value={value} maxlength={field.maxLength} />
      );
    case 'longText':
      // The newline after <textarea> is dropped by HTML parsers; adding one keeps a value's own leading newline.
      return <textarea {...attributes} rows={10} cols={40}>{`\n${value}`}</textarea>;
    case 'integer': {
      const range = integerRangeOf(field.column);
      return <input type="number" {...attributes} value={value} step={1} min={range?.min} max={range?.max} />;
    }
    case 'numeric': {
      const pattern = field.column.columnType === 'PgNumeric' ? DECIMAL_PATTERN : FLOAT_PATTERN;
      return <input type="text" {...attributes} value={value} inputmode="decimal" pattern={pattern} />;
    }
    case 'boolean':
      if (field.notNull)
        return <input type="checkbox" {...attributes} value="true" checked={value === 'true'} />;
      return (
        <select {...attributes}>
          <Options choices={booleanChoices(props.t ?? english)} value={value} blank={false} />
        </select>
      );
    case 'date':
      return <input type="date" {...attributes} value={value} />;
    case 'dateTime':
      // Values with seconds need a one-second step, or the browser flags them as invalid.
      return (
        <input type="datetime-local" {...attributes} value={value} step={value.length > 16 ? 1 : undefined} />
      );
    case 'choice':
      return (
        <select {...attributes}>
          {/* Django offers the blank choice unless the column has a default to preselect. */}
          <Options
            choices={field.choices ?? []}
            value={value}
            blank={!field.notNull || !field.hasDefault || value === ''}
          />
        </select>
      );
    case 'foreignKey':
      return <ForeignKeyControl props={props} attributes={attributes} />;
    case 'json':
      return (
        <textarea {...attributes} class="AdminField-code" rows={10} cols={40} spellcheck={false}>
          {`\n${value}`}
        </textarea>
      );
    case 'file':
    case 'image':
      return <FileControl props={props} attributes={attributes} />;
  }
}

function ForeignKeyControl({
  props,
  attributes,
}: {
  props: FieldWidgetProps;
  attributes: ControlAttributes;
}) {
  const { field, value, foreignKeyChoices: choices } = props;
  const numeric = field.references ? integerRangeOf(field.references.column) !== undefined : false;
  if (choices?.mode === 'select') {
    const options = choices.options.map((option) => [option.value, option.label] as const);
    return (
      <select {...attributes}>
        <Options choices={options} value={value} blank={!field.notNull || value === ''} />
      </select>
    );
  }
  // Without JavaScript the user types the id; the admin's script turns this into a search box.
  return (
    <span class="AdminField-autocomplete">
      <input
        type="text"
        {...attributes}
        value={value}
        inputmode={numeric ? 'numeric' : undefined}
        autocomplete="off"
        data-autocomplete-url={choices?.url}
      />{' '}
      {choices && (
        <span class="AdminField-selected" id={`${attributes.id}_selected`}>
          {choices.selectedLabel}
        </span>
      )}
    </span>
  );
}

/** A labelled field of the change form: `<div class="AdminField AdminField--<kind>">`. */
export function FieldWidget(props: FieldWidgetProps) {
  const { field, errors = [], help, readonly = false } = props;
  const name = props.name ?? field.key;
  const id = `id_${name}`;
  const isFile = field.kind === 'file' || field.kind === 'image';
  const required =
    !readonly &&
    field.notNull &&
    !field.hasDefault &&
    field.kind !== 'boolean' &&
    !(isFile && props.fileValue);
  const note =
    field.kind === 'dateTime' && props.timeZone && !readonly
      ? (props.t ?? english)('field.timeZone', { zone: props.timeZone })
      : undefined;
  const selectedId =
    field.kind === 'foreignKey' && props.foreignKeyChoices?.mode === 'autocomplete'
      ? `${id}_selected`
      : undefined;
  const describedBy = [
    errors.length > 0 ? `${id}_errors` : undefined,
    help ? `${id}_help` : undefined,
    note ? `${id}_note` : undefined,
    selectedId,
  ]
    .filter(Boolean)
    .join(' ');
  const attributes: ControlAttributes = {
    id,
    name,
    required: required || undefined,
    'aria-invalid': errors.length > 0 ? 'true' : undefined,
    'aria-describedby': describedBy || undefined,
    'data-prepopulate-from': props.prepopulateFrom?.length ? props.prepopulateFrom.join(',') : undefined,
  };
  const classes = [
    'AdminField',
    `AdminField--${field.kind}`,
    required ? 'AdminField--required' : '',
    errors.length > 0 ? 'AdminField--invalid' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div class={classes}>
      {/* A read-only value has no control for a <label> to point at. */}
      {readonly ? <div class="AdminField-label">{field.label}</div> : <label for={id}>{field.label}</label>}
      {readonly ? (
        <div class="AdminField-readonly" id={id}>
          {readonlyContent(props)}
        </div>
      ) : (
        <Control props={props} attributes={attributes} />
      )}
      {note && (
        <p class="AdminField-note" id={`${id}_note`}>
          {note}
        </p>
      )}
      {help && (
        <p class="AdminField-help" id={`${id}_help`}>
          {help}
        </p>
      )}
      <FieldErrors id={id} errors={errors} />
    </div>
  );
}

/** A field's errors, as `<ul id="<id>_errors">` (what the control's aria-describedby points at). */
export function FieldErrors({ id, errors }: { id: string; errors: readonly string[] }) {
  if (errors.length === 0) return null;
  return (
    <ul class="AdminField-errors" id={`${id}_errors`}>
      {errors.map((error) => (
        <li>{error}</li>
      ))}
    </ul>
  );
}
