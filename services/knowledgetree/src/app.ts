/**
 * The knowledgetree service's composition root: everything it needs comes in through `deps`, so
 * tests build it with a test database, a fake core's keys, a fake codex and a frozen clock.
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
import type { KnowledgetreeConfig } from './config.js';
import type { KnowledgetreeDb } from './db/index.js';
import type { CodexSyncRunner } from './domain/index.js';
import { adminRoutes } from './routes/admin/index.js';
import { codexSyncRoutes } from './routes/admin/codex-sync.js';
import { articleApiRoutes } from './routes/api/articles.js';
import { attachmentRoutes } from './routes/api/attachments.js';
import { contextRoutes } from './routes/api/context.js';
import { nodeApiRoutes } from './routes/api/nodes.js';
import { searchRoutes } from './routes/api/search.js';
import { zipRoutes } from './routes/api/zip.js';
import type { CompaniesOf } from './codex-companies.js';
import { pageRoutes } from './routes/pages/index.js';
import { docsRoutes } from './routes/docs/index.js';
import { collectApiRoutes } from './routes/docs/openapi.js';
import { staticRoutes } from './routes/static.js';

export const KNOWLEDGETREE_VERSION = '0.1.0';

export interface KnowledgetreeDeps {
  config: KnowledgetreeConfig;
  logger: FastifyBaseLogger;
  db: KnowledgetreeDb;
  /** Answers `SELECT 1`; the health check's database probe. */
  ping: () => Promise<void>;
  verifier: TokenVerifier;
  now: () => Date;
  /** The company accounts of a client user's request (codex, called with the user's own token). */
  companiesOf: CompaniesOf;
  /** The codex job (absent when the service has no SERVICE_SECRET to read codex with). */
  codexSync?: CodexSyncRunner;
  /** Source of new correlation ids; tests freeze it. */
  randomId?: () => string;
}

/** Builds the knowledgetree app without listening. */
export async function buildApp(deps: KnowledgetreeDeps): Promise<ServiceApp> {
  const { config, db, now, companiesOf } = deps;
  const app = await createServiceApp({
    service: config.SERVICE_NAME,
    logger: deps.logger,
    verifier: deps.verifier,
    trustedProxies: config.TRUSTED_PROXIES,
    rateLimit: { max: config.RATE_LIMIT_PER_MINUTE, windowMs: 60_000, redisUrl: config.REDIS_URL },
    publicUrl: config.NEXUS_URL,
    // Article bodies are Markdown up to 2 MB; attachments stream through multipart, not this limit.
    bodyLimit: 4 * 1024 * 1024,
    ...(deps.randomId ? { randomId: deps.randomId } : {}),
  });
  installFormParser(app);

  registerHealthRoute(
    app,
    createHealthCheck({
      service: config.SERVICE_NAME,
      database: { ping: deps.ping },
      dependencies: [{ name: 'core', url: config.CORE_SERVICE_URL }],
    }),
  );
  // Registered before the API routes so the OpenAPI document sees every one of them.
  const apiRoutes = collectApiRoutes(app);
  await app.register(nodeApiRoutes, { db, now, companiesOf });
  await app.register(articleApiRoutes, { db, now, companiesOf });
  await app.register(searchRoutes, { db, companiesOf });
  await app.register(attachmentRoutes, { db, now, companiesOf, maxBytes: config.ATTACHMENT_MAX_BYTES });
  await app.register(zipRoutes, {
    db,
    now,
    companiesOf,
    maxBytes: config.IMPORT_MAX_BYTES,
    limits: {
      maxEntries: config.IMPORT_MAX_ENTRIES,
      maxUncompressed: config.IMPORT_MAX_UNCOMPRESSED,
      maxAttachment: config.ATTACHMENT_MAX_BYTES,
    },
  });
  await app.register(contextRoutes, { db, companiesOf, defaultBudget: config.CONTEXT_DEFAULT_BUDGET });
  await app.register(pageRoutes, { db, now, companiesOf, defaultBudget: config.CONTEXT_DEFAULT_BUDGET });
  await app.register(staticRoutes);
  await app.register(adminRoutes, { config });
  await app.register(codexSyncRoutes, { db, runner: deps.codexSync });
  await app.register(docsRoutes, { routes: apiRoutes, version: KNOWLEDGETREE_VERSION });
  return app;
}
