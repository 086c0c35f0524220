/**
 * The beacon service's composition root: everything it needs comes in through `deps`, so
 * tests build it with a test database, a fake codex, a fake core's keys and a frozen clock.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  createHealthCheck,
  createServiceApp,
  registerHealthRoute,
  type ServiceApp,
  type TokenVerifier,
} from '@hivematrix/sdk';
import { boardSettings, type BeaconConfig } from './config.js';
import type { CodexClient } from './codex/index.js';
import type { BeaconDb } from './db/index.js';
import { BoardSource } from './live/index.js';
import { adminRoutes } from './routes/admin/index.js';
import { assetRoutes } from './routes/assets/index.js';
import { boardApiRoutes } from './routes/board/api.js';
import { boardPageRoutes } from './routes/board/page.js';
import { displayRoutes } from './routes/display/index.js';
import { linkRoutes } from './routes/links/index.js';

export interface BeaconDeps {
  config: BeaconConfig;
  logger: FastifyBaseLogger;
  db: BeaconDb;
  /** Answers `SELECT 1`; the health check's database probe. */
  ping: () => Promise<void>;
  verifier: TokenVerifier;
  codex: CodexClient;
  now: () => Date;
  /** Source of new correlation ids; tests freeze it. */
  randomId?: () => string;
}

/** Builds the beacon app without listening; `app.board` is the shared board (tests and benchmarks read it). */
export async function buildApp(deps: BeaconDeps): Promise<ServiceApp & { board: BoardSource }> {
  const { config, now } = deps;
  const settings = boardSettings(config);
  const app = await createServiceApp({
    service: config.SERVICE_NAME,
    logger: deps.logger,
    verifier: deps.verifier,
    trustedProxies: config.TRUSTED_PROXIES,
    rateLimit: { max: config.RATE_LIMIT_PER_MINUTE, windowMs: 60_000, redisUrl: config.REDIS_URL },
    publicUrl: config.NEXUS_URL,
    ...(deps.randomId ? { randomId: deps.randomId } : {}),
  });
  const source = new BoardSource({
    codex: deps.codex,
    settings,
    ticketLimit: config.TICKET_LIMIT,
    now,
    logger: deps.logger,
  });
  app.addHook('onClose', async () => source.stop());

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
  await app.register(assetRoutes);
  await app.register(boardPageRoutes, { settings, source });
  await app.register(boardApiRoutes, { config, settings, source, codex: deps.codex, now });
  await app.register(displayRoutes, {
    db: deps.db,
    settings,
    source,
    now,
    checkEveryMs: config.DISPLAY_CHECK_SECONDS * 1000,
  });
  await app.register(linkRoutes, { db: deps.db, config, settings, now });
  await app.register(adminRoutes, { config });
  return Object.assign(app, { board: source });
}
