/**
 * What HTML forms need: an `application/x-www-form-urlencoded` parser (Fastify has none built in)
 * and a `text/csv` one for the plan import. The cross-site request forgery check on every unsafe
 * method is the SDK's (`createServiceApp({ publicUrl })`).
 */
import type { FastifyInstance } from 'fastify';

/** Forms are small; the CSV import is the largest (a catalogue of a few hundred rows). */
const FORM_BODY_LIMIT = 1024 * 1024;

/** A parsed form: each field's values in order (checkbox groups repeat a name). */
export type FormBody = Record<string, string[]>;

/** Registers the form and CSV body parsers on `app`. */
export function installForms(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    const fields: FormBody = {};
    for (const [name, value] of new URLSearchParams(String(body))) (fields[name] ??= []).push(value);
    done(null, fields);
  });
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => done(null, String(body)));
}

/** The first value of a form field, trimmed ('' when absent). */
export function field(body: unknown, name: string): string {
  return values(body, name)[0]?.trim() ?? '';
}

/** Every value of a form field. */
export function values(body: unknown, name: string): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const entry = (body as Record<string, unknown>)[name];
  if (Array.isArray(entry)) return entry.filter((item): item is string => typeof item === 'string');
  return typeof entry === 'string' ? [entry] : [];
}
