/**
 * The template service's composition root: everything it needs comes in through `deps`, so
 * tests build it with a test database, a fake core's keys and a frozen clock.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  createHealthCheck,
  createServiceApp,
  registerHealthRoute,
  type ServiceApp,
  type TokenVerifier,
} from '@hivematrix/sdk';
import type { TemplateConfig } from './config.js';
import type { TemplateDb } from './db/notes.js';
import { homeRoutes } from './routes/home/index.js';
import { dataRoutes } from './routes/data/index.js';
import { adminRoutes } from './routes/admin/index.js';
import { styleGuideRoutes } from './routes/style-guide/index.js';

export interface TemplateDeps {
  config: TemplateConfig;
  logger: FastifyBaseLogger;
  db: TemplateDb;
  /** Answers `SELECT 1`; the health check's database probe. */
  ping: () => Promise<void>;
  verifier: TokenVerifier;
  now: () => Date;
  /** Source of new correlation ids; tests freeze it. */
  randomId?: () => string;
}

/** Builds the template app without listening. */
export async function buildApp(deps: TemplateDeps): Promise<ServiceApp> {
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
      dependencies: [{ name: 'core', url: config.CORE_SERVICE_URL }],
    }),
  );
  await app.register(homeRoutes, { db: deps.db, config });
  await app.register(dataRoutes, { db: deps.db, now: deps.now });
  await app.register(adminRoutes, { config });
  await app.register(styleGuideRoutes);
  return app;
}
