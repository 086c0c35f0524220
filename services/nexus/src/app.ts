/**
 * The gateway's composition root: everything comes in through `deps` (configuration, TLS
 * material, session store, registry, identity and core clients, the page composer, the clock),
 * so tests build it with fakes on port 0 and `main.ts` with the real thing.
 */
import { createHash } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Agent, type Dispatcher } from 'undici';
import {
  AppError,
  correlationFastifyOptions,
  correlationPlugin,
  createHealthCheck,
  installDrain,
  registerHealthRoute,
  toAppError,
  type RevocationPolicy,
  type TokenVerifier,
} from '@hivematrix/sdk';
import { createLogoutTokenValidator } from './auth/index.js';
import type { CoreApi, OidcClient } from './auth/index.js';
import type { NexusConfig } from './config.js';
import { sendError, type Gateway } from './gateway.js';
import {
  AccessLogController,
  crossSiteReason,
  isUnsafeMethod,
  ownOriginsOf,
  createRateLimiter,
  installSecurityHeaders,
} from './http/index.js';
import type { PageComposer, RateLimiter } from './http/index.js';
import { createCodexSettings } from './prefs/index.js';
import type { UserSettingsSource } from './prefs/index.js';
import { TunnelRegistry, createUpgradeHandler } from './proxy/index.js';
import type { LiveRegistry } from './registry/index.js';
import { loginRoutes } from './routes/login.js';
import { logoutRoutes } from './routes/logout.js';
import { preferencesRoutes } from './routes/preferences.js';
import { proxyRoutes } from './routes/proxy.js';
import { rootRoutes } from './routes/root.js';
import { staticRoutes, type StaticAssets } from './routes/static.js';
import { createSessionManager } from './session/index.js';
import type { SessionStore } from './session/index.js';
import { tlsServerOptions } from './tls.js';

/** What the gateway is built from. */
export interface NexusDeps {
  config: NexusConfig;
  /** PEM key and certificate; null serves plain HTTP (tests using `inject`). */
  tls: { key: string; cert: string } | null;
  composer: PageComposer;
  store: SessionStore;
  registry: LiveRegistry;
  oidc: OidcClient;
  core: CoreApi;
  /** Verifies platform JWTs with core's keys (and the revocation set). */
  verifier: TokenVerifier;
  isRevoked: (jti: string) => boolean;
  /** The revocation feed's policy (also given to `verifier`); its state is a check of `/health`. */
  revocationPolicy?: RevocationPolicy;
  /** Newly revoked jtis (core's feed): open WebSocket tunnels of those sessions are closed. */
  revocations?: { on(event: 'revoked', listener: (jti: string) => void): () => void };
  assets: StaticAssets;
  logger: FastifyBaseLogger;
  /** Clock in epoch milliseconds. */
  now: () => number;
  /** Validates back-channel logout tokens; default: against the provider's JWKS via `oidc`. */
  validateLogoutToken?: Gateway['validateLogoutToken'];
  /** The HTTP client pool towards services; default an undici Agent with the configured timeouts. */
  dispatcher?: Dispatcher;
  /** Per-caller rate limits; default: counted in this process (main.ts shares them through Redis). */
  limiter?: RateLimiter;
  /** The users' settings; default: codex's `/api/my/settings` when codex is in the registry. */
  userSettings?: UserSettingsSource;
  /** Used by the health check and the settings calls. */
  fetch?: typeof globalThis.fetch;
  randomId?: () => string;
}

