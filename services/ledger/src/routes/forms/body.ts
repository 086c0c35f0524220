/**
 * HTML forms post `application/x-www-form-urlencoded`, which Fastify does not parse by itself.
 * The cross-site request forgery check on unsafe methods is the SDK's (`createServiceApp({ publicUrl })`).
 */
import type { FastifyInstance } from 'fastify';

/** Ledger's forms are a few fields each. */
const FORM_BODY_LIMIT = 64 * 1024;

/** A parsed form: the first value of each field (ledger's forms repeat no name). */
export type FormValues = Record<string, string>;

/** Registers the form parser on `app` unless an enclosing context already has one. */
export function installFormParser(app: FastifyInstance): void {
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) return;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    const fields: FormValues = {};
    for (const [name, value] of new URLSearchParams(String(body))) if (!(name in fields)) fields[name] = value;
    done(null, fields);
  });
}

/** The submitted fields as strings, trimmed; whatever the body was (JSON, nothing), only strings count. */
export function formValues(body: unknown): FormValues {
  const values: FormValues = {};
  if (typeof body !== 'object' || body === null) return values;
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') values[name] = value.trim();
  return values;
}
