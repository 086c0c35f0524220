/**
 * HTML forms post `application/x-www-form-urlencoded`, which Fastify does not parse by itself.
 * One parser for every service's pages: each field is a string, or an array of strings when the
 * name repeats (a group of checkboxes). The cross-site request forgery check on unsafe methods is
 * `createServiceApp({ publicUrl })`'s.
 */
import type { FastifyInstance } from 'fastify';

/** A parsed form. */
export type FormFields = Record<string, string | string[]>;

/** Forms are a few fields each; a service with larger ones (a pasted import) passes its own limit. */
const DEFAULT_FORM_BODY_LIMIT = 64 * 1024;

/** Parses urlencoded text; a repeated name collects its values in order. */
export function parseForm(text: string): FormFields {
  // A Map first, so a field named `__proto__` stays a plain field.
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = fields.get(name);
    fields.set(name, previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]);
  }
  return Object.fromEntries(fields);
}

/** Registers the form parser on `app` (and the contexts below it), unless it already has one. */
export function installFormParser(app: FastifyInstance, options: { bodyLimit?: number } = {}): void {
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) return;
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: options.bodyLimit ?? DEFAULT_FORM_BODY_LIMIT },
    (_request, body, done) => {
      done(null, parseForm(String(body)));
    },
  );
}
