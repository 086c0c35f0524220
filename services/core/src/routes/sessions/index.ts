/**
 * `POST /api/sessions/revoke-identity-session`: back-channel logout (OIDC Back-Channel Logout
 * 1.0). The gateway verifies the identity provider's logout token and asks core to end every
 * session of that identity session (`sid`), or of that user (`sub`) when the logout token
 * carries no `sid` (§2.4 allows either).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireService } from '@hivematrix/sdk';
import type { SessionStore } from '../../domain/index.js';
import { serviceBudget, type RouteLimits } from '../limits.js';

const body = z
  .object({ sid: z.string().min(1).max(512).optional(), sub: z.string().min(1).max(512).optional() })
  .refine((value) => value.sid !== undefined || value.sub !== undefined, { message: 'sid or sub is required' });

/** Options of `sessionRoutes`. */
export interface SessionRoutesOptions {
  store: SessionStore;
  now: () => number;
  callers: readonly string[];
  limits: RouteLimits;
}

/** Registers `POST /api/sessions/revoke-identity-session`. */
export const sessionRoutes: FastifyPluginAsync<SessionRoutesOptions> = async (
  base,
  { store, now, callers, limits },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/sessions/revoke-identity-session',
    {
      preHandler: requireService(callers),
      config: serviceBudget(limits),
      schema: { body, response: { 200: z.object({ revoked: z.number().int() }) } },
    },
    async (request) => {
      const { sid, sub } = request.body;
      const bySid = sid === undefined ? 0 : await store.revokeByIdentitySid(sid, now());
      const bySub = sub === undefined ? 0 : await store.revokeUser(sub, now());
      return { revoked: bySid + bySub };
    },
  );
};
