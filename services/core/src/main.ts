/**
 * Boots core: configuration, logging (shipped to helm with a service token core mints for
 * itself), signing keys, the session store, the identity client, then `buildApp` and listen.
 * The only place that touches `process`.
 *
 * Core does not use `connectPlatform`: it is the platform's key and revocation source, so it
 * verifies tokens with its own key ring and sessions rather than fetching them from itself.
 */
import { randomBytes } from 'node:crypto';
import { createLogDestination, createLogger, createLogShipper, runService } from '@hivematrix/sdk';
import { buildApp } from './app.js';
import { loadCoreConfig } from './config.js';
import { createIdentityClient } from './domain/identity-client.js';
import { keyRetirementSec, openKeyRing, type KeyRing } from './domain/keys/key-ring.js';
import { createServiceDirectory } from './domain/service-secrets.js';
import { createMemorySessionStore } from './domain/sessions/memory-store.js';
import { createRedisSessionStore } from './domain/sessions/redis-store.js';
import { createTokenIssuer } from './domain/tokens.js';

await runService({
  async start() {
    const { config, paths } = loadCoreConfig(process.env);
    const now = (): number => Date.now();
    // Filled once the keys are open; the shipper asks for a token only after its first log line.
    const ring: { keys?: KeyRing } = {};

    const shipper = config.HELM_SERVICE_URL
      ? createLogShipper({
          service: config.SERVICE_NAME,
          helmUrl: config.HELM_SERVICE_URL,
          // Core mints its own token for helm; there is no secret to present to itself.
          getToken: async () => {
            if (ring.keys === undefined) throw new Error('signing keys are not loaded yet');
            const issuer = createTokenIssuer({ keys: ring.keys, now, newId: () => randomBytes(16).toString('base64url') });
            return (await issuer.mintServiceToken(config.SERVICE_NAME, 'helm')).token;
          },
        })
      : undefined;
    const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL, destination: createLogDestination(shipper) });

    const keys = await openKeyRing({
      dir: paths.keysDir,
      now,
      retireAfterSec: keyRetirementSec({
        tokenTtlSec: config.TOKEN_TTL_SEC,
        refreshGraceSec: config.REFRESH_GRACE_SEC,
        syncIntervalMs: config.KEYS_SYNC_MS,
      }),
      syncIntervalMs: config.KEYS_SYNC_MS,
      logger,
    });
    const store = config.REDIS_URL
      ? await createRedisSessionStore({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, now, logger })
      : createMemorySessionStore({ now, cleanupIntervalMs: config.SESSION_CLEANUP_MS });
    ring.keys = keys;
    logger.info({ kid: keys.signer().kid, store: config.REDIS_URL ? 'redis' : 'memory' }, 'core ready');

    const app = await buildApp({
      config,
      logger,
      keys,
      store,
      identity: createIdentityClient({
        internalUrl: config.IDENTITY_INTERNAL_URL,
        issuer: config.IDENTITY_ISSUER,
        clientId: config.IDENTITY_CLIENT_ID,
        timeoutMs: config.IDENTITY_TIMEOUT_MS,
        now,
      }),
      services: createServiceDirectory({
        secretsFile: paths.serviceSecretsFile,
        servicesFile: paths.servicesFile,
        selfName: config.SERVICE_NAME,
        logger,
      }),
      now,
    });
    return {
      app,
      host: config.HOST,
      port: config.PORT,
      logger,
      close: async () => {
        keys.close();
        await store.close();
        await shipper?.close();
      },
    };
  },
});
