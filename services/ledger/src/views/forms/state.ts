/** What a client page needs to redisplay a refused form: which form, what was typed, what was wrong. */

/** A message at the top of the page. */
export interface Flash {
  variant: 'success' | 'error' | 'warning' | 'info';
  message: string;
}

/** A form that failed validation: its id (e.g. `rates`, `user-type:12`), the values typed, the errors by field. */
export interface FormState {
  form: string;
  values: Readonly<Record<string, string>>;
  errors: Readonly<Record<string, string>>;
}

/** The value to show in a field: what was typed when this form was refused, else the stored value. */
export function valueOf(state: FormState | undefined, form: string, name: string, stored: string): string {
  return state?.form === form ? (state.values[name] ?? '') : stored;
}

/** The error of a field when this form was refused. */
export function errorOf(state: FormState | undefined, form: string, name: string): string | undefined {
  return state?.form === form ? state.errors[name] : undefined;
}
