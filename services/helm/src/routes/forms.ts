/**
 * What helm's HTML forms need: an `application/x-www-form-urlencoded` parser (Fastify has none
 * built in) and the cross-site request forgery check for every unsafe method.
 *
 * The check follows the OWASP CSRF cheat sheet ("Fetch Metadata" and "Verifying Origin"): a
 * request the browser marks `Sec-Fetch-Site: cross-site` or `same-site`, or whose `Origin` is
 * neither the gateway's public origin nor helm's own, is refused with 403 `csrf_rejected`.
 * Requests with neither header (the CLI, scripts, services) carry no ambient browser credentials
 * and pass; the gateway applies the same rule in front.
 */
import type { FastifyRequest } from 'fastify';
import { AppError, type ServiceApp } from '@hivematrix/sdk';

const FORM_BODY_LIMIT = 64 * 1024;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Registers the urlencoded parser and the CSRF hook on `app`. */
export function installForms(app: ServiceApp, publicUrl: string): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  const publicOrigin = originOf(publicUrl);
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    const reason = crossSiteReason(request, publicOrigin);
    if (reason !== null) throw new AppError('csrf_rejected', `Cross-site request refused (${reason}).`);
  });
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return null;
  }
}

/** Why a request is refused as cross-site, or null. */
export function crossSiteReason(request: FastifyRequest, publicOrigin: string | null): string | null {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site: ${site}`;
  const origin = request.headers.origin?.toLowerCase();
  if (origin === undefined) return null;
  // `request.host` and `request.protocol` honour X-Forwarded-* only from the trusted gateway.
  const own = `${request.protocol}://${request.host}`.toLowerCase();
  return origin === publicOrigin || origin === own ? null : 'Origin is not this site';
}
