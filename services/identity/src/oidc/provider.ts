/**
 * The OpenID provider: oidc-provider configured as a Keycloak-compatible realm.
 *
 * - Keycloak's endpoint names under `<issuer>/protocol/openid-connect/` (auth, token, userinfo,
 *   certs, logout, revoke, token/introspect) and discovery at `<issuer>/.well-known/…`.
 * - Authorization code flow only, PKCE (S256) required for every client (RFC 7636, RFC 9700 §2.1.1).
 * - Consent is implicit: every configured client is first-party, so a grant covering the
 *   requested scopes is made on the fly (`loadExistingGrant`).
 * - Claims in the ID token too (`conformIdTokenClaims: false`), as Keycloak puts them there.
 * - RP-Initiated Logout 1.0 and Back-Channel Logout 1.0 (logout_token with `sub` and `sid`).
 * - Refresh tokens for clients allowed the grant, bound to the identity session: logging out (or
 *   an admin ending the user's sessions) kills them.
 *
 * The provider reads the system clock itself (token `iat`/`exp`); identity's own rules (lockout)
 * use the injected clock.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Provider, type ClientMetadata } from 'oidc-provider';
import type { Realm } from '../config.js';
import { createPgAdapter } from '../db/index.js';
import type { IdentityDb } from '../db/index.js';
import { CLAIMS_BY_SCOPE, SCOPES, createFindAccount } from './account.js';
import type { ProviderFetch } from './backchannel-fetch.js';
import { loadFirstPartyGrant } from './grants.js';
import type { ProviderKeys } from './keys.js';
import { providerPages } from './pages.js';

/** Keycloak's endpoint paths, relative to the realm (the provider's mount path). */
export const KEYCLOAK_ROUTES = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  userinfo: '/protocol/openid-connect/userinfo',
  jwks: '/protocol/openid-connect/certs',
  end_session: '/protocol/openid-connect/logout',
  revocation: '/protocol/openid-connect/revoke',
  introspection: '/protocol/openid-connect/token/introspect',
} as const;

/** Cookie names, distinct from the gateway's and other services' on the same origin. */
export const COOKIE_NAMES = {
  session: 'hm_idp_session',
  interaction: 'hm_idp_interaction',
  resume: 'hm_idp_resume',
} as const;

export interface IdentityProviderOptions {
  realm: Realm;
  clients: ClientMetadata[];
  db: IdentityDb;
  keys: ProviderKeys;
  fetch: ProviderFetch;
  ttl: { accessTokenSec: number; adminTokenSec: number; sessionMaxSec: number };
  /** The admin API's client, which may introspect any token. */
  adminClientId: string;
  /** Clients whose logout with an id_token_hint needs no confirmation (the gateway). */
  autoLogoutClients: ReadonlySet<string>;
  /** The login page's URL for an interaction. */
  interactionUrl: (uid: string) => string;
  /** The auto-submit script of the logout page. */
  autoSubmitScriptUrl: string;
  homeUrl: string;
  logger: FastifyBaseLogger;
}

const INTERACTION_TTL_SEC = 30 * 60;
const AUTHORIZATION_CODE_TTL_SEC = 60;

/** Seconds left of a session that may live `maxSec` after its login (at least 1). */
export function sessionRemainingSec(loginTs: number | undefined, maxSec: number, nowSec: number): number {
  if (loginTs === undefined) return maxSec;
  return Math.max(1, Math.min(maxSec, loginTs + maxSec - nowSec));
}

/** Builds the provider. Mount it with `providerBridge`; it handles everything under the realm path. */
export function createIdentityProvider(options: IdentityProviderOptions): Provider {
  const { realm, ttl, logger } = options;
  const pages = providerPages({
    autoLogoutClients: options.autoLogoutClients,
    scriptSrc: options.autoSubmitScriptUrl,
    homeUrl: options.homeUrl,
  });
  const systemNow = () => new Date();

  const provider = new Provider(realm.issuer, {
    adapter: (name) => createPgAdapter(options.db, name, systemNow),
    clients: options.clients,
    jwks: { keys: options.keys.jwks.keys },
    cookies: {
      keys: options.keys.cookieKeys,
      names: { ...COOKIE_NAMES },
      // The session cookie is only needed under the realm; it never travels to other services.
      long: { httpOnly: true, sameSite: 'lax', path: realm.realmPath },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    routes: { ...KEYCLOAK_ROUTES },
    claims: CLAIMS_BY_SCOPE,
    scopes: SCOPES,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    conformIdTokenClaims: false,
    allowOmittingSingleRegisteredRedirectUri: false,
    // POST to auth/logout would need SameSite=None session cookies; browsers are redirected with GET.
    enableHttpPostMethods: false,
    pkce: { required: () => true },
    findAccount: createFindAccount(options.db),
    loadExistingGrant: loadFirstPartyGrant,
    // Refresh tokens whenever the client may use them (Keycloak's behaviour), not only for offline_access.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Browsers reach identity on the gateway's origin; no cross-origin caller is expected.
    clientBasedCORS: () => false,
    interactions: { url: async (_ctx, interaction) => options.interactionUrl(interaction.uid) },
    renderError: pages.renderError,
    ttl: {
      AccessToken: () => ttl.accessTokenSec,
      AuthorizationCode: AUTHORIZATION_CODE_TTL_SEC,
      ClientCredentials: () => ttl.adminTokenSec,
      Grant: () => ttl.sessionMaxSec,
      IdToken: () => ttl.accessTokenSec,
      Interaction: INTERACTION_TTL_SEC,
      RefreshToken: () => ttl.sessionMaxSec,
      Session: (_ctx, session) =>
        sessionRemainingSec(session.loginTs, ttl.sessionMaxSec, Math.floor(Date.now() / 1000)),
    },
    fetch: options.fetch,
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      clientCredentials: { enabled: true },
      // Any authenticated client may introspect its own tokens; the admin client any token.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) =>
          token.clientId === client.clientId || client.clientId === options.adminClientId,
      },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: pages.logoutSource,
        postLogoutSuccessSource: pages.postLogoutSuccessSource,
      },
      userinfo: { enabled: true },
    },
  });

  // Koa's flag: the bridge replaces X-Forwarded-Proto/Host with the public issuer's and
  // X-Forwarded-For with the trusted client address, so believing them is safe.
  provider.proxy = true;

  provider.on('server_error', (_ctx: unknown, error: Error) => logger.error({ err: error }, 'identity provider error'));
  provider.on('backchannel.error', (_ctx: unknown, error: Error, client: { clientId: string }) =>
    logger.warn({ err: error, client: client.clientId }, 'back-channel logout failed'),
  );
  provider.on('backchannel.success', (_ctx: unknown, client: { clientId: string }) =>
    logger.info({ client: client.clientId }, 'back-channel logout delivered'),
  );
  return provider;
}
