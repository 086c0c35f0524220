/**
 * Route guards in Codex's terms: an action from the permission matrix plus the services a route
 * accepts, and the company scope of the caller (clients see only their own companies).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, requireAuth, requireUser, type Guard, type UserClaims } from '@hivematrix/sdk';
import { companyIdsForEmail } from '../db/index.js';
import type { CodexDb } from '../db/index.js';
import { can, companyScope, inScope } from '../domain/index.js';
import type { Action, CompanyScope } from '../domain/index.js';

export interface GuardOptions {
  /** Services accepted with a service token (reads only); absent: users only. */
  services?: readonly string[];
  /** An HTML page: a browser without a valid token is sent to the login. */
  page?: boolean;
}

/**
 * A preHandler that lets a request through when its user may perform `action`, or when it carries
 * a service token of a service named in `options.services`.
 */
export function allow(action: Action, options: GuardOptions = {}): Guard {
  const page = options.page ?? false;
  const authenticate =
    options.services === undefined ? requireUser({ page }) : requireAuth({ services: options.services, page });
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const answered = await authenticate(request, reply);
    if (answered !== undefined) return answered;
    if (request.user !== null && !can(request.user.permission_level, action)) {
      throw new AppError('forbidden', 'Your permission level does not allow this');
    }
    return undefined;
  };
}

/** The signed-in user of a guarded user-only route. */
export function userOf(request: FastifyRequest): UserClaims {
  if (request.user === null) throw new AppError('users_only', 'This endpoint is for users only');
  return request.user;
}

const scopes = new WeakMap<FastifyRequest, Promise<CompanyScope>>();

/**
 * The caller's company scope, computed once per request: everything for staff and services; for
 * a client, the companies whose active contacts carry the client's e-mail address.
 */
export function scopeOf(request: FastifyRequest, db: CodexDb): Promise<CompanyScope> {
  let scope = scopes.get(request);
  if (scope === undefined) {
    const user = request.user;
    scope =
      user === null
        ? Promise.resolve(companyScope('service', []))
        : user.permission_level === 'client'
          ? companyIdsForEmail(db, user.email).then((ids) => companyScope('client', ids))
          : Promise.resolve(companyScope(user.permission_level, []));
    scopes.set(request, scope);
  }
  return scope;
}

/**
 * Throws `not_found` when the caller may not see company `companyId`: a client asking for another
 * company learns nothing, not even that it exists.
 */
export async function assertVisible(
  request: FastifyRequest,
  db: CodexDb,
  companyId: number | null,
  what: string,
): Promise<void> {
  if (!inScope(await scopeOf(request, db), companyId)) throw new AppError('not_found', `${what} not found`);
}

/** The actor recorded in audit events. */
export function actorOf(request: FastifyRequest): { sub: string; name: string } {
  const user = userOf(request);
  return { sub: user.sub, name: user.name || user.preferred_username };
}
