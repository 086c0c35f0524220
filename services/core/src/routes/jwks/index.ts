/**
 * `GET /.well-known/jwks.json`: the public keys tokens are verified with (RFC 7517), every key a
 * live token may have been signed with. Public and cacheable for five minutes; verifiers refetch
 * on an unknown `kid` anyway, so a rotation is picked up at once. Not rate-limited: every service
 * fetches it from the same address, and it costs nothing to serve.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { KeyRing } from '../../domain/index.js';

/** Registers `GET /.well-known/jwks.json`. */
export const jwksRoutes: FastifyPluginAsync<{ keys: KeyRing }> = async (app, { keys }) => {
  app.get('/.well-known/jwks.json', { config: { rateLimit: false } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').type('application/jwk-set+json').send(keys.jwks()),
  );
};
