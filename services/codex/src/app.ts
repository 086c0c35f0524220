/**
 * Codex's composition root: everything it needs comes in through `deps` (configuration, database,
 * clock, logger, token verifier, sync runner), so tests build it with a test database, test keys,
 * fake vendors and a frozen clock. No module holds state of its own.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  createHealthCheck,
  createServiceApp,
  registerHealthRoute,
  type ServiceApp,
  type TokenVerifier,
} from '@hivematrix/sdk';
import type { CodexConfig } from './config.js';
import type { CodexDb } from './db/index.js';
import { createNoteTargets, type SyncRunner } from './sync/index.js';
import './routes/route-config.js';
import { installForms } from './routes/forms.js';
import { collectApiRoutes } from './routes/docs/openapi.js';
import { docsRoutes } from './routes/docs/index.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { companyApiRoutes } from './routes/companies/api.js';
import { companyPageRoutes } from './routes/companies/pages.js';
import { assetApiRoutes } from './routes/assets/api.js';
import { assetPageRoutes } from './routes/assets/pages.js';
import { contactApiRoutes } from './routes/contacts/api.js';
import { contactPageRoutes } from './routes/contacts/pages.js';
import { planApiRoutes } from './routes/plans/api.js';
import { planPageRoutes } from './routes/plans/pages.js';
import { ticketApiRoutes } from './routes/tickets/api.js';
import { billingMonthApiRoutes } from './routes/billing-month/api.js';
import { ticketPageRoutes } from './routes/tickets/pages.js';
import { ticketNoteApiRoutes } from './routes/tickets/notes-api.js';
import { settingsApiRoutes } from './routes/settings/api.js';
import { settingsPageRoutes } from './routes/settings/pages.js';
import { syncApiRoutes } from './routes/sync/api.js';
import { adminPageRoutes } from './routes/sync/pages.js';
import { integrationKeyring, keyringFrom } from './domain/index.js';
import { integrationPageRoutes } from './routes/integrations/pages.js';
import { integrationApiRoutes } from './routes/integrations/api.js';
import { demoRoutes } from './routes/demo/api.js';
import { companyKnowledgeClient } from './knowledge/index.js';

export interface CodexDeps {
  config: CodexConfig;
  logger: FastifyBaseLogger;
  db: CodexDb;
  /** Answers `SELECT 1`; the health check's database probe. */
  ping: () => Promise<void>;
  verifier: TokenVerifier;
  runner: SyncRunner;
  now: () => Date;
  /** Source of new correlation ids; tests freeze it. */
  randomId?: () => string;
  /** How "Test connection" reaches vendors; globalThis.fetch by default. */
  vendorFetch?: typeof globalThis.fetch;
}

export const CODEX_VERSION = '0.1.0';

/** Builds the codex app without listening. */
export async function buildApp(deps: CodexDeps): Promise<ServiceApp> {
  const { config, db, now, runner } = deps;
  const app = await createServiceApp({
    service: config.SERVICE_NAME,
    logger: deps.logger,
    verifier: deps.verifier,
    trustedProxies: config.TRUSTED_PROXIES,
    rateLimit: { max: config.RATE_LIMIT_PER_MINUTE, windowMs: 60_000, redisUrl: config.REDIS_URL },
    publicUrl: config.NEXUS_URL,
    ...(deps.randomId ? { randomId: deps.randomId } : {}),
  });
  installForms(app);
  registerHealthRoute(
    app,
    createHealthCheck({
      service: config.SERVICE_NAME,
      database: { ping: deps.ping },
      dependencies: [{ name: 'core', url: config.CORE_SERVICE_URL }],
    }),
  );
  const apiRoutes = collectApiRoutes(app);
  const secretKey = keyringFrom(config.CODEX_SECRET_KEY, config.CODEX_SECRET_KEY_PREVIOUS);
  const integrationRing = integrationKeyring(
    config.CODEX_SECRET_KEY,
    config.CODEX_SECRET_KEY_PREVIOUS,
    config.SERVICE_SECRET,
  );
  // Notes are written to the PSA with one attempt and no waiting (noteRetryPolicy), as "Test connection" does.
  const notes = createNoteTargets({
    db,
    ring: integrationRing,
    config,
    http: { fetch: deps.vendorFetch ?? globalThis.fetch, sleep: async () => undefined, now: () => now().getTime() },
  });
  await app.register(companyApiRoutes, { db, now });
  await app.register(assetApiRoutes, { db, now, secretKey });
  await app.register(contactApiRoutes, { db, now });
  await app.register(planApiRoutes, { db, now });
  await app.register(ticketApiRoutes, { db, config });
  await app.register(ticketNoteApiRoutes, { db, notes, now });
  await app.register(billingMonthApiRoutes, { db, timeZone: config.BUSINESS_TIMEZONE });
  await app.register(settingsApiRoutes, { db, now });
  await app.register(syncApiRoutes, { db, now, runner });
  await app.register(demoRoutes, { db, now, timeZone: config.BUSINESS_TIMEZONE });
  await app.register(dashboardRoutes, { db });
  await app.register(companyPageRoutes, {
    db,
    now,
    knowledgeOf: companyKnowledgeClient({
      baseUrl: config.KNOWLEDGETREE_SERVICE_URL,
      timeoutMs: config.KNOWLEDGETREE_TIMEOUT,
    }),
  });
  await app.register(assetPageRoutes, { db, now, secretKey });
  await app.register(contactPageRoutes, { db, now });
  await app.register(planPageRoutes, { db, now });
  await app.register(ticketPageRoutes, { db, notes, now });
  await app.register(settingsPageRoutes, { db, now });
  await app.register(adminPageRoutes, { db, now, runner, config, ring: integrationRing });
  await app.register(integrationPageRoutes, {
    db,
    now,
    runner,
    config,
    ring: integrationRing,
    fetch: deps.vendorFetch ?? globalThis.fetch,
  });
  await app.register(integrationApiRoutes, {
    db,
    now,
    config,
    ring: integrationRing,
    fetch: deps.vendorFetch ?? globalThis.fetch,
  });
  await app.register(docsRoutes, { routes: apiRoutes, version: CODEX_VERSION });
  return app;
}
