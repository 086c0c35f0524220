/**
 * What every gateway route shares (built once by `buildApp`), and the helpers that turn a request
 * into a composition context or an error answer: a styled page for a person, problem+json for a
 * script (the SDK's `isNavigation` tells them apart).
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isNavigation, sendProblem, type UserClaims } from '@hivematrix/sdk';
import type { CoreApi, OidcClient } from './auth/index.js';
import type { ComposeContext, PageComposer, RateLimiter } from './http/index.js';
import type { UserSettingsSource } from './prefs/index.js';
import type { ForwardSettings } from './proxy/index.js';
import { navFor } from './registry/index.js';
import type { LiveRegistry } from './registry/index.js';
import { DEFAULT_PREFERENCES } from './session/index.js';
import type { ActiveSession, SessionManager, SessionStore } from './session/index.js';

/** The settings the routes read (a subset of NexusConfig, so tests can build it small). */
export interface GatewaySettings {
  /** `https://host` (from NEXUS_URL): redirect URIs and same-origin checks. */
  publicOrigin: string;
  identityUpstreamUrl: string;
  clientId: string;
  apiMaxBody: number;
  proxyMaxBody: number;
  rateLimitPerMinute: number;
  anonRateLimitPerMinute: number;
  loginTtlMs: number;
  /** HMAC key of the RP-initiated logout `state`. */
  logoutStateKey: string;
}

/** Everything the routes use. */
export interface Gateway {
  settings: GatewaySettings;
  composer: PageComposer;
  sessions: SessionManager;
  store: SessionStore;
  registry: LiveRegistry;
  limiter: RateLimiter;
  oidc: OidcClient;
  core: CoreApi;
  /** The user's theme, accent and home page as codex keeps them. */
  userSettings: UserSettingsSource;
  forwarding: ForwardSettings;
  logger: FastifyBaseLogger;
  now: () => number;
  assetVersion: string;
  /** Validates an OIDC back-channel logout token. */
  validateLogoutToken: (
    token: string,
  ) => Promise<{ sid: string | undefined; sub: string | undefined; jti: string | undefined }>;
}

/** The composition context of a page for this user (null for anonymous visitors of public pages). */
export function composeContext(
  gw: Gateway,
  active: ActiveSession | null,
  currentService: string | null,
): ComposeContext {
  const prefs = active?.session.prefs ?? DEFAULT_PREFERENCES;
  const user: UserClaims | null = active?.user ?? null;
  return {
    theme: prefs.theme,
    accent: prefs.accent,
    sidebarCollapsed: prefs.sidebarCollapsed,
    nav: user === null ? [] : navFor(gw.registry.current(), user.permission_level, currentService),
    user:
      user === null
        ? null
        : { name: user.name, username: user.preferred_username, permissionLevel: user.permission_level },
    assetVersion: gw.assetVersion,
  };
}

/**
 * Answers an error: a styled page (every text escaped by the composer) for a navigation,
 * problem+json otherwise. `service` is named on the page.
 */
export async function sendError(
  gw: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
  service?: string,
): Promise<FastifyReply> {
  if (!isNavigation(request)) return sendProblem(request, reply, error);
  for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
  if (error.retryAfter !== undefined) void reply.header('Retry-After', String(error.retryAfter));
  const page = gw.composer.renderErrorPage({
    status: error.status,
    title: titleFor(error.status),
    message: error.message,
    ...(service === undefined ? {} : { service }),
  });
  // The error page is composed like any page: stylesheet, theme and (when signed in) the side panel.
  const active = error.status === 503 ? null : await gw.sessions.resolve(request).catch(() => null);
  const known = service !== undefined && Object.hasOwn(gw.registry.current(), service) ? service : null;
  const composed = gw.composer.composePage(page, composeContext(gw, active, known));
  return reply.code(error.status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(composed);
}

function titleFor(status: number): string {
  switch (status) {
    case 400:
      return 'Bad request';
    case 401:
      return 'Sign-in failed';
    case 403:
      return 'Access denied';
    case 404:
      return 'Page not found';
    case 413:
      return 'Too large';
    case 429:
      return 'Slow down';
    case 502:
      return 'Service unavailable';
    case 503:
      return 'Temporarily unavailable';
    case 504:
      return 'Service timed out';
    default:
      return 'Something went wrong';
  }
}

/** The client's address (the socket's, or from X-Forwarded-For when a trusted proxy is in front). */
export function clientIp(request: FastifyRequest): string {
  return request.ip;
}

/**
 * Counts a request against its caller's budget; throws 429 when it is spent. Users are keyed by
 * `sub`, anonymous callers by address.
 */
export function enforceRateLimit(gw: Gateway, request: FastifyRequest, active: ActiveSession | null): void {
  const key = active === null ? `ip:${clientIp(request)}` : `user:${active.user.sub}`;
  const limit = active === null ? gw.settings.anonRateLimitPerMinute : gw.settings.rateLimitPerMinute;
  const verdict = gw.limiter.hit(key, limit);
  if (!verdict.allowed) {
    throw new AppError('rate_limited', `Too many requests: at most ${limit} a minute.`, {
      retryAfter: verdict.retryAfterSec,
    });
  }
}

/** The login URL that comes back to this request afterwards. */
export function loginRedirect(request: FastifyRequest): string {
  return `/login?next=${encodeURIComponent(request.url)}`;
}
