/**
 * The cross-site request forgery check for every unsafe method, as codex and the gateway apply it
 * (OWASP CSRF cheat sheet, "Fetch Metadata" and "Verifying Origin"): `Sec-Fetch-Site: cross-site`
 * or `same-site`, or an `Origin` that is neither the gateway's nor this service's, is refused with
 * 403 `csrf_rejected`. Requests with neither header (services, scripts) carry no ambient
 * browser credentials and pass.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '@hivematrix/sdk';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Registers the check on `app`; `publicUrl` is the gateway's public URL. */
export function installCsrfCheck(app: FastifyInstance, publicUrl: string): void {
  const publicOrigin = new URL(publicUrl).origin.toLowerCase();
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    const site = request.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') throw new AppError('csrf_rejected', `Cross-site request refused (Sec-Fetch-Site: ${site}).`);
    const origin = request.headers.origin?.toLowerCase();
    if (origin === undefined) return;
    const own = `${request.protocol}://${request.host}`.toLowerCase();
    if (origin !== publicOrigin && origin !== own) throw new AppError('csrf_rejected', 'Cross-site request refused (Origin).');
  });
}
