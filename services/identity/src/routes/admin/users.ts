/**
 * `…/admin/realms/<realm>/users`: Keycloak's user endpoints, the subset helm's user management
 * needs. Thin handlers: parse → load → domain function → Keycloak representation.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import { z } from 'zod';
import {
  addMembership,
  countUsers,
  deleteUser,
  findGroupById,
  findUserById,
  groupsOfUser,
  listUsers,
  removeMembership,
  setPasswordHash,
  uniqueViolation,
  updateUser,
} from '../../db/index.js';
import type { IdentityDb, UserPatch, UserRow } from '../../db/index.js';
import {
  checkEmail,
  checkName,
  checkPassword,
  createUser,
  duplicateMessage,
  groupNameFromReference,
  toGroupRepresentation,
  toUserRepresentation,
  UPDATE_PASSWORD_ACTION,
} from '../../domain/index.js';
import type { PasswordHasher } from '../../domain/index.js';
import type { AccessChange } from '../../platform/index.js';
import {
  booleanParam,
  credentialBody,
  idParams,
  membershipParams,
  pageParams,
  parseRequest,
  userBody,
  type UserBody,
} from './params.js';

export interface UserRoutesOptions {
  db: IdentityDb;
  passwords: PasswordHasher;
  /** Ends every session of a user, with back-channel logout (see `endUserSessions`). */
  endSessions: (userId: string) => Promise<unknown>;
  /** Tells core to end the user's platform sessions (see `createPlatformSessions`). */
  accessChanged: (userId: string, reason: AccessChange) => Promise<unknown>;
  /** The user's live sessions in Keycloak's shape (see `userSessions`). */
  listSessions: (userId: string) => Promise<unknown[]>;
}

const COLLECTION_URLS = ['/users', '/users/'] as const;

const filterParams = {
  search: z.string().max(255).optional(),
  username: z.string().max(255).optional(),
  email: z.string().max(255).optional(),
  firstName: z.string().max(255).optional(),
  lastName: z.string().max(255).optional(),
  enabled: booleanParam.optional(),
  exact: booleanParam.optional(),
};
const listQuery = z.object({
  ...filterParams,
  ...pageParams,
  briefRepresentation: booleanParam.default(false),
  // Keycloak's attribute search (`q=key:value`); users here have no custom attributes.
  q: z.string().max(1024).optional(),
});
const countQuery = z.object(filterParams);
const groupsQuery = z.object({
  ...pageParams,
  briefRepresentation: booleanParam.default(true),
  search: z.string().max(255).optional(),
});

/** The one password credential of a representation, if any (Keycloak knows no other type we support). */
function passwordCredential(body: UserBody): { value: string; temporary: boolean } | undefined {
  const credential = body.credentials?.find((entry) => entry.type === undefined || entry.type === 'password');
  if (body.credentials !== undefined && body.credentials.length > 0 && credential === undefined) {
    throw new AppError('validation_failed', 'Only password credentials are supported', {
      errors: [{ path: 'credentials', message: 'unsupported type' }],
    });
  }
  return credential === undefined ? undefined : { value: credential.value, temporary: credential.temporary ?? false };
}

