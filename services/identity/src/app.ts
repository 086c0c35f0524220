/**
 * Identity's composition root: everything it needs comes in through `deps`, so tests build it
 * with a test database and their own issuer and clients.
 *
 * Routes (all under the issuer's base path, `/keycloak` by default):
 * - `<realm>/…` the OpenID provider (discovery, auth, token, userinfo, certs, logout, revoke,
 *   token/introspect), mounted from oidc-provider;
 * - `<realm>/login-actions/<uid>…` the sign-in and password-change pages;
 * - `<base>/admin/realms/<realm>/…` Keycloak's admin REST API (the subset helm uses);
 * - `/health`.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  type ServiceClient,
  createHealthCheck,
  createLocalKeySet,
  createServiceApp,
  createTokenVerifier,
  registerHealthRoute,
  type ServiceApp,
} from '@hivematrix/sdk';
import { ADMIN_CLIENT_ID, GATEWAY_CLIENT_ID, realmOf, type IdentityConfig } from './config.js';
import { pruneExpired } from './db/index.js';
import type { IdentityDb } from './db/index.js';
import type { PasswordHasher } from './domain/index.js';
import {
  adminClient,
  createBackchannelFetch,
  createIdentityProvider,
  createRetryingDelivery,
  DeliveryError,
  endUserSessions,
  gatewayClient,
  isTransientStatus,
  loadProviderKeys,
  pageContentSecurityPolicy,
  providerBridge,
  sweepEndedSessions,
  userSessions,
} from './oidc/index.js';
import type { ProviderFetch, RetryingDelivery, RetryPolicy } from './oidc/index.js';
import { createPlatformSessions } from './platform/index.js';
import { adminRoutes } from './routes/admin/index.js';
import { autoSubmitScriptPath, interactionRoutes } from './routes/interaction/index.js';

export interface IdentityDeps {
  config: IdentityConfig;
  logger: FastifyBaseLogger;
  db: IdentityDb;
  /** Answers `SELECT 1`; the health check's database probe. */
  ping: () => Promise<void>;
  /** Clock of identity's own rules (lockout, password-change window). */
  now: () => Date;
  passwords: PasswordHasher;
  /** PEM text of an extra CA trusted for back-channel logout (the content of IDENTITY_BACKCHANNEL_CA_FILE). */
  backchannelCa?: string | undefined;
  /** Source of new correlation ids; tests freeze it. */
  randomId?: () => string;
  /**
   * Calls core with identity's service token (`createServiceClient`); absent without a service
   * secret, and then core is not told of access changes (back-channel logout still is).
   */
  coreClient?: Pick<ServiceClient, 'call'> | undefined;
  /** Backoff of back-channel logout and core notification retries (tests shorten it). */
  retryPolicy?: RetryPolicy;
}

/**
 * The provider's fetch with background retries: a non-2xx answer is a failure, transient or not
 * by its status, so the provider still sees the first attempt fail and logs it.
 */
function retryingProviderFetch(fetch: ProviderFetch, delivery: RetryingDelivery): ProviderFetch {
  return (url, init) =>
    delivery.run(
      { event: 'backchannel_logout', message: 'back-channel logout', fields: { target: new URL(url).origin } },
      async () => {
        const response = await fetch(url, init);
        if (response.status !== 200 && response.status !== 204)
          throw new DeliveryError(`HTTP ${response.status}`, isTransientStatus(response.status));
        return response;
      },
    );
}

