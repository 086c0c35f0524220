/**
 * What the sign-in forms need besides their handlers: an `application/x-www-form-urlencoded`
 * body parser (Fastify has none built in) and the same-origin check that, with the interaction
 * cookie bound to the interaction id, makes the forms CSRF-safe.
 */
import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

/** Small: the forms hold a username and passwords. */
const FORM_BODY_LIMIT = 16 * 1024;

/** Registers the urlencoded parser on `app` (the encapsulated scope of the form routes). */
export function acceptForms(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      const fields: Record<string, string> = {};
      // The first value of a repeated field wins; none of our forms repeat a field.
      for (const [name, value] of new URLSearchParams(String(body))) if (!(name in fields)) fields[name] = value;
      done(null, fields);
    },
  );
}

/** A string field of a parsed form body ('' when missing or not a string). */
export function formField(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

/**
 * True when a form post comes from a page of `origin`: browsers send `Origin` on every POST
 * (Fetch standard), `Referer` is the fallback, and `Sec-Fetch-Site: cross-site` is refused
 * outright. A request carrying neither header is refused too: no browser form submission lacks both.
 */
export function isSameOrigin(headers: IncomingHttpHeaders, origin: string): boolean {
  if (headers['sec-fetch-site'] === 'cross-site') return false;
  const sent = headers.origin;
  if (typeof sent === 'string') return sent === origin;
  const referer = headers.referer;
  if (typeof referer === 'string' && URL.canParse(referer)) return new URL(referer).origin === origin;
  return false;
}
