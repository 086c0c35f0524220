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
import { migrationsDir, openServiceDatabase, type Database } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { loadCoreConfig, sealingSecret } from './config.js';
import {
  createIdentityClient,
  createMemoryKeyStore,
  createMemorySessionStore,
  createPostgresKeyStore,
  createPostgresSessionStore,
  createRedisSessionStore,
  createServiceDirectory,
  createTokenIssuer,
  createUserStatusClient,
  deriveSealingKey,
  keyActivationDelaySec,
  keyRetirementSec,
  openKeyRing,
  readLegacyKeys,
} from './domain/index.js';
import type { KeyRing, SessionStore } from './domain/index.js';
import { schema } from './db/index.js';

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
            const issuer = createTokenIssuer({
              keys: ring.keys,
              now,
              newId: () => randomBytes(16).toString('base64url'),
            });
            return (await issuer.mintServiceToken(config.SERVICE_NAME, 'helm')).token;
          },
        })
      : undefined;
    const logger = createLogger({
      service: config.SERVICE_NAME,
      level: config.LOG_LEVEL,
      destination: createLogDestination(shipper),
    });

    // Core's own database holds the signing keys (shared by every instance) and, without Redis,
    // sessions and revocations; memory only without it (tests, a bare checkout: one instance).
    const database: Database<typeof schema> | undefined =
      config.DATABASE_URL === undefined
        ? undefined
        : await openServiceDatabase(
            {
              SERVICE_NAME: config.SERVICE_NAME,
              DATABASE_URL: config.DATABASE_URL,
              DB_POOL_MAX: config.DB_POOL_MAX,
              DB_STATEMENT_TIMEOUT_MS: config.DB_STATEMENT_TIMEOUT_MS,
            },
            { schema, migrations: migrationsDir(import.meta.url, 'db/migrations'), logger },
          );
    const keys = await openKeyRing({
      store:
        database === undefined
          ? createMemoryKeyStore()
          : createPostgresKeyStore({ pool: database.pool, sealing: deriveSealingKey(sealingSecret(config)) }),
      now,
      retireAfterSec: keyRetirementSec({
        tokenTtlSec: config.TOKEN_TTL_SEC,
        refreshGraceSec: config.REFRESH_GRACE_SEC,
        syncIntervalMs: config.KEYS_SYNC_MS,
      }),
      activationDelaySec: database === undefined ? 0 : keyActivationDelaySec(config.KEYS_SYNC_MS),
      syncIntervalMs: database === undefined ? 0 : config.KEYS_SYNC_MS,
      // An install from before the keys moved into the database keeps its keys (and its tokens).
      initialKeys: () => readLegacyKeys(paths.keysDir),
      logger,
    });
    if (database === undefined)
      logger.warn(
        'DATABASE_URL is unset: the signing keys are kept in memory, so a restart signs every user out, and only one core instance may run',
      );
    // Redis when set (shared by several instances, fastest); else core's own database, so sessions
    // and revocations survive a restart; memory only without either.
    let store: SessionStore;
    if (config.REDIS_URL !== undefined) {
      store = await createRedisSessionStore({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, now, logger });
    } else if (database !== undefined) {
      store = createPostgresSessionStore({
        pool: database.pool,
        now,
        cleanupIntervalMs: config.SESSION_CLEANUP_MS,
        logger,
      });
    } else {
      store = createMemorySessionStore({ now, cleanupIntervalMs: config.SESSION_CLEANUP_MS });
    }
    ring.keys = keys;
    const storeType = (await store.health()).type;
    logger.info({ kid: keys.signer().kid, store: storeType }, 'core ready');
    if (storeType === 'memory')
      logger.warn(
        'sessions and revocations are kept in memory only: a restart forgets them (set DATABASE_URL or REDIS_URL)',
      );
    if (config.IDENTITY_ADMIN_CLIENT_SECRET === undefined) {
      logger.warn('IDENTITY_ADMIN_CLIENT_SECRET is unset: refreshes do not re-check users at identity');
    }

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
      userStatus:
        config.IDENTITY_ADMIN_CLIENT_SECRET === undefined
          ? undefined
          : createUserStatusClient({
              internalUrl: config.IDENTITY_INTERNAL_URL,
              clientId: config.IDENTITY_ADMIN_CLIENT_ID,
              clientSecret: config.IDENTITY_ADMIN_CLIENT_SECRET,
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
      pool: database?.pool,
    });
    return {
      app,
      host: config.HOST,
      port: config.PORT,
      logger,
      close: async () => {
        keys.close();
        await store.close();
        await database?.close();
        await shipper?.close();
      },
    };
  },
});