/** Builds the identity app without listening; loads (or on first start creates) the provider's keys. */
export async function buildApp(deps: IdentityDeps): Promise<ServiceApp> {
  const { config, db, logger } = deps;
  const realm = realmOf(config.IDENTITY_ISSUER);
  const clients = [
    gatewayClient({
      clientId: GATEWAY_CLIENT_ID,
      secret: config.IDENTITY_GATEWAY_CLIENT_SECRET,
      redirectUris: config.IDENTITY_GATEWAY_REDIRECT_URIS,
      postLogoutRedirectUris: config.IDENTITY_GATEWAY_POST_LOGOUT_REDIRECT_URIS,
      backchannelLogoutUri: config.IDENTITY_GATEWAY_BACKCHANNEL_LOGOUT_URI,
    }),
    adminClient({ clientId: ADMIN_CLIENT_ID, secret: config.IDENTITY_ADMIN_CLIENT_SECRET }),
  ];
  const csp = pageContentSecurityPolicy(clients);
  const homeUrl = `${realm.origin}/`;

  const shutdown = new AbortController();
  const delivery = createRetryingDelivery({
    logger,
    signal: shutdown.signal,
    ...(deps.retryPolicy ? { policy: deps.retryPolicy } : {}),
  });
  const backchannelFetch = createBackchannelFetch({
    ca: deps.backchannelCa,
    caFile: config.IDENTITY_BACKCHANNEL_CA_FILE,
    connectAddress: config.IDENTITY_BACKCHANNEL_CONNECT_ADDRESS,
    insecureLocal: config.IDENTITY_BACKCHANNEL_INSECURE_LOCAL,
  });
  const platformSessions = createPlatformSessions({ client: deps.coreClient, delivery, logger });

  const provider = createIdentityProvider({
    realm,
    clients,
    db,
    keys: await loadProviderKeys(db),
    fetch: retryingProviderFetch(backchannelFetch, delivery),
    ttl: {
      accessTokenSec: Math.max(1, Math.round(config.IDENTITY_ACCESS_TOKEN_TTL / 1000)),
      adminTokenSec: Math.max(1, Math.round(config.IDENTITY_ADMIN_TOKEN_TTL / 1000)),
      sessionMaxSec: Math.max(60, Math.round(config.IDENTITY_SESSION_MAX / 1000)),
    },
    adminClientId: ADMIN_CLIENT_ID,
    autoLogoutClients: new Set([GATEWAY_CLIENT_ID]),
    interactionUrl: (uid) => `${realm.issuer}/login-actions/${uid}`,
    autoSubmitScriptUrl: `${realm.origin}${autoSubmitScriptPath(realm)}`,
    homeUrl,
    logger,
  });

  const app = await createServiceApp({
    service: config.SERVICE_NAME,
    logger,
    // Identity accepts no platform JWTs: its admin API takes the realm's own tokens.
    verifier: createTokenVerifier({ keySet: createLocalKeySet({ keys: [] }), serviceName: config.SERVICE_NAME }),
    trustedProxies: config.TRUSTED_PROXIES,
    rateLimit: { max: config.RATE_LIMIT_PER_MINUTE, windowMs: 60_000, redisUrl: config.REDIS_URL },
    ...(deps.randomId ? { randomId: deps.randomId } : {}),
  });

  registerHealthRoute(app, createHealthCheck({ service: config.SERVICE_NAME, database: { ping: deps.ping } }));
  await app.register(providerBridge, { provider, realm, contentSecurityPolicy: csp });
  await app.register(interactionRoutes, {
    provider,
    realm,
    db,
    passwords: deps.passwords,
    policy: { maxFailures: config.LOGIN_MAX_FAILURES, lockoutMs: config.LOGIN_LOCKOUT_MINUTES * 60_000 },
    now: deps.now,
    contentSecurityPolicy: csp,
    homeUrl,
  });
  await app.register(adminRoutes, {
    prefix: realm.adminPath,
    provider,
    db,
    passwords: deps.passwords,
    adminClientId: ADMIN_CLIENT_ID,
    endSessions: (userId) => endUserSessions({ db, provider, logger }, userId),
    accessChanged: (userId, reason) => platformSessions.endUserSessions(userId, reason),
    listSessions: (userId) => userSessions(db, userId, new Date()),
    now: deps.now,
  });

  // Expired records are already invisible; pruning only keeps the table small.
  const pruner = setInterval(() => {
    pruneExpired(db, new Date()).then(
      (pruned) => logger.debug(pruned, 'pruned expired identity records'),
      (error: unknown) => logger.warn({ err: error }, 'pruning expired identity records failed'),
    );
  }, config.IDENTITY_PRUNE_INTERVAL);
  pruner.unref();
  // Sessions that reached their end get their back-channel logout, so the gateway's session ends too.
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void sweepEndedSessions({ db, provider, logger }, new Date())
      .catch((error: unknown) => logger.warn({ err: error }, 'announcing ended identity sessions failed'))
      .finally(() => (sweeping = false));
  }, config.IDENTITY_SESSION_SWEEP_INTERVAL);
  sweeper.unref();
  app.addHook('onClose', async () => {
    clearInterval(pruner);
    clearInterval(sweeper);
    shutdown.abort();
  });
  return app;
}