export const userRoutes: FastifyPluginAsync<UserRoutesOptions> = async (
  app,
  { db, passwords, endSessions, accessChanged, listSessions },
) => {
  /**
   * Takes access away everywhere: core ends the platform sessions (the fast path, revocation feed
   * within a second) and, when `endIdentity`, the identity sessions end too, with back-channel
   * logout to the gateway (the path that also works when core cannot be told).
   */
  async function takeAccess(userId: string, reason: AccessChange, endIdentity: boolean): Promise<void> {
    await Promise.all([accessChanged(userId, reason), endIdentity ? endSessions(userId) : undefined]);
  }

  async function loadUser(rawParams: unknown): Promise<UserRow> {
    const { id } = parseRequest(idParams, rawParams);
    const user = await findUserById(db, id);
    if (user === undefined) throw new AppError('not_found', 'User not found');
    return user;
  }

  // Keycloak's client asks for collections with a trailing slash (`…/users/`); JAX-RS ignores it.
  for (const url of COLLECTION_URLS) {
    app.get(url, async (request) => {
      const query = parseRequest(listQuery, request.query);
      if (query.q !== undefined && query.q.trim() !== '') return [];
      const rows = await listUsers(db, query, query.first, query.max);
      return rows.map((user) => toUserRepresentation(user, query.briefRepresentation));
    });
  }

  app.get('/users/count', async (request, reply) => {
    const total = await countUsers(db, parseRequest(countQuery, request.query));
    return reply.type('application/json').send(JSON.stringify(total));
  });

  for (const url of COLLECTION_URLS) app.post(url, createHandler);

  async function createHandler(request: FastifyRequest, reply: FastifyReply) {
    const body = parseRequest(userBody, request.body ?? {});
    if (body.username === undefined) {
      throw new AppError('validation_failed', 'Username is required', {
        errors: [{ path: 'username', message: 'required' }],
      });
    }
    const requiresNewPassword = body.requiredActions?.includes(UPDATE_PASSWORD_ACTION) === true;
    const password = passwordCredential(body);
    const user = await createUser(
      { db, passwords },
      {
        username: body.username,
        email: body.email,
        firstName: body.firstName,
        lastName: body.lastName,
        enabled: body.enabled,
        emailVerified: body.emailVerified,
        password:
          password === undefined
            ? undefined
            : { value: password.value, temporary: password.temporary || requiresNewPassword },
        groups: body.groups?.map(groupNameFromReference),
      },
    );
    request.log.info({ user: user.id }, 'user created');
    const collection = (request.url.split('?')[0] ?? '').replace(/\/+$/, '');
    return reply.code(201).header('Location', `${request.protocol}://${request.host}${collection}/${user.id}`).send();
  }

  app.get('/users/:id', async (request) => toUserRepresentation(await loadUser(request.params)));

  app.put('/users/:id', async (request, reply) => {
    const user = await loadUser(request.params);
    const body = parseRequest(userBody, request.body ?? {});
    if (body.username !== undefined && body.username.trim().toLowerCase() !== user.username) {
      throw new AppError('validation_failed', 'Username cannot be changed', {
        errors: [{ path: 'username', message: 'read-only' }],
      });
    }
    const patch: UserPatch = {};
    if (body.email !== undefined) patch.email = checkEmail(body.email);
    if (body.firstName !== undefined) patch.firstName = checkName('firstName', body.firstName);
    if (body.lastName !== undefined) patch.lastName = checkName('lastName', body.lastName);
    if (body.enabled !== undefined) patch.enabled = body.enabled;
    if (body.emailVerified !== undefined) patch.emailVerified = body.emailVerified;
    if (body.requiredActions !== undefined)
      patch.temporaryPassword = body.requiredActions.includes(UPDATE_PASSWORD_ACTION);
    const password = passwordCredential(body);
    if (password !== undefined) checkPassword(password.value);
    try {
      await updateUser(db, user.id, patch);
    } catch (error) {
      const which = uniqueViolation(error);
      if (which !== undefined)
        throw new AppError('conflict', duplicateMessage(which), {
          errors: [{ path: which, message: duplicateMessage(which) }],
        });
      throw error;
    }
    if (password !== undefined)
      await setPasswordHash(db, user.id, await passwords.hash(password.value), password.temporary);
    // A disabled user, or one whose password was replaced, is signed out everywhere at once, not
    // at their next token refresh.
    if (body.enabled === false && user.enabled) await takeAccess(user.id, 'disabled', true);
    else if (password !== undefined) await takeAccess(user.id, 'password_reset', true);
    return reply.code(204).send();
  });

  app.delete('/users/:id', async (request, reply) => {
    const user = await loadUser(request.params);
    await takeAccess(user.id, 'deleted', true);
    await deleteUser(db, user.id);
    request.log.info({ user: user.id }, 'user deleted');
    return reply.code(204).send();
  });

  app.put('/users/:id/reset-password', async (request, reply) => {
    const user = await loadUser(request.params);
    const credential = parseRequest(credentialBody, request.body ?? {});
    if (credential.type !== undefined && credential.type !== 'password') {
      throw new AppError('validation_failed', 'Only password credentials are supported', {
        errors: [{ path: 'type', message: 'unsupported type' }],
      });
    }
    checkPassword(credential.value);
    // As Keycloak: temporary only when the request says so explicitly.
    await setPasswordHash(db, user.id, await passwords.hash(credential.value), credential.temporary === true);
    // Whoever held the old password is signed out (a reset usually answers a leak).
    await takeAccess(user.id, 'password_reset', true);
    request.log.info({ user: user.id }, 'password reset by an admin');
    return reply.code(204).send();
  });

  // Keycloak's list of the user's sessions; core checks at refresh that its `sid` is still there.
  app.get('/users/:id/sessions', async (request) => listSessions((await loadUser(request.params)).id));

  app.get('/users/:id/groups', async (request) => {
    const user = await loadUser(request.params);
    const query = parseRequest(groupsQuery, request.query);
    const search = query.search?.toLowerCase();
    const groups = (await groupsOfUser(db, user.id)).filter(
      (group) => search === undefined || group.name.includes(search),
    );
    return groups
      .slice(query.first, query.first + query.max)
      .map((group) => toGroupRepresentation(group, query.briefRepresentation));
  });

  app.get('/users/:id/groups/count', async (request) => {
    const user = await loadUser(request.params);
    return { count: (await groupsOfUser(db, user.id)).length };
  });

  async function membership(rawParams: unknown) {
    const { id, groupId } = parseRequest(membershipParams, rawParams);
    const user = await findUserById(db, id);
    if (user === undefined) throw new AppError('not_found', 'User not found');
    const group = await findGroupById(db, groupId);
    if (group === undefined) throw new AppError('not_found', 'Could not find group by id');
    return { user, group };
  }

  app.put('/users/:id/groups/:groupId', async (request, reply) => {
    const { user, group } = await membership(request.params);
    await addMembership(db, user.id, group.id);
    // The user's platform tokens carry their groups: they are revoked and re-issued at the new
    // level by the gateway's next sign-in, which the identity session completes without a password.
    await takeAccess(user.id, 'groups_changed', false);
    request.log.info({ user: user.id, group: group.name }, 'user added to group');
    return reply.code(204).send();
  });

  app.delete('/users/:id/groups/:groupId', async (request, reply) => {
    const { user, group } = await membership(request.params);
    await removeMembership(db, user.id, group.id);
    await takeAccess(user.id, 'groups_changed', false);
    request.log.info({ user: user.id, group: group.name }, 'user removed from group');
    return reply.code(204).send();
  });

  app.post('/users/:id/logout', async (request, reply) => {
    const user = await loadUser(request.params);
    const [, result] = await Promise.all([accessChanged(user.id, 'logged_out'), endSessions(user.id)]);
    request.log.info({ user: user.id, result }, 'user logged out by an admin');
    return reply.code(204).send();
  });
};
