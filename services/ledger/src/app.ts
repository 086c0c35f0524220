/**
 * Ledger's composition root: everything it needs comes in through `deps`, so tests build it with a
 * test database, an in-memory codex, a fake core's keys and a frozen clock.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  createHealthCheck,
  createServiceApp,
  installFormParser,
  registerHealthRoute,
  type ServiceApp,
  type TokenVerifier,
} from '@hivematrix/sdk';
import type { CodexSource } from './codex/index.js';
import type { LedgerConfig } from './config.js';
import type { LedgerDb } from './db/index.js';
import { monthEndRunner } from './archive/index.js';
import { issuerFromConfig } from './invoicing/index.js';
import { archiveRoutes } from './routes/archive/index.js';
import { archivePages } from './routes/archive/pages.js';
import { invoiceRoutes } from './routes/invoices/index.js';
import { reviewRoutes } from './routes/review/index.js';
import { clientRoutes } from './routes/clients/index.js';
import { dashboardRoutes } from './routes/dashboard/index.js';
import { formRoutes } from './routes/forms/index.js';
import { overrideRoutes } from './routes/overrides/index.js';

export interface LedgerDeps {
  config: LedgerConfig;
  logger: FastifyBaseLogger;
  db: LedgerDb;
  /** Answers `SELECT 1`; the health check's database probe. */
  ping: () => Promise<void>;
  verifier: TokenVerifier;
  codex: CodexSource;
  now: () => Date;
  randomId?: () => string;
}

/** Builds the ledger app without listening. */
export async function buildApp(deps: LedgerDeps): Promise<ServiceApp> {
  const { config } = deps;
  const app = await createServiceApp({
    service: config.SERVICE_NAME,
    logger: deps.logger,
    verifier: deps.verifier,
    trustedProxies: config.TRUSTED_PROXIES,
    rateLimit: { max: config.RATE_LIMIT_PER_MINUTE, windowMs: 60_000, redisUrl: config.REDIS_URL },
    publicUrl: config.NEXUS_URL,
    ...(deps.randomId ? { randomId: deps.randomId } : {}),
  });
  registerHealthRoute(
    app,
    createHealthCheck({
      service: config.SERVICE_NAME,
      database: { ping: deps.ping },
      dependencies: [
        { name: 'core', url: config.CORE_SERVICE_URL },
        { name: 'codex', url: config.CODEX_SERVICE_URL },
      ],
    }),
  );
  installFormParser(app);
  const options = { db: deps.db, codex: deps.codex, now: deps.now, timeZone: config.BUSINESS_TIMEZONE };
  const issuer = issuerFromConfig(config);
  const invoicing = {
    ...options,
    issuer,
    reviewThresholdPercent: config.REVIEW_THRESHOLD_PERCENT,
    runMonthEnd: monthEndRunner({ ...options, issuer, reviewThresholdPercent: config.REVIEW_THRESHOLD_PERCENT }),
  };
  await app.register(dashboardRoutes, options);
  await app.register(clientRoutes, invoicing);
  await app.register(formRoutes, invoicing);
  await app.register(archiveRoutes, invoicing);
  await app.register(invoiceRoutes, invoicing);
  await app.register(archivePages, invoicing);
  await app.register(reviewRoutes, invoicing);
  await app.register(overrideRoutes, { db: deps.db, now: deps.now });
  return app;
}
