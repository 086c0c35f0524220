/**
 * The Fastify instance every service starts from: one call gives correlation ids, JSON logs,
 * problem+json errors (404/405/413/415/429 included), zod validation, refusal of NUL and
 * malformed Unicode in every input (400), security headers,
 * prefix-aware URLs, HTML rendering, authentication guards and rate limits keyed by the
 * authenticated caller. A service's `buildApp(deps)` calls this, then registers its routes.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../errors.js';
import { installErrorHandling } from './error-handler.js';
import { securityHeaders } from './security-headers.js';
import { installSameOriginCheck } from './same-origin.js';
import { installTextGuard } from './text-guard.js';
import { installDrain } from './drain.js';
import { correlationFastifyOptions, correlationPlugin } from '../logging/correlation.js';
import { urlsPlugin, loginUrl } from '../urls.js';
import { htmlPlugin } from '../html/render.js';
import { authPlugin, authenticate } from '../auth/guards.js';
import type { TokenVerifier } from '../auth/verify.js';
import { requestUser, runForRequest } from '../call-context.js';
import { sharedRateLimitStore } from './rate-limit-store.js';

/** A Fastify app whose route schemas are zod schemas (handler types are inferred from them). */
export type ServiceApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface RateLimitOptions {
  /** Requests allowed per caller per window. */
  max: number;
  /** Window length in milliseconds. */
  windowMs: number;
  /**
   * Redis shared by every instance of the service (`REDIS_URL`): the counts are kept there, so
   * two instances together allow `max`, not twice it. While Redis cannot answer, each instance
   * counts on its own. Unset: counted per instance.
   */
  redisUrl?: string | undefined;
  /** Key prefix in Redis. Default `hm:<service>:rl:` (tests give each run its own). */
  nameSpace?: string;
}

export interface ServiceAppOptions {
  /** The service's name, e.g. `codex`. */
  service: string;
  /** The pino logger the app logs with (see `createLogger`). */
  logger: FastifyBaseLogger;
  /** Verifies platform JWTs (see `createTokenVerifier`). */
  verifier: TokenVerifier;
  /** Addresses allowed to send `X-Forwarded-*` headers (the gateway). */
  trustedProxies: string[];
  /** Per-caller rate limit; `false` turns it off. Default 500 requests a minute. */
  rateLimit?: RateLimitOptions | false;
  /** Largest accepted request body in bytes. Default 16 MiB, as the original. */
  bodyLimit?: number;
  /** Source of new correlation ids (tests freeze it). */
  randomId?: () => string;
  /**
   * The gateway's public URL (`NEXUS_URL`). Unsafe methods whose `Origin` or `Sec-Fetch-Site`
   * says another site are refused (CSRF); see `installSameOriginCheck`.
   */
  publicUrl?: string;
}

/** Builds the base app for a service. Register routes on the result. */
export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    // Behind the gateway the client address comes from X-Forwarded-For, but only when the
    // direct peer is one of the trusted proxies.
    trustProxy: options.trustedProxies,
    return503OnClosing: true,
    ...correlationFastifyOptions(options.randomId),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installTextGuard(app);
  // SIGTERM (runService) makes /health answer 503 "draining" and ends event streams politely.
  installDrain(app);
  // Every handler runs in its request's call context, so the service client names the user a
  // call to another service is made for (see call-context.ts).
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function withCallContext(this: unknown, request, reply) {
      return runForRequest(request, () => handler.call(this as FastifyInstance, request, reply));
    };
  });
  if (options.publicUrl !== undefined) installSameOriginCheck(app, options.publicUrl);

  await app.register(correlationPlugin);
  await app.register(securityHeaders);
  await app.register(urlsPlugin, { trustedProxies: options.trustedProxies });
  await app.register(htmlPlugin);
  await app.register(authPlugin, { verifier: options.verifier, loginRedirect: loginUrl });

  if (options.rateLimit !== false) {
    const limit: RateLimitOptions = options.rateLimit ?? { max: 500, windowMs: 60_000 };
    const store =
      limit.redisUrl === undefined
        ? undefined
        : sharedStore(app, limit.redisUrl, limit.nameSpace ?? `hm:${options.service}:rl:`);
    await app.register(rateLimit, {
      global: true,
      ...(store === undefined ? {} : { store }),
      max: limit.max,
      timeWindow: limit.windowMs,
      // Counted after the token is read, so the key is the user or calling service; behind the
      // gateway every request shares one address, so keying by IP would throttle everybody at
      // once (the original's limiter did exactly that). A service call made for a user
      // (`X-On-Behalf-Of`, believed only with a valid service token) counts against that user,
      // so one busy user of ledger cannot spend codex's budget for every other user of ledger.
      hook: 'preHandler',
      keyGenerator: async (request) => {
        const principal = await authenticate(request).catch(() => null);
        if (principal?.kind === 'user') return `user:${principal.user.sub}`;
        if (principal?.kind === 'service') {
          const user = requestUser(request);
          return user === null ? `service:${principal.service}` : `user:${user}`;
        }
        return `ip:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) =>
        new AppError('rate_limited', `Too many requests: at most ${context.max} per ${context.after}.`, {
          retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)),
        }),
    });
  }
  return app;
}

/** How long a count may wait on Redis before the request is counted locally instead. */
const REDIS_TIMEOUT_MS = 500;
/** At most one warning per this interval while Redis keeps failing. */
const WARN_EVERY_MS = 60_000;

/**
 * The rate-limit store shared through Redis, closed with the app. The client never queues a
 * command while disconnected and gives up on a slow one, so an unreachable or hung Redis costs a
 * request at most REDIS_TIMEOUT_MS and never an error: the count falls back to this instance.
 */
function sharedStore(app: ServiceApp, redisUrl: string, nameSpace: string) {
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: REDIS_TIMEOUT_MS,
    commandTimeout: REDIS_TIMEOUT_MS,
    // Reconnects forever, at most every 5 s: the limit is shared again as soon as Redis is back.
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  let lastWarning = 0;
  const warn = (error: Error): void => {
    const now = Date.now();
    if (now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    app.log.warn({ err: error }, 'rate-limit Redis unavailable: counting per instance until it answers');
  };
  redis.on('error', warn);
  // The first requests are shared too when Redis answers at boot; a Redis that does not is no
  // reason to delay the service past the bound.
  app.addHook('onReady', async () => {
    if (redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, REDIS_TIMEOUT_MS);
      redis.once('ready', done);
      function done(): void {
        clearTimeout(timer);
        redis.off('ready', done);
        resolve();
      }
    });
  });
  app.addHook('onClose', async () => {
    redis.disconnect();
  });
  return sharedRateLimitStore({ redis, nameSpace, onError: warn });
}
