/**
 * The admin REST API at Keycloak's paths (`<base>/admin/realms/<realm>/…`), authenticated like
 * Keycloak's: every request carries a bearer token from the realm's token endpoint (see
 * `authenticateAdmin`). Errors use Keycloak's bodies (see `keycloakErrorHandler`).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Provider } from 'oidc-provider';
import type { IdentityDb } from '../../db/index.js';
import type { PasswordHasher } from '../../domain/index.js';
import { attackDetectionRoutes } from './attack-detection.js';
import { authenticateAdmin } from './auth.js';
import { keycloakErrorHandler } from './errors.js';
import { groupRoutes } from './groups.js';
import { userRoutes, type UserRoutesOptions } from './users.js';

export interface AdminRoutesOptions {
  provider: Provider;
  db: IdentityDb;
  passwords: PasswordHasher;
  adminClientId: string;
  endSessions: (userId: string) => Promise<unknown>;
  accessChanged: UserRoutesOptions['accessChanged'];
  listSessions: UserRoutesOptions['listSessions'];
  /** Clock of the lockout rules. */
  now: () => Date;
}

/** Register with `{ prefix: realm.adminPath }`. */
export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, options) => {
  app.setErrorHandler(keycloakErrorHandler);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('Cache-Control', 'no-store');
    const caller = await authenticateAdmin(options, request.headers.authorization);
    request.log.debug({ caller }, 'admin API caller');
  });
  await app.register(userRoutes, {
    db: options.db,
    passwords: options.passwords,
    endSessions: options.endSessions,
    accessChanged: options.accessChanged,
    listSessions: options.listSessions,
  });
  await app.register(groupRoutes, { db: options.db });
  await app.register(attackDetectionRoutes, { db: options.db, now: options.now });
};
