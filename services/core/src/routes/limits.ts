/**
 * Per-route rate limits. The SDK counts every request against its caller (user, service, or the
 * address when anonymous) with one budget; core adjusts it where one caller speaks for many: the
 * gateway calls exchange, refresh and revoke on behalf of every user, so its budget is the
 * service budget (the original throttled all logins together on the gateway's address).
 * Anonymous endpoints are counted per client address with a generous budget.
 */
import type { FastifyContextConfig } from 'fastify';

/** Requests per minute allowed per kind of caller. */
export interface RouteLimits {
  perUser: number;
  perService: number;
  validatePerIp: number;
  serviceTokenPerIp: number;
}

const MINUTE = 60_000;

/** Counted per calling service with the service budget, per user or address otherwise. */
export function serviceBudget(limits: RouteLimits): FastifyContextConfig {
  return {
    rateLimit: {
      max: (_request, key) => (key.startsWith('service:') ? limits.perService : limits.perUser),
      timeWindow: MINUTE,
    },
  };
}

/** Counted per client address (behind a trusted proxy, its X-Forwarded-For). */
export function perAddress(max: number): FastifyContextConfig {
  return { rateLimit: { max, timeWindow: MINUTE, keyGenerator: (request) => `ip:${request.ip}` } };
}
