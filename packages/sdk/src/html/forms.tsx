/**
 * Form fields of the design system (`.form-group` and its elements), each with its label wired to
 * the control by id, `required` both as the attribute and as a visible marker, and an error message
 * linked through `aria-describedby` and flagged with `aria-invalid`.
 */
import type { ComponentChildren, JSX } from 'preact';

interface FieldBase {
  /** The form field name, also the default id (`field-<name>`). */
  name: string;
  label: ComponentChildren;
  /** Needed only when one name appears twice on a page. */
  id?: string;
  required?: boolean;
  disabled?: boolean;
  /** A validation message for this field; marks it invalid. */
  error?: string | undefined;
  /** Help text under the control. */
  hint?: ComponentChildren;
}

interface FieldWiring {
  id: string;
  describedBy: string | undefined;
  invalid: 'true' | undefined;
  below: JSX.Element;
}

/** Ids and the hint/error block below a control, shared by every field. */
function wire(field: FieldBase): FieldWiring {
  const id = field.id ?? `field-${field.name}`;
  const hintId = field.hint !== undefined ? `${id}-hint` : undefined;
  const errorId = field.error !== undefined && field.error !== '' ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter((part) => part !== undefined).join(' ');
  return {
    id,
    describedBy: describedBy === '' ? undefined : describedBy,
    invalid: errorId !== undefined ? 'true' : undefined,
    below: (
      <>
        {hintId !== undefined && (
          <p id={hintId} class="u-text-muted u-text-sm">
            {field.hint}
          </p>
        )}
        {errorId !== undefined && (
          <p id={errorId} class="u-text-danger u-text-sm">
            {field.error}
          </p>
        )}
      </>
    ),
  };
}

/** The visible label; the `*` is hidden from screen readers, which announce `required` themselves. */
function Label({
  id,
  label,
  required,
}: {
  id: string;
  label: ComponentChildren;
  required: boolean | undefined;
}): JSX.Element {
  return (
    <label class="form-group__label" for={id}>
      {label}
      {required === true && <span aria-hidden="true"> *</span>}
    </label>
  );
}

export interface TextFieldProps extends FieldBase {
  type?:
    'text' | 'email' | 'password' | 'number' | 'search' | 'tel' | 'url' | 'date' | 'datetime-local' | 'time' | 'month';
  value?: string | number | undefined;
  placeholder?: string;
  autocomplete?: string;
  minLength?: number;
  maxLength?: number;
  min?: number | string;
  max?: number | string;
  step?: number | string;
  pattern?: string;
  readOnly?: boolean;
}

/** `.form-group` with a label and an `input.form-group__input`. */
export function TextField(props: TextFieldProps): JSX.Element {
  const { id, describedBy, invalid, below } = wire(props);
  // preact types `<input>` as a union discriminated by a literal `type`; a variable type cannot
  // pick a member, and every type we allow accepts the attributes below.
  const type = (props.type ?? 'text') as 'text';
  return (
    <div class="form-group">
      <Label id={id} label={props.label} required={props.required} />
      <input
        class="form-group__input"
        id={id}
        name={props.name}
        type={type}
        value={props.value}
        placeholder={props.placeholder}
        autocomplete={props.autocomplete}
        minLength={props.minLength}
        maxLength={props.maxLength}
        min={props.min}
        max={props.max}
        step={props.step}
        pattern={props.pattern}
        readOnly={props.readOnly}
        required={props.required}
        disabled={props.disabled}
        aria-invalid={invalid}
        aria-describedby={describedBy}
      />
      {below}
    </div>
  );
}

export interface TextAreaProps extends FieldBase {
  value?: string | undefined;
  rows?: number;
  placeholder?: string;
  maxLength?: number;
}

/** `.form-group` with a label and a `textarea.form-group__input`. */
export function TextArea(props: TextAreaProps): JSX.Element {
  const { id, describedBy, invalid, below } = wire(props);
  return (
    <div class="form-group">
      <Label id={id} label={props.label} required={props.required} />
      <textarea
        class="form-group__input"
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        placeholder={props.placeholder}
        maxLength={props.maxLength}
        required={props.required}
        disabled={props.disabled}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        value={props.value}
      />
      {below}
    </div>
  );
}

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectFieldProps extends FieldBase {
  options: readonly SelectOption[];
  /** The selected value (several with `multiple`). */
  value?: string | readonly string[] | undefined;
  multiple?: boolean;
  /** A first, empty option ("Choose…"), selected when nothing else is. */
  placeholder?: string;
}

/** `.form-group` with a label and a `select.form-group__select`. */
export function SelectField(props: SelectFieldProps): JSX.Element {
  const { id, describedBy, invalid, below } = wire(props);
  const selected = new Set(typeof props.value === 'string' ? [props.value] : (props.value ?? []));
  return (
    <div class="form-group">
      <Label id={id} label={props.label} required={props.required} />
      <select
        class="form-group__select"
        id={id}
        name={props.name}
        multiple={props.multiple}
        required={props.required}
        disabled={props.disabled}
        aria-invalid={invalid}
        aria-describedby={describedBy}
      >
        {props.placeholder !== undefined && (
          <option value="" selected={selected.size === 0 || selected.has('')}>
            {props.placeholder}
          </option>
        )}
        {props.options.map((option) => (
          <option value={option.value} selected={selected.has(option.value)} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
      {below}
    </div>
  );
}

export interface CheckboxProps extends FieldBase {
  checked?: boolean;
  /** Sent when checked; default `on`, as browsers do. */
  value?: string;
}

/** `.form-group__checkbox-wrapper` holding `input.form-group__checkbox` and its label. */
export function Checkbox(props: CheckboxProps): JSX.Element {
  const { id, describedBy, invalid, below } = wire(props);
  return (
    <div class="form-group">
      <div class="form-group__checkbox-wrapper">
        <input
          class="form-group__checkbox"
          type="checkbox"
          id={id}
          name={props.name}
          value={props.value ?? 'on'}
          checked={props.checked}
          required={props.required}
          disabled={props.disabled}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        />
        <label class="form-group__checkbox-label" for={id}>
          {props.label}
          {props.required === true && <span aria-hidden="true"> *</span>}
        </label>
      </div>
      {below}
    </div>
  );
}
