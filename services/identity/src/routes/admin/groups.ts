/** `…/admin/realms/<realm>/groups`: the realm's (flat) groups and their members, read-only. */
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import { z } from 'zod';
import { countGroups, findGroupById, listGroups, membersOfGroup } from '../../db/index.js';
import type { IdentityDb } from '../../db/index.js';
import { toGroupRepresentation, toUserRepresentation } from '../../domain/index.js';
import { booleanParam, idParams, pageParams, parseRequest } from './params.js';

const listQuery = z.object({
  ...pageParams,
  search: z.string().max(255).optional(),
  exact: booleanParam.optional(),
  briefRepresentation: booleanParam.default(true),
});
const membersQuery = z.object({ ...pageParams, briefRepresentation: booleanParam.default(false) });

export const groupRoutes: FastifyPluginAsync<{ db: IdentityDb }> = async (app, { db }) => {
  async function loadGroup(rawParams: unknown) {
    const { id } = parseRequest(idParams, rawParams);
    const group = await findGroupById(db, id);
    if (group === undefined) throw new AppError('not_found', 'Could not find group by id');
    return group;
  }

  // Keycloak's client asks for collections with a trailing slash (`…/groups/`); JAX-RS ignores it.
  for (const url of ['/groups', '/groups/']) {
    app.get(url, async (request) => {
      const query = parseRequest(listQuery, request.query);
      const groups = await listGroups(db, query);
      return groups.map((group) => toGroupRepresentation(group, query.briefRepresentation));
    });
  }

  app.get('/groups/count', async () => ({ count: await countGroups(db) }));

  app.get('/groups/:id', async (request) => toGroupRepresentation(await loadGroup(request.params), false));

  app.get('/groups/:id/members', async (request) => {
    const group = await loadGroup(request.params);
    const query = parseRequest(membersQuery, request.query);
    const members = await membersOfGroup(db, group.id, query.first, query.max);
    return members.map((user) => toUserRepresentation(user, query.briefRepresentation));
  });
};
