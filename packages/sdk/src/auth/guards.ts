/**
 * Route guards: who may call a route, declared next to the route.
 *
 * `authPlugin` decorates every request with `user` and `service` (both null until a guard or
 * `authenticate` runs). The `Authorization: Bearer` header is read lazily, so public routes pay
 * nothing. Service tokens are not users: they pass a guard only where the route names the calling
 * service (the original let every service token through `admin_required`).
 */
import fp from 'fastify-plugin';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { PermissionLevel, Principal, UserClaims } from './claims.js';
import type { TokenVerifier } from './verify.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified user, once a guard or `authenticate` has run; null for anonymous or services. */
    user: UserClaims | null;
    /** The calling service's name for a verified service token; null otherwise. */
    service: string | null;
  }
  interface FastifyInstance {
    /** Set by `authPlugin`; read by the guards. */
    hivematrixAuth: AuthPluginOptions;
  }
}

/** Options of `authPlugin`. */
export interface AuthPluginOptions {
  verifier: TokenVerifier;
  /** Where a browser without a valid token is sent from an HTML page (usually nexus's login). */
  loginRedirect: (request: FastifyRequest) => string;
}

/** What a guard accepts. */
export interface GuardOptions {
  /** User permission levels allowed; absent means every user. */
  roles?: readonly PermissionLevel[];
  /** Calling services allowed; absent means no service token passes. */
  services?: readonly string[];
  /** An HTML page: a missing or invalid token redirects to the login instead of a 401. */
  page?: boolean;
}

/** A preHandler hook built by the guard functions. */
export type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

const principals = new WeakMap<FastifyRequest, Promise<Principal | null>>();

const plugin: FastifyPluginCallback<AuthPluginOptions> = (app, options, done) => {
  app.decorate('hivematrixAuth', { verifier: options.verifier, loginRedirect: options.loginRedirect });
  app.decorateRequest('user', null);
  app.decorateRequest('service', null);
  done();
};

/** Registers the request decorations and the verifier that the guards use. */
export const authPlugin = fp(plugin, { name: 'hivematrix-auth', fastify: '5.x' });

/** The bearer token of a request, or null when there is none (RFC 6750 §2.1; scheme is case-insensitive). */
function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Verifies the request's bearer token once per request and sets `request.user`/`request.service`.
 * Returns null when no bearer token was sent (for routes where login is optional); throws the
 * verifier's error when a token was sent but is bad, so a client learns its credentials failed.
 */
export function authenticate(request: FastifyRequest): Promise<Principal | null> {
  let pending = principals.get(request);
  if (pending === undefined) {
    pending = resolvePrincipal(request);
    principals.set(request, pending);
  }
  return pending;
}

async function resolvePrincipal(request: FastifyRequest): Promise<Principal | null> {
  const token = bearerToken(request);
  if (token === null) return null;
  const principal = await authContext(request).verifier.verify(token);
  if (principal.kind === 'user') request.user = principal.user;
  else request.service = principal.service;
  return principal;
}

function authContext(request: FastifyRequest): AuthPluginOptions {
  const context = (request.server as { hivematrixAuth?: AuthPluginOptions }).hivematrixAuth;
  if (context === undefined) throw new AppError('internal', 'authPlugin is not registered');
  return context;
}

/**
 * The general guard. A service token passes only if `services` lists its calling service
 * (otherwise 403 `service_not_allowed`); a user passes if `roles` is absent or holds their level
 * (otherwise 403 `forbidden`). Without a token: 401 `unauthorized`, or a 302 to the login for a page.
 */
export function requireAuth(options: GuardOptions = {}): Guard {
  return guard(options, 'service_not_allowed');
}

/** Any signed-in user; service tokens get 403 `users_only`. */
export function requireUser(options: { page?: boolean } = {}): Guard {
  return guard({ page: options.page ?? false }, 'users_only');
}

/**
 * A user with one of `levels` (else 403 `forbidden`). Service tokens get 403 `users_only`, unless
 * `options.services` names the calling service.
 */
export function requireRole(
  levels: readonly PermissionLevel[],
  options: { services?: readonly string[]; page?: boolean } = {},
): Guard {
  return guard({ ...options, roles: levels }, 'users_only');
}

/**
 * Only the named calling services, with a service token; every user gets 403 `forbidden`.
 * (`requireAuth({ services })` alone also lets users through: it is for routes shared by both.)
 */
export function requireService(services: readonly string[]): Guard {
  return guard({ services, roles: [] }, 'service_not_allowed');
}

function guard(options: GuardOptions, serviceRefusal: 'users_only' | 'service_not_allowed'): Guard {
  return async (request, reply) => {
    let principal: Principal | null;
    try {
      principal = await authenticate(request);
      if (principal === null) throw new AppError('unauthorized', 'A bearer token is required');
    } catch (error) {
      // A page cannot show a 401 to a person; it sends them to log in (again). A key-set outage
      // (503) is not a login problem, so it is not redirected.
      if (options.page === true && isNavigation(request) && error instanceof AppError && error.status === 401) {
        return reply.redirect(authContext(request).loginRedirect(request), 302);
      }
      throw error;
    }
    if (principal.kind === 'service') {
      if (options.services?.includes(principal.service) === true) return undefined;
      throw new AppError(
        serviceRefusal,
        serviceRefusal === 'users_only'
          ? 'This endpoint is for users only'
          : `Service ${principal.service} may not call this endpoint`,
      );
    }
    if (options.roles !== undefined && !options.roles.includes(principal.user.permission_level)) {
      throw new AppError('forbidden', 'Your permission level does not allow this');
    }
    return undefined;
  };
}

/**
 * Whether a request is a person's navigation (which may be redirected to the login) rather than
 * a background fetch (which must get 401 JSON: a redirect to an HTML login page would break it).
 * Browsers send `Sec-Fetch-Mode: navigate` for navigations; without it, an `Accept` that asks for
 * JSON marks a script.
 */
export function isNavigation(request: FastifyRequest): boolean {
  const mode = request.headers['sec-fetch-mode'];
  if (typeof mode === 'string') return mode === 'navigate';
  const accept = request.headers.accept ?? '';
  return !(/\bjson\b/i.test(accept) && !/text\/html/i.test(accept));
}

/** The verified user of a guarded route; throws 401 if the route forgot its guard. */
export function currentUser(request: FastifyRequest): UserClaims {
  if (request.user === null) throw new AppError('unauthorized', 'A signed-in user is required');
  return request.user;
}
