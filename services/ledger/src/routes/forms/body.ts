/**
 * The fields of a submitted form as ledger's form routes read them. Parsing is the SDK's
 * (`installFormParser`, registered in app.ts); the cross-site check is `createServiceApp`'s.
 */

/** A parsed form: the first value of each field (ledger's forms repeat no name). */
export type FormValues = Record<string, string>;

/** The submitted fields as strings, trimmed; whatever the body was (JSON, nothing), only strings count. */
export function formValues(body: unknown): FormValues {
  const values: FormValues = {};
  if (typeof body !== 'object' || body === null) return values;
  for (const [name, value] of Object.entries(body)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') values[name] = first.trim();
  }
  return values;
}
