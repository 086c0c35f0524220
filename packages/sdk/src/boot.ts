/**
 * What every service's `main.ts` does around its `buildApp`: fail fast on bad configuration,
 * connect to the platform (core's keys, the revocation feed, service tokens, log shipping),
 * listen, and shut down cleanly on SIGTERM/SIGINT so no request or log record is cut off.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ConfigError } from './config/load-config.js';
import { createLogger } from './logging/logger.js';
import { createLogDestination, createLogShipper, type LogShipper } from './logging/shipper.js';
import { createCoreKeySet } from './auth/key-set.js';
import { createTokenVerifier, type TokenVerifier } from './auth/verify.js';
import { createRevocationFeed, type RevocationFeed } from './auth/revocation.js';
import { confirmWithCore, createRevocationPolicy, type RevocationPolicy } from './auth/revocation-policy.js';
import { createServiceClient, type ServiceClient } from './service-client.js';
import { drainStateOf } from './http/drain.js';

/** The platform variables every service has (see `baseServiceEnv`). */
export interface PlatformSettings {
  SERVICE_NAME: string;
  LOG_LEVEL: string;
  CORE_SERVICE_URL: string;
  HELM_SERVICE_URL?: string | undefined;
  SERVICE_SECRET?: string | undefined;
  /** Milliseconds the revocation feed may be down before old tokens need core's word (default 30 s). */
  REVOCATION_GRACE?: number | undefined;
}

/** A service's connections to the rest of the platform. */
export interface Platform {
  logger: Logger;
  verifier: TokenVerifier;
  /** Absent when the service has no secret yet (nothing to authenticate to core with). */
  serviceClient: ServiceClient | undefined;
  revocations: RevocationFeed | undefined;
  /** What the verifier accepts given the feed's state (absent without a feed). */
  revocationPolicy: RevocationPolicy | undefined;
  shipper: LogShipper | undefined;
  /** Stops the feed and flushes the logs. */
  close(): Promise<void>;
}

/**
 * Connects a service to the platform from its settings: a logger (shipping to helm when helm's
 * URL and the service's secret are known), core's key set, the revocation feed and a service client.
 */
export function connectPlatform(settings: PlatformSettings, services: Record<string, { url: string }> = {}): Platform {
  const name = settings.SERVICE_NAME;
  const serviceClient = settings.SERVICE_SECRET
    ? createServiceClient({
        serviceName: name,
        secret: settings.SERVICE_SECRET,
        coreUrl: settings.CORE_SERVICE_URL,
        services: { core: { url: settings.CORE_SERVICE_URL }, ...services },
      })
    : undefined;

  const shipper =
    serviceClient && settings.HELM_SERVICE_URL
      ? createLogShipper({
          service: name,
          helmUrl: settings.HELM_SERVICE_URL,
          getToken: () => serviceClient.getServiceToken('helm'),
          invalidateToken: () => serviceClient.invalidateToken('helm'),
        })
      : undefined;
  const logger = createLogger({ service: name, level: settings.LOG_LEVEL, destination: createLogDestination(shipper) });

  const revocations = serviceClient
    ? createRevocationFeed({
        coreUrl: settings.CORE_SERVICE_URL,
        getToken: () => serviceClient.getServiceToken('core'),
        logger,
      })
    : undefined;
  revocations?.start();
  // Fails closed: no user token before the first catch-up, and core's word for old tokens when
  // the feed has been down longer than the grace.
  const revocationPolicy = revocations
    ? createRevocationPolicy({
        feed: revocations,
        graceMs: settings.REVOCATION_GRACE ?? 30_000,
        confirm: confirmWithCore(settings.CORE_SERVICE_URL),
        logger,
      })
    : undefined;

  const verifier = createTokenVerifier({
    keySet: createCoreKeySet({ jwksUrl: new URL('/.well-known/jwks.json', settings.CORE_SERVICE_URL).toString() }),
    serviceName: name,
    ...(revocations ? { isRevoked: (jti: string) => revocations.isRevoked(jti) } : {}),
    ...(revocationPolicy ? { revocationPolicy } : {}),
  });

  return {
    logger,
    verifier,
    serviceClient,
    revocations,
    revocationPolicy,
    shipper,
    async close() {
      await revocations?.stop();
      await shipper?.close();
    },
  };
}

export interface RunServiceOptions {
  /** Builds the app and everything it holds; called once the configuration is valid. */
  start: () => Promise<{
    app: FastifyInstance;
    host: string;
    port: number;
    logger: FastifyBaseLogger;
    close: () => Promise<void>;
  }>;
  /**
   * Milliseconds between SIGTERM and closing the listener, while `/health` already answers 503
   * "draining" and requests are still served, so a load balancer that polls health notices first.
   * Default 0 (Kubernetes gets the same pause from the pod's preStop hook).
   */
  drainDelayMs?: number;
  /**
   * Longest wait for requests and streams in flight once the listener is closed; past it the
   * remaining connections are cut and the process exits anyway. Default 10 s.
   */
  drainTimeoutMs?: number;
}

/**
 * Runs a service: starts it, listens, and on SIGTERM/SIGINT drains: `/health` answers 503 with a
 * `draining` check, event streams are ended politely (clients reconnect elsewhere), the listener
 * closes and requests in flight finish (bounded by `drainTimeoutMs`), then its resources close
 * and the process exits 0. A ConfigError is printed (every bad variable) and the process exits
 * with status 78 (EX_CONFIG) before anything is opened.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  let started;
  try {
    started = await options.start();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const { app, host, port, logger, close } = started;
  const drainDelayMs = options.drainDelayMs ?? 0;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;

  // Signal handlers go in before `listen`, so a stop that arrives while the port is being bound
  // still closes the database pool and flushes the logs instead of killing the process outright.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainDelayMs, drainTimeoutMs }, 'draining');
    // A last resort: whatever hangs in closing resources, the process is gone past the bound.
    setTimeout(() => process.exit(1), drainDelayMs + drainTimeoutMs + 5_000).unref();
    void drain(app, { delayMs: drainDelayMs, timeoutMs: drainTimeoutMs, logger })
      .then(close)
      .then(() => logger.info('stopped'))
      .catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'))
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await app.listen({ host, port });
}

/** Not ready, pause, end event streams, close the listener and wait for requests (bounded). */
async function drain(
  app: FastifyInstance,
  options: { delayMs: number; timeoutMs: number; logger: FastifyBaseLogger },
): Promise<void> {
  const state = drainStateOf(app);
  state?.begin();
  if (options.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  const streams = state?.endStreams() ?? 0;
  if (streams > 0) options.logger.info({ streams }, 'event streams ended for the drain');
  // Requests being answered finish first, whatever the app's close does to open connections.
  const started = Date.now();
  if (state !== undefined && !(await state.idle(options.timeoutMs)))
    options.logger.warn({ timeoutMs: options.timeoutMs }, 'requests still in flight after the drain bound');
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, options.timeoutMs - (Date.now() - started)));
  });
  const closing = app.close().then(() => 'closed' as const);
  const outcome = await Promise.race([closing, bound]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    options.logger.warn(
      { timeoutMs: options.timeoutMs },
      'requests still in flight after the drain bound: connections cut',
    );
    app.server.closeAllConnections();
    await closing;
  }
}
