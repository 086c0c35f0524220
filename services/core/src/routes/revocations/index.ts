/**
 * The revocation feed (producer side of the contract in `@hivematrix/sdk` `auth/revocation.ts`):
 * `GET /api/revocations?since=<seq>` for catch-up and `GET /api/revocations/stream` (SSE) for
 * live delivery. Any service token for core may read it, and so may admins.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, authenticate, type Guard } from '@hivematrix/sdk';
import type { SessionStore } from '../../domain/index.js';
import { serviceBudget, type RouteLimits } from '../limits.js';
import type { StreamHub } from './stream-hub.js';

/** Any verified service token (its audience is core, the verifier saw to that), or an admin. */
export const serviceOrAdmin: Guard = async (request) => {
  const principal = await authenticate(request);
  if (principal === null) throw new AppError('unauthorized', 'A bearer token is required');
  if (principal.kind === 'user' && principal.user.permission_level !== 'admin') {
    throw new AppError('forbidden', 'Only services and admins may read revocations');
  }
  return undefined;
};

const catchUpQuery = z.object({ since: z.coerce.number().int().min(0).default(0) });
const catchUpResponse = z.object({
  seq: z.number().int(),
  revocations: z.array(z.object({ seq: z.number().int(), jti: z.string(), exp: z.number().int() })),
});

/** `Last-Event-ID` as a sequence number; absent or malformed means "live events only". */
function lastEventId(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** Options of `revocationRoutes`. */
export interface RevocationRoutesOptions {
  store: SessionStore;
  hub: StreamHub;
  limits: RouteLimits;
}

/** Registers the catch-up and stream routes of the revocation feed. */
export const revocationRoutes: FastifyPluginAsync<RevocationRoutesOptions> = async (base, { store, hub, limits }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/revocations',
    {
      preHandler: serviceOrAdmin,
      config: serviceBudget(limits),
      schema: { querystring: catchUpQuery, response: { 200: catchUpResponse } },
    },
    async (request) => store.revocationsSince(request.query.since),
  );

  app.get(
    '/api/revocations/stream',
    { preHandler: serviceOrAdmin, config: serviceBudget(limits) },
    async (request, reply) => {
      reply.hijack();
      await hub.open(reply.raw, lastEventId(request.headers['last-event-id']), { 'x-correlation-id': request.id });
    },
  );
};
