/**
 * Baseline security headers on every answer of a service.
 *
 * The gateway sets the page policy users actually meet (it injects the design system), but a
 * service answers with safe defaults too, so that a misrouted or direct request is never a
 * weaker target: no sniffing, no framing, no referrer leaks, and no caching of personal pages.
 */
import fp from 'fastify-plugin';

/** Content-Security-Policy for a service's own HTML: only same-origin resources, no framing. */
export const SERVICE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Fastify plugin adding the baseline headers on every reply. */
export const securityHeaders = fp(
  (app, _options, done) => {
    app.addHook('onSend', (_request, reply, payload, next) => {
      void reply.header('X-Content-Type-Options', 'nosniff');
      void reply.header('X-Frame-Options', 'DENY');
      void reply.header('Referrer-Policy', 'same-origin');
      const type = String(reply.getHeader('content-type') ?? '');
      if (type.startsWith('text/html')) {
        if (!reply.hasHeader('content-security-policy')) void reply.header('Content-Security-Policy', SERVICE_CSP);
        if (!reply.hasHeader('cache-control')) void reply.header('Cache-Control', 'no-store');
      }
      next(null, payload);
    });
    done();
  },
  { name: 'hivematrix-security-headers' },
);
