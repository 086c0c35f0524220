/**
 * Helm's HTTP app (port 5004): its health, log ingestion from the services, and the status of
 * the platform for admins. Everything comes in through `deps`; the daemon builds them, tests
 * build them with a test database and test keys.
 */
import type { FastifyBaseLogger } from 'fastify';
import { createHealthCheck, createServiceApp, registerHealthRoute, type ServiceApp, type TokenVerifier } from '@hivematrix/sdk';
import type { HelmDb } from './db/logs.js';
import { ingestRoutes } from './routes/logs/ingest.js';
import { servicesRoutes } from './routes/services/index.js';
import type { PlatformStatus } from './status.js';

export interface HelmDeps {
  service: string;
  trustedProxies: string[];
  coreUrl: string;
  logger: FastifyBaseLogger;
  db: HelmDb;
  ping: () => Promise<void>;
  verifier: TokenVerifier;
  now: () => Date;
  status: () => PlatformStatus;
  /** Requests per caller per minute; log shipping is chatty, so the default is generous. */
  rateLimitPerMinute?: number;
  randomId?: () => string;
}

/** Builds helm's app without listening. */
export async function buildApp(deps: HelmDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    service: deps.service,
    logger: deps.logger,
    verifier: deps.verifier,
    trustedProxies: deps.trustedProxies,
    rateLimit: { max: deps.rateLimitPerMinute ?? 6000, windowMs: 60_000 },
    // A batch of 10 000 entries of up to 10 000 characters fits; the original capped only the count.
    bodyLimit: 32 * 1024 * 1024,
    ...(deps.randomId ? { randomId: deps.randomId } : {}),
  });
  registerHealthRoute(
    app,
    createHealthCheck({ service: deps.service, database: { ping: deps.ping }, dependencies: [{ name: 'core', url: deps.coreUrl }] }),
  );
  await app.register(ingestRoutes, { db: deps.db, now: deps.now });
  await app.register(servicesRoutes, { status: deps.status });
  return app;
}
