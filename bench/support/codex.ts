/**
 * Codex in the benchmark's own process, as the other services' benchmarks read it: on a database
 * the benchmark seeded, no scheduler and no vendors, tokens checked against the test keys, and a
 * rate limit no benchmark reaches. Not listening: a benchmark that needs a URL listens itself;
 * closing the app closes its sync runner.
 */
import type { FastifyBaseLogger } from 'fastify';
import { createLocalKeySet, createTokenVerifier, type ServiceApp } from '@hivematrix/sdk';
import type { TestKeys } from '@hivematrix/sdk/testing';
import { buildApp } from '../../services/codex/src/app.js';
import { codexEnvSchema } from '../../services/codex/src/config.js';
import type { CodexDb } from '../../services/codex/src/db/index.js';
import { createSyncRunner } from '../../services/codex/src/sync/index.js';

export interface BenchCodexOptions {
  /** The database's URL (codex's configuration names it) and its open handle. */
  url: string;
  db: CodexDb;
  ping: () => Promise<void>;
  keys: TestKeys;
  logger: FastifyBaseLogger;
  now?: () => Date;
}

export async function buildBenchCodex(options: BenchCodexOptions): Promise<ServiceApp> {
  const now = options.now ?? (() => new Date());
  const config = codexEnvSchema.parse({
    SERVICE_NAME: 'codex',
    DATABASE_URL: options.url,
    RATE_LIMIT_PER_MINUTE: '10000000',
    SYNC_SCHEDULER: 'false',
  });
  const runner = createSyncRunner({
    db: options.db,
    now,
    logger: options.logger,
    secretKey: undefined,
    providers: {},
    schedule: {},
    staleAfterMs: 900_000,
  });
  const app = await buildApp({
    config,
    logger: options.logger,
    db: options.db,
    ping: options.ping,
    verifier: createTokenVerifier({ keySet: createLocalKeySet(options.keys.jwks), serviceName: 'codex' }),
    runner,
    now,
  });
  // main.ts closes the runner on shutdown; here closing the app does.
  app.addHook('onClose', async () => runner.close());
  return app;
}
