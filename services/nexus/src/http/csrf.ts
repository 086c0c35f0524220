/**
 * Cross-site request forgery defence for unsafe methods (OWASP CSRF cheat sheet, "Fetch Metadata"
 * and "Verifying Origin"): a POST/PUT/PATCH/DELETE is refused when the browser says it comes from
 * another site (`Sec-Fetch-Site: cross-site` or `same-site`) or its `Origin` is not ours. Requests
 * with neither header (curl, server-to-server) carry no ambient browser credentials to abuse and
 * pass. SameSite=Lax cookies are a second layer, not the only one.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Anything with request headers (a Fastify request or a raw upgrade request). */
type WithHeaders = { headers: IncomingHttpHeaders };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** True for methods that may change state (RFC 9110 §9.2.1). */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Why a request is refused as cross-site, or null when it is same-origin (or not from a browser). */
export function crossSiteReason(request: WithHeaders, ownOrigins: ReadonlySet<string>): string | null {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site: ${site}`;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    // `null` is what sandboxed frames and some redirects send: never ours.
    if (!ownOrigins.has(origin.toLowerCase())) return 'Origin is not this site';
  }
  return null;
}

/** The origins a request may come from: the configured public URL and the host it was sent to. */
export function ownOriginsOf(request: WithHeaders, publicOrigin: string): Set<string> {
  const origins = new Set([publicOrigin.toLowerCase()]);
  const host = request.headers.host;
  if (host !== undefined && /^[A-Za-z0-9.\-:[\]]+$/.test(host)) origins.add(`https://${host.toLowerCase()}`);
  return origins;
}
