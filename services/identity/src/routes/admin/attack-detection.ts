/**
 * `…/admin/realms/<realm>/attack-detection/brute-force/users[/<id>]`: Keycloak's lockout
 * endpoints. GET tells whether a user is locked out by failed logins now (`disabled`, as Keycloak
 * names it, and our `lockedUntil`); DELETE ends the lockout of one user, or of every username.
 */
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import { clearUserFailures, findUserById, unlockAll } from '../../db/index.js';
import type { IdentityDb } from '../../db/index.js';
import { idParams, parseRequest } from './params.js';

export interface AttackDetectionOptions {
  db: IdentityDb;
  now: () => Date;
}

const BASE = '/attack-detection/brute-force/users';

export const attackDetectionRoutes: FastifyPluginAsync<AttackDetectionOptions> = async (app, { db, now }) => {
  async function loadUser(rawParams: unknown) {
    const { id } = parseRequest(idParams, rawParams);
    const user = await findUserById(db, id);
    if (user === undefined) throw new AppError('not_found', 'User not found');
    return user;
  }

  app.get(`${BASE}/:id`, async (request) => {
    const user = await loadUser(request.params);
    const locked = user.lockedUntil !== null && user.lockedUntil > now();
    // lastIPFailure and lastFailure are Keycloak's fields; failures are not recorded with an address here.
    return {
      numFailures: user.failedAttempts,
      disabled: locked,
      lockedUntil: locked ? user.lockedUntil?.toISOString() : null,
      lastIPFailure: 'n/a',
      lastFailure: 0,
    };
  });

  app.delete(`${BASE}/:id`, async (request, reply) => {
    const user = await loadUser(request.params);
    await clearUserFailures(db, user.id);
    return reply.code(204).send();
  });

  app.delete(BASE, async (_request, reply) => {
    await unlockAll(db);
    return reply.code(204).send();
  });
};
