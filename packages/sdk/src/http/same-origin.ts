/**
 * The cross-site request forgery check every service applies to unsafe methods, after the
 * OWASP CSRF cheat sheet ("Fetch Metadata" and "Verifying Origin"): a request the browser marks
 * `Sec-Fetch-Site: cross-site` or `same-site`, or whose `Origin` is neither the gateway's public
 * origin nor this service's own, is refused with 403 `csrf_rejected`. Requests with neither header
 * (other services, the CLI, scripts) carry no ambient browser credentials and pass. The gateway
 * applies the same rule in front; this is the second layer, and the only one when a service is
 * reached directly.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why a request is refused as cross-site, or null when it may pass. */
export function crossSiteReason(request: FastifyRequest, publicOrigin: string | null): string | null {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site: ${site}`;
  const origin = request.headers.origin?.toLowerCase();
  if (origin === undefined) return null;
  // `request.host` and `request.protocol` honour X-Forwarded-* only from the trusted gateway.
  const own = `${request.protocol}://${request.host}`.toLowerCase();
  return origin === publicOrigin || origin === own ? null : 'Origin is not this site';
}

/** Installs the check on every unsafe method of `app`; `publicUrl` is the gateway's public URL. */
export function installSameOriginCheck(app: FastifyInstance, publicUrl: string): void {
  let publicOrigin: string | null;
  try {
    publicOrigin = new URL(publicUrl).origin.toLowerCase();
  } catch {
    publicOrigin = null;
  }
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    const reason = crossSiteReason(request, publicOrigin);
    if (reason !== null) throw new AppError('csrf_rejected', `Cross-site request refused (${reason}).`);
  });
}
