/**
 * What HTML forms need: an `application/x-www-form-urlencoded` parser (Fastify has none built in)
 * and the cross-site request forgery check for every unsafe method.
 *
 * The check follows the OWASP CSRF cheat sheet ("Fetch Metadata" and "Verifying Origin"): a
 * request that the browser marks `Sec-Fetch-Site: cross-site` or `same-site`, or whose `Origin`
 * is neither the gateway's public origin nor this service's own, is refused with 403
 * `csrf_rejected`. Requests with neither header (other services, scripts) carry no ambient browser
 * credentials and pass. The gateway applies the same rule in front; this is the second layer,
 * and the only one when codex is reached directly.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '@hivematrix/sdk';

/** Forms are small; the CSV import is the largest (a catalogue of a few hundred rows). */
const FORM_BODY_LIMIT = 1024 * 1024;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A parsed form: each field's values in order (checkbox groups repeat a name). */
export type FormBody = Record<string, string[]>;

/** Registers the urlencoded parser and the CSRF hook on `app`. */
export function installForms(app: FastifyInstance, publicUrl: string): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    const fields: FormBody = {};
    for (const [name, value] of new URLSearchParams(String(body))) (fields[name] ??= []).push(value);
    done(null, fields);
  });
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => done(null, String(body)));
  const publicOrigin = new URL(publicUrl).origin.toLowerCase();
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    const reason = crossSiteReason(request, publicOrigin);
    if (reason !== null) throw new AppError('csrf_rejected', `Cross-site request refused (${reason}).`);
  });
}

/** Why a request is refused as cross-site, or null. */
export function crossSiteReason(request: FastifyRequest, publicOrigin: string): string | null {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site: ${site}`;
  const origin = request.headers.origin;
  if (origin === undefined) return null;
  // `request.host` and `request.protocol` honour X-Forwarded-* only from the trusted gateway.
  const own = `${request.protocol}://${request.host}`.toLowerCase();
  return origin.toLowerCase() === publicOrigin || origin.toLowerCase() === own ? null : 'Origin is not this site';
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
