/**
 * What HTML forms need: the SDK's `application/x-www-form-urlencoded` parser (with a larger limit)
 * and a `text/csv` one for the plan import, and readers of the fields. The cross-site request
 * forgery check on every unsafe method is the SDK's (`createServiceApp({ publicUrl })`).
 */
import type { FastifyInstance } from 'fastify';
import { installFormParser } from '@hivematrix/sdk';

/** Forms are small; the CSV import is the largest (a catalogue of a few hundred rows). */
const FORM_BODY_LIMIT = 1024 * 1024;

/** Registers the form and CSV body parsers on `app`. */
export function installForms(app: FastifyInstance): void {
  installFormParser(app, { bodyLimit: FORM_BODY_LIMIT });
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) =>
    done(null, String(body)),
  );
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
