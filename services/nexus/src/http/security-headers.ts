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

/**
 * Marks a reply whose upstream Content-Security-Policy is kept (the identity provider's pages,
 * which know their own needs). Every other HTML answer gets the gateway's policy.
 */
export function keepCsp(reply: FastifyReply): void {
  keepUpstreamCsp.add(reply);
}

/** Adds the hook that sets the headers on every reply. */
export function installSecurityHeaders(app: FastifyInstance, options: { hstsMaxAge: number }): void {
  const hsts = options.hstsMaxAge > 0 ? `max-age=${options.hstsMaxAge}` : undefined;
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (hsts !== undefined) void reply.header('Strict-Transport-Security', hsts);
    void reply.header('X-Content-Type-Options', 'nosniff');
    void reply.header('X-Frame-Options', 'DENY');
    void reply.header('Referrer-Policy', 'same-origin');
    void reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    const type = String(reply.getHeader('content-type') ?? '');
    if (/^text\/html/i.test(type)) {
      if (!(keepUpstreamCsp.has(reply) && reply.hasHeader('content-security-policy'))) {
        void reply.header('Content-Security-Policy', GATEWAY_CSP);
      }
      if (!reply.hasHeader('cache-control')) void reply.header('Cache-Control', 'no-store');
    }
    done(null, payload);
  });
}
