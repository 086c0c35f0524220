/**
 * The brainhair service's composition root: everything it needs comes in through `deps`, so
 * tests build it with a test database, a fake core's keys, a scripted model and a frozen clock.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { LanguageModel } from 'ai';
import {
  createHealthCheck,
  createServiceApp,
  registerHealthRoute,
  type ServiceApp,
  type TokenVerifier,
} from '@hivematrix/sdk';
import type { BrainhairConfig } from './config.js';
import type { BrainhairDb } from './db/index.js';
import type { PlatformClient } from './platform/index.js';
import { RunRegistry } from './chat/index.js';
import { READ_TOOLS, WRITE_TOOLS } from './tools/index.js';
import type { AnyTool, WriteTool } from './tools/index.js';
import { chatApiRoutes } from './routes/chats-api.js';
import { approvalApiRoutes } from './routes/approvals-api.js';
import { pageRoutes } from './routes/pages.js';

export interface BrainhairDeps {
  config: BrainhairConfig;
  logger: FastifyBaseLogger;
  db: BrainhairDb;
  /** Answers `SELECT 1`; the health check's database probe. */
  ping: () => Promise<void>;
  verifier: TokenVerifier;
  platform: PlatformClient;
  /** The language model; undefined runs search mode. */
  model: LanguageModel | undefined;
  /** Key of the stable redaction placeholders (the service secret in production). */
  redactionKey: string;
  now: () => Date;
  /** Source of new correlation ids; tests freeze it. */
  randomId?: () => string;
}

/** Builds the brainhair app without listening. */
export async function buildApp(deps: BrainhairDeps): Promise<ServiceApp & { runs: RunRegistry }> {
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
  const tools = new Map<string, AnyTool>([...READ_TOOLS, ...WRITE_TOOLS].map((t) => [t.name, t]));
  const writeTools = new Map<string, WriteTool<never>>(WRITE_TOOLS.map((t) => [t.name, t]));
  const runs = new RunRegistry();
  const routeDeps = {
    config,
    db: deps.db,
    platform: deps.platform,
    tools,
    writeTools,
    model: deps.model,
    runs,
    now: deps.now,
    redactionKey: deps.redactionKey,
  };
  await app.register(chatApiRoutes, routeDeps);
  await app.register(approvalApiRoutes, routeDeps);
  await app.register(pageRoutes, routeDeps);
  return Object.assign(app, { runs });
}
