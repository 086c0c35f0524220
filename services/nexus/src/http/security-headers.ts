/**
 * The headers every answer of the gateway carries: the page policy users actually meet.
 *
 * - CSP: only same-origin scripts (`script-src 'self'`, no inline script: the composer's scripts
 *   are static files), styles and connections; no plugins, no `<base>`, no framing.
 * - HSTS (RFC 6797): browsers stop trying plain HTTP for this host.
 * - nosniff, `X-Frame-Options: DENY` (for browsers without frame-ancestors), a same-origin
 *   referrer policy and a same-origin opener policy.
 */
import type { FastifyReply, FastifyInstance } from 'fastify';

/** The Content-Security-Policy of every HTML page seen through the gateway. */
export const GATEWAY_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const keepUpstreamCsp = new WeakSet<FastifyReply>();
const HTML = /^text\/html/i;

/**
 * Marks a reply whose upstream Content-Security-Policy is kept (the identity provider's pages,
 * which know their own needs). Every other HTML answer gets the gateway's policy.
 */
export function keepCsp(reply: FastifyReply): void {
  keepUpstreamCsp.add(reply);
}

/** Adds the hook that sets the headers on every reply. */
export function installSecurityHeaders(app: FastifyInstance, options: { hstsMaxAge: number }): void {
  // Built once: the same headers go on every answer (set in one call, not one call each).
  const always: Record<string, string> = {
    ...(options.hstsMaxAge > 0 ? { 'strict-transport-security': `max-age=${options.hstsMaxAge}` } : {}),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
  };
  app.addHook('onSend', (_request, reply, payload, done) => {
    void reply.headers(always);
    // String(): a repeated Content-Type from a service is an array; it must not escape the CSP.
    if (HTML.test(String(reply.getHeader('content-type') ?? ''))) {
      if (!(keepUpstreamCsp.has(reply) && reply.hasHeader('content-security-policy'))) {
        void reply.header('Content-Security-Policy', GATEWAY_CSP);
      }
      if (!reply.hasHeader('cache-control')) void reply.header('Cache-Control', 'no-store');
    }
    done(null, payload);
  });
}
