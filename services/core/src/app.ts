/**
 * Core's composition root: everything it needs comes in through `deps` (key ring, session store,
 * identity client, service directory, clock), so tests build it with temporary keys, a fake
 * identity provider and a controllable clock, and several instances can share one Redis.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { scheduleJob } from '@hivematrix/sdk/db';
import { createHealthCheck, createServiceApp, registerHealthRoute, type ServiceApp } from '@hivematrix/sdk';
import type { CoreConfig } from './config.js';
import { createRequestVerifier, createTokenIssuer, recheckSessions } from './domain/index.js';
import type {
  IdentityClient,
  KeyRing,
  ServiceDirectory,
  SessionStore,
  TokenContext,
  UserStatusClient,
} from './domain/index.js';
import { adminRoutes } from './routes/admin/index.js';
import { jwksRoutes } from './routes/jwks/index.js';
import type { RouteLimits } from './routes/limits.js';
import { revocationRoutes } from './routes/revocations/index.js';
import { createStreamHub } from './routes/revocations/stream-hub.js';
import { serviceTokenRoutes } from './routes/service-token/index.js';
import { sessionRoutes } from './routes/sessions/index.js';
import { tokenRoutes } from './routes/tokens/index.js';

/** Everything core is built from; `main.ts` makes the real ones, tests their own. */
export interface CoreDeps {
  config: CoreConfig;
  logger: FastifyBaseLogger;
  keys: KeyRing;
  store: SessionStore;
  identity: IdentityClient;
  /** Reads users at identity's admin API on refresh; absent when no admin client is configured. */
  userStatus?: UserStatusClient | undefined;
  services: ServiceDirectory;
  /** Clock in milliseconds. */
  now: () => number;
  /** Core's database pool, shared by every instance: periodic jobs then run once across them. */
  pool?: pg.Pool | undefined;
  /** Source of session and token ids; 256 random bits by default. */
  newId?: () => string;
  /** Source of new correlation ids; tests freeze it. */
  randomId?: () => string;
}

/** A session id is a bearer-token id: unguessable, 256 bits (the original used 32 random bytes too). */
const defaultId = (): string => randomBytes(32).toString('base64url');

/** Builds core without listening. */
export async function buildApp(deps: CoreDeps): Promise<ServiceApp> {
  const { config, keys, store, now } = deps;
  const newId = deps.newId ?? defaultId;
  const issuer = createTokenIssuer({ keys, now, newId });
  const ctx: TokenContext = {
    store,
    issuer,
    identity: deps.identity,
    userStatus: deps.userStatus,
    now,
    newSessionId: newId,
    policy: {
      tokenTtlSec: config.TOKEN_TTL_SEC,
      refreshGraceSec: config.REFRESH_GRACE_SEC,
      sessionMaxAgeSec: config.SESSION_MAX_AGE_SEC,
    },
  };
  const limits: RouteLimits = {
    perUser: config.RATE_LIMIT_PER_MINUTE,
    perService: config.SERVICE_RATE_LIMIT_PER_MINUTE,
    validatePerIp: config.VALIDATE_RATE_LIMIT_PER_MINUTE,
    serviceTokenPerIp: config.SERVICE_TOKEN_RATE_LIMIT_PER_MINUTE,
  };

  const app = await createServiceApp({
    service: config.SERVICE_NAME,
    logger: deps.logger,
    verifier: createRequestVerifier({ keys, store, now, serviceName: config.SERVICE_NAME }),
    trustedProxies: config.TRUSTED_PROXIES,
    rateLimit: { max: config.RATE_LIMIT_PER_MINUTE, windowMs: 60_000, redisUrl: config.REDIS_URL },
    ...(deps.randomId ? { randomId: deps.randomId } : {}),
  });

  registerHealthRoute(
    app,
    createHealthCheck({
      service: config.SERVICE_NAME,
      now,
      extraChecks: {
        session_store: async () => ({ ...(await store.health()) }),
        signing_key: async () => ({ status: 'healthy', kid: keys.signer().kid }),
      },
      // Core's own state: without its session store or a signing key it cannot serve (/health/ready).
      readiness: ['session_store', 'signing_key'],
    }),
  );

  // Core's answers carry tokens and session data: never cached (RFC 6749 §5.1), except where a
  // route says otherwise (the JWKS).
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });

  const hub = createStreamHub({ store, heartbeatMs: config.REVOCATION_HEARTBEAT_MS, logger: deps.logger });
  // Open streams would keep the server from closing.
  app.addHook('preClose', async () => hub.closeAll());

  const recheckMs = config.IDENTITY_RECHECK_MS;
  const userStatus = deps.userStatus;
  if (userStatus !== undefined && recheckMs > 0) {
    const recheck = () =>
      recheckSessions({ store, userStatus, now, refreshGraceSec: config.REFRESH_GRACE_SEC, logger: deps.logger });
    const onError = (error: unknown) => deps.logger.warn({ err: error }, 'user re-check failed');
    if (deps.pool !== undefined) {
      // Several instances: one of them re-checks each interval (three admin API calls per user).
      const job = scheduleJob(deps.pool, { name: 'core:user-recheck', everyMs: recheckMs, now, run: recheck, onError });
      app.addHook('onClose', () => job.stop());
    } else {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        void recheck()
          .catch(onError)
          .finally(() => (running = false));
      }, recheckMs);
      timer.unref();
      app.addHook('onClose', async () => clearInterval(timer));
    }
  }

  await app.register(jwksRoutes, { keys });
  await app.register(serviceTokenRoutes, {
    directory: deps.services,
    issuer,
    perAddressLimit: limits.serviceTokenPerIp,
  });
  await app.register(tokenRoutes, { ctx, exchangeCallers: config.EXCHANGE_CALLERS, limits });
  await app.register(sessionRoutes, { store, now, callers: config.EXCHANGE_CALLERS, limits });
  await app.register(revocationRoutes, { store, hub, limits });
  await app.register(adminRoutes, { store, keys, now, refreshGraceSec: config.REFRESH_GRACE_SEC });
  return app;
}