/** Builds the gateway without listening. */
export async function buildApp(deps: NexusDeps): Promise<FastifyInstance> {
  const { config } = deps;
  // No cap on connections per service (`connections: null`, undici's default, made explicit): an
  // event stream holds its connection for the whole answer, so with a cap of N the N+1th chat
  // would wait for another one to finish before its first token (test/streaming.test.ts).
  const dispatcher =
    deps.dispatcher ??
    new Agent({
      connections: null,
      connectTimeout: config.PROXY_CONNECT_TIMEOUT,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
    });

  const app = Fastify({
    loggerInstance: deps.logger,
    ...(deps.tls === null
      ? {}
      : { https: { key: deps.tls.key, cert: deps.tls.cert, ...tlsServerOptions(config.TLS_PROFILE) } }),
    bodyLimit: config.API_MAX_BODY,
    trustProxy: config.TRUSTED_PROXIES.length === 0 ? false : config.TRUSTED_PROXIES,
    return503OnClosing: true,
    // Streams (SSE, WebSocket, long downloads) must not hold a shutdown open.
    forceCloseConnections: true,
    ...correlationFastifyOptions(deps.randomId),
    // One access-log line per request instead of Fastify's two (see http/access-log.ts); it
    // replaces the SDK's controller, so it repeats the SDK's `correlation_id` label.
    logController: new AccessLogController({ requestIdLogLabel: 'correlation_id' }),
  }) as unknown as FastifyInstance;
  // SIGTERM (the SDK's runService): /health answers 503 "draining", event streams end, requests
  // being proxied finish before the close above cuts the remaining connections.
  installDrain(app);

  const gw: Gateway = {
    settings: {
      publicOrigin: new URL(config.NEXUS_URL).origin,
      identityUpstreamUrl: config.IDENTITY_UPSTREAM_URL,
      clientId: config.OIDC_CLIENT_ID,
      apiMaxBody: config.API_MAX_BODY,
      proxyMaxBody: config.PROXY_MAX_BODY,
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      anonRateLimitPerMinute: config.ANON_RATE_LIMIT_PER_MINUTE,
      loginTtlMs: 10 * 60_000,
      logoutStateKey: createHash('sha256').update(`nexus-logout-state:${config.SERVICE_SECRET}`).digest('hex'),
    },
    composer: deps.composer,
    store: deps.store,
    registry: deps.registry,
    limiter: deps.limiter ?? createRateLimiter({ now: deps.now }),
    oidc: deps.oidc,
    core: deps.core,
    userSettings:
      deps.userSettings ??
      createCodexSettings({ registry: deps.registry, ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }) }),
    sessions: createSessionManager({
      store: deps.store,
      verifier: deps.verifier,
      core: deps.core,
      isRevoked: deps.isRevoked,
      revocationPolicy: deps.revocationPolicy,
      now: deps.now,
      idleTimeoutMs: config.SESSION_IDLE_TIMEOUT,
      maxAgeMs: config.SESSION_MAX_AGE,
      refreshBeforeMs: config.TOKEN_REFRESH_BEFORE,
      logger: deps.logger,
    }),
    forwarding: {
      dispatcher,
      composer: deps.composer,
      headersTimeoutMs: config.PROXY_HEADERS_TIMEOUT,
      bodyTimeoutMs: config.PROXY_IDLE_TIMEOUT,
      composeMaxBytes: config.COMPOSE_MAX_BODY,
    },
    logger: deps.logger,
    now: deps.now,
    assetVersion: deps.assets.version,
    validateLogoutToken:
      deps.validateLogoutToken ??
      createLogoutTokenValidator({
        issuer: config.IDENTITY_ISSUER,
        clientId: config.OIDC_CLIENT_ID,
        jwksUrl: () => deps.oidc.jwksUrl(),
        algorithms: () => deps.oidc.signingAlgorithms(),
        now: deps.now,
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      }),
  };

  // Errors a person meets become styled pages; scripts get problem+json (sendError decides).
  app.setNotFoundHandler((request, reply) =>
    sendError(gw, request, reply, new AppError('not_found', 'There is nothing here.')),
  );
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: appError.cause ?? appError }, 'request failed');
    return sendError(gw, request, reply, appError);
  });
  await app.register(correlationPlugin);
  installSecurityHeaders(app, { hstsMaxAge: config.HSTS_MAX_AGE });

  // Callback style, not async: this runs on every request, and a safe method (nearly all
  // traffic) then costs one Set lookup instead of a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    // The identity provider's server-to-server logout call carries no browser credentials.
    if (!isUnsafeMethod(request.method) || request.url === '/backchannel-logout') return done();
    const reason = crossSiteReason(request, ownOriginsOf(request, gw.settings.publicOrigin));
    done(reason === null ? undefined : new AppError('csrf_rejected', `Cross-site request refused (${reason}).`));
  });

  registerHealthRoute(
    app,
    createHealthCheck({
      service: config.SERVICE_NAME,
      dependencies: [
        { name: 'core', url: config.CORE_SERVICE_URL },
        { name: 'identity', url: config.IDENTITY_UPSTREAM_URL },
      ],
      extraChecks: {
        sessions: async () => {
          await deps.store.ping();
          return { status: 'healthy' };
        },
        ...(deps.revocationPolicy === undefined
          ? {}
          : { revocation_feed: async () => deps.revocationPolicy?.health() ?? { status: 'unknown' } }),
      },
      // Ready (/health/ready) only with its session store and once the feed has caught up: the
      // gateway's own state; core and identity being down is reported by /health alone.
      readiness: ['sessions', 'revocation_feed'],
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    }),
  );
  await app.register(staticRoutes, { assets: deps.assets });
  await app.register(loginRoutes, { gw });
  await app.register(logoutRoutes, { gw });
  await app.register(preferencesRoutes, { gw });
  await app.register(rootRoutes, { gw });
  await app.register(proxyRoutes, { gw });

  const tunnels = new TunnelRegistry();
  const stopWatching = deps.revocations?.on('revoked', (jti) => {
    const closed = tunnels.closeSession(jti, 'session revoked');
    if (closed > 0) deps.logger.info({ closed }, 'closed the WebSockets of a revoked session');
  });
  const onUpgrade = createUpgradeHandler(gw, {
    connectTimeoutMs: config.PROXY_CONNECT_TIMEOUT,
    logger: deps.logger,
    tunnels,
  });
  app.server.on('upgrade', (request, socket, head) => void onUpgrade(request, socket, head));
  app.addHook('onClose', async () => {
    stopWatching?.();
    tunnels.closeAll();
    if (deps.dispatcher === undefined) await dispatcher.close();
  });
  return app;
}
