/**
 * `/api/token/*`: exchange (login), refresh, validate and revoke. Exchange and refresh are for the
 * gateway only (its service token); validate and revoke need no caller identity, because the
 * token in the body is the whole question (validate reveals nothing its holder does not already
 * have; revoke only ends the session of the token presented).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireService, UserClaimsSchema } from '@hivematrix/sdk';
import { exchangeIdentityToken, refreshUserToken, revokeUserToken, validateUserToken } from '../../domain/index.js';
import type { TokenContext } from '../../domain/index.js';
import { perAddress, serviceBudget, type RouteLimits } from '../limits.js';

/** Longest token accepted in a body; bounds the work an anonymous caller can cause. */
const MAX_TOKEN = 16_384;
const tokenField = z.string().min(1).max(MAX_TOKEN);

const exchangeBody = z.object({ access_token: tokenField, id_token: tokenField.optional() });
const exchangeResponse = z.object({ token: z.string(), expires_in: z.number().int(), session_id: z.string() });
const tokenBody = z.object({ token: tokenField });
const refreshResponse = z.object({ token: z.string(), expires_in: z.number().int() });
const validateResponse = z.union([
  z.object({ valid: z.literal(true), claims: UserClaimsSchema }),
  z.object({ valid: z.literal(false), reason: z.enum(['expired', 'revoked', 'invalid']) }),
]);
const revokeResponse = z.union([
  z.object({ revoked: z.literal(true) }),
  z.object({ revoked: z.literal(false), reason: z.enum(['already_revoked', 'not_found']) }),
]);

/** Options of `tokenRoutes`. */
export interface TokenRoutesOptions {
  ctx: TokenContext;
  /** Services allowed to exchange and refresh (the gateway). */
  exchangeCallers: readonly string[];
  limits: RouteLimits;
}

/** Registers exchange, refresh, validate and revoke. */
export const tokenRoutes: FastifyPluginAsync<TokenRoutesOptions> = async (base, { ctx, exchangeCallers, limits }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const gatewayOnly = requireService(exchangeCallers);

  app.post(
    '/api/token/exchange',
    {
      preHandler: gatewayOnly,
      config: serviceBudget(limits),
      schema: { body: exchangeBody, response: { 200: exchangeResponse } },
    },
    async (request) =>
      exchangeIdentityToken(ctx, { accessToken: request.body.access_token, idToken: request.body.id_token }),
  );

  app.post(
    '/api/token/refresh',
    {
      preHandler: gatewayOnly,
      config: serviceBudget(limits),
      schema: { body: tokenBody, response: { 200: refreshResponse } },
    },
    async (request) => refreshUserToken(ctx, request.body.token),
  );

  app.post(
    '/api/token/validate',
    { config: perAddress(limits.validatePerIp), schema: { body: tokenBody, response: { 200: validateResponse } } },
    async (request) => validateUserToken(ctx, request.body.token),
  );

  app.post(
    '/api/token/revoke',
    { config: serviceBudget(limits), schema: { body: tokenBody, response: { 200: revokeResponse } } },
    async (request) => revokeUserToken(ctx, request.body.token),
  );
};
