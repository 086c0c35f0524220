/**
 * `/api/admin/*`: admins list and end sessions, and rotate the signing key. Admin users only;
 * service tokens get 403 `users_only`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, requireRole } from '@hivematrix/sdk';
import { isLive, rotateSigningKey } from '../../domain/index.js';
import type { KeyRing, Session, SessionStore } from '../../domain/index.js';

const iso = (ms: number): string => new Date(ms).toISOString();

const sessionView = z.object({
  id: z.string(),
  sub: z.string(),
  username: z.string(),
  permission_level: z.string(),
  created: z.string(),
  expires: z.string(),
  token_expires: z.string(),
  last_refresh: z.string().nullable(),
});

function present(session: Session): z.infer<typeof sessionView> {
  return {
    id: session.id,
    sub: session.sub,
    username: session.username,
    permission_level: session.permissionLevel,
    created: iso(session.createdAt),
    expires: iso(session.expiresAt),
    token_expires: iso(session.tokenExp * 1000),
    last_refresh: session.lastRefreshAt === null ? null : iso(session.lastRefreshAt),
  };
}

const listQuery = z.object({
  user: z.string().min(1).max(512).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
const idParams = z.object({ id: z.string().min(1).max(512) });
const subParams = z.object({ sub: z.string().min(1).max(512) });
const revokeResponse = z.union([
  z.object({ revoked: z.literal(true) }),
  z.object({ revoked: z.literal(false), reason: z.literal('already_revoked') }),
]);
const rotateResponse = z.object({
  kid: z.string(),
  /** When the new key starts signing: once every core instance publishes it. */
  signs_from: z.number().int(),
  previous: z.object({ kid: z.string(), retire_after: z.number().int() }),
});

/** Options of `adminRoutes`. */
export interface AdminRoutesOptions {
  store: SessionStore;
  keys: KeyRing;
  now: () => number;
  refreshGraceSec: number;
}

/** Registers the admin routes (sessions, key rotation). */
export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (
  base,
  { store, keys, now, refreshGraceSec },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const adminOnly = requireRole(['admin']);

  app.get(
    '/api/admin/sessions',
    {
      preHandler: adminOnly,
      schema: { querystring: listQuery, response: { 200: z.object({ sessions: z.array(sessionView) }) } },
    },
    async (request) => {
      const { user, limit } = request.query;
      const sessions = user === undefined ? await store.listAll(limit) : await store.listByUser(user);
      const at = now();
      return {
        sessions: sessions
          .filter((s) => isLive(s, at, refreshGraceSec))
          .slice(0, limit)
          .map(present),
      };
    },
  );

  app.delete(
    '/api/admin/sessions/:id',
    { preHandler: adminOnly, schema: { params: idParams, response: { 200: revokeResponse } } },
    async (request) => {
      const outcome = await store.revoke(request.params.id, now());
      if (outcome.status === 'not_found') throw new AppError('not_found', 'No such session');
      return outcome.status === 'revoked'
        ? { revoked: true as const }
        : { revoked: false as const, reason: 'already_revoked' as const };
    },
  );

  // Identity calls this when a user is disabled, deleted, given a new password or moved between
  // groups through its admin API, and helm after each of its user actions, so the user's tokens
  // die everywhere within the revocation feed's delay rather than at their next refresh.
  app.post(
    '/api/admin/users/:sub/revoke-sessions',
    {
      preHandler: requireRole(['admin'], { services: ['helm', 'identity'] }),
      schema: { params: subParams, response: { 200: z.object({ revoked: z.number().int() }) } },
    },
    async (request) => ({ revoked: await store.revokeUser(request.params.sub, now()) }),
  );

  app.get(
    '/api/admin/keys',
    {
      preHandler: adminOnly,
      schema: {
        response: {
          200: z.object({
            keys: z.array(
              z.object({
                kid: z.string(),
                created_at: z.number(),
                signs_from: z.number(),
                retire_after: z.number().nullable(),
                signing: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ keys: keys.keys() }),
  );

  // helm's `hivematrix keys rotate` calls this with its service token.
  app.post(
    '/api/admin/keys/rotate',
    { preHandler: requireRole(['admin'], { services: ['helm'] }), schema: { response: { 200: rotateResponse } } },
    async (request) => {
      const result = await rotateSigningKey(keys);
      request.log.info(
        { kid: result.kid, signs_from: result.signs_from, previous: result.previous.kid },
        'signing key rotated',
      );
      return result;
    },
  );
};
