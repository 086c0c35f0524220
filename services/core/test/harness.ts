/**
 * Runs core in-process for tests, listening on 127.0.0.1 port 0 (SDK consumers need real HTTP):
 * its own temporary secrets file, signing keys in memory (or in a test database, or shared with
 * another instance), a fake identity provider, the in-memory
 * store or Redis under a unique key prefix, and a clock tests may move.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { LightMyRequestResponse } from 'fastify';
import { createLogger, type ServiceApp } from '@hivematrix/sdk';
import { buildApp } from '../src/app.js';
import { coreEnvSchema } from '../src/config.js';
import { createIdentityClient } from '../src/domain/identity-client.js';
import { keyRetirementSec, openKeyRing, type KeyRing } from '../src/domain/keys/key-ring.js';
import { createMemoryKeyStore, type KeyStore } from '../src/domain/keys/key-store.js';
import { createServiceDirectory, hashServiceSecret } from '../src/domain/service-secrets.js';
import { createMemorySessionStore } from '../src/domain/sessions/memory-store.js';
import { createRedisSessionStore } from '../src/domain/sessions/redis-store.js';
import type { SessionStore } from '../src/domain/sessions/types.js';
import { createUserStatusClient, type UserStatusClient } from '../src/domain/user-status.js';
import type { CoreTestDatabase } from './database.js';
import {
  IDENTITY_CLIENT_ID,
  IDENTITY_ISSUER,
  startFakeIdentity,
  type FakeIdentity,
  type FakeUser,
} from './fake-identity.js';

/** A clock tests can move forward. */
export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
}

/** A clock starting at the real time, moving only when told. */
export function manualClock(start = Date.now()): TestClock {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

/** Services the test secrets file knows, each with a fresh random secret. */
export const TEST_SERVICES = ['nexus', 'codex', 'helm', 'template', 'ledger', 'identity'] as const;

export interface CoreHarness {
  url: string;
  app: ServiceApp;
  keys: KeyRing;
  store: SessionStore;
  identity: FakeIdentity;
  clock: TestClock;
  /** Each test service's secret (plain), as its env file would hold it. */
  secrets: Record<string, string>;
  /** The key store the ring reads (pass it to another instance to share the keys). */
  keyStore: KeyStore;
  /** The instance's temporary folder (its service-secrets.json). */
  dir: string;
  /** A service token from core's `/service-token` for `calling` → `target`. */
  serviceToken(calling: string, target?: string): Promise<string>;
  /** Logs a user in as the gateway would: identity access token (+ id token) → platform token. */
  login(
    user?: Partial<FakeUser>,
    options?: { sid?: string; withIdToken?: boolean },
  ): Promise<{ token: string; session_id: string; expires_in: number; sub: string }>;
  /** POSTs JSON with an optional bearer token (in-process). */
  post(url: string, payload: unknown, bearer?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface CoreOptions {
  /** Configuration overrides (environment-variable form). */
  env?: Record<string, string>;
  clock?: TestClock;
  /** Share an identity provider, key store and secrets with another instance. */
  identity?: FakeIdentity;
  keyStore?: KeyStore;
  /** How often the key ring re-reads its store (0: never); how long a new key waits before signing. */
  keySync?: { intervalMs: number; activationDelaySec: number };
  secrets?: Record<string, string>;
  /** Use Redis at this URL under this prefix instead of the in-memory store. */
  redis?: { url: string; prefix: string };
  /** Reads users at "identity" instead of the admin API client (IDENTITY_RECHECK_MS then re-checks through it). */
  userStatus?: UserStatusClient;
  /** Use core's PostgreSQL stores (sessions, and keys unless `keyStore` is given) on this database (a restart reopens the same one). */
  database?: CoreTestDatabase;
}

/** Starts core; `close()` it at the end. */
export async function startCore(options: CoreOptions = {}): Promise<CoreHarness> {
  const clock = options.clock ?? {
    now: () => Date.now(),
    advance: () => {
      throw new Error('this core runs on the real clock');
    },
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'hm-core-'));
  const identity = options.identity ?? (await startFakeIdentity());
  const secrets =
    options.secrets ?? Object.fromEntries(TEST_SERVICES.map((name) => [name, randomBytes(24).toString('base64url')]));
  const secretsFile = path.join(dir, 'service-secrets.json');
  await writeFile(
    secretsFile,
    JSON.stringify(
      Object.fromEntries(Object.entries(secrets).map(([name, secret]) => [name, hashServiceSecret(secret)])),
    ),
  );

  const config = coreEnvSchema.parse({
    SERVICE_NAME: 'core',
    LOG_LEVEL: 'warn',
    IDENTITY_INTERNAL_URL: identity.internalUrl,
    IDENTITY_ISSUER,
    IDENTITY_CLIENT_ID,
    IDENTITY_TIMEOUT_MS: '2000',
    RATE_LIMIT_PER_MINUTE: '10000',
    VALIDATE_RATE_LIMIT_PER_MINUTE: '10000',
    SERVICE_TOKEN_RATE_LIMIT_PER_MINUTE: '10000',
    ...options.env,
  });
  const now = clock.now;
  const logger = createLogger({ service: 'core', level: 'silent' });
  const keyStore = options.keyStore ?? (options.database ? await options.database.keyStore() : createMemoryKeyStore());
  const keys = await openKeyRing({
    store: keyStore,
    now,
    retireAfterSec: keyRetirementSec({
      tokenTtlSec: config.TOKEN_TTL_SEC,
      refreshGraceSec: config.REFRESH_GRACE_SEC,
      syncIntervalMs: config.KEYS_SYNC_MS,
    }),
    activationDelaySec: options.keySync?.activationDelaySec ?? 0,
    syncIntervalMs: options.keySync?.intervalMs ?? 0,
  });
  const store = options.redis
    ? await createRedisSessionStore({ url: options.redis.url, prefix: options.redis.prefix, now })
    : options.database
      ? await options.database.store(now)
      : createMemorySessionStore({ now, cleanupIntervalMs: 0 });
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
    pool: options.database ? await options.database.pool() : undefined,
    userStatus:
      options.userStatus ??
      (config.IDENTITY_ADMIN_CLIENT_SECRET === undefined
        ? undefined
        : createUserStatusClient({
            internalUrl: config.IDENTITY_INTERNAL_URL,
            clientId: config.IDENTITY_ADMIN_CLIENT_ID,
            clientSecret: config.IDENTITY_ADMIN_CLIENT_SECRET,
            timeoutMs: config.IDENTITY_TIMEOUT_MS,
            now,
          })),
    services: createServiceDirectory({ secretsFile }),
    now,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  async function serviceToken(calling: string, target = 'core'): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/service-token',
      headers: { authorization: `Bearer ${secrets[calling] ?? ''}` },
      payload: { calling_service: calling, target_service: target },
    });
    if (res.statusCode !== 200) throw new Error(`service token ${calling}→${target}: ${res.statusCode} ${res.body}`);
    return (JSON.parse(res.body) as { token: string }).token;
  }

  const post: CoreHarness['post'] = (url, payload, bearer) =>
    app.inject({
      method: 'POST',
      url,
      payload: payload as Record<string, unknown>,
      headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
    });

  return {
    url,
    app,
    keys,
    store,
    identity,
    clock,
    secrets,
    keyStore,
    dir,
    serviceToken,
    post,
    async login(user = {}, loginOptions = {}) {
      const sub = user.sub ?? randomUUID();
      const accessToken = identity.issueAccessToken({
        preferred_username: 'alice',
        name: 'Alice',
        email: 'alice@example.test',
        groups: ['/technicians'],
        ...user,
        sub,
      });
      const withIdToken = loginOptions.withIdToken ?? loginOptions.sid !== undefined;
      const idToken = withIdToken
        ? await identity.mintIdToken({ sub, ...(loginOptions.sid === undefined ? {} : { sid: loginOptions.sid }) })
        : undefined;
      const res = await post(
        '/api/token/exchange',
        { access_token: accessToken, ...(idToken === undefined ? {} : { id_token: idToken }) },
        await serviceToken('nexus'),
      );
      if (res.statusCode !== 200) throw new Error(`exchange: ${res.statusCode} ${res.body}`);
      return { ...(JSON.parse(res.body) as { token: string; session_id: string; expires_in: number }), sub };
    },
    async close() {
      const closing = app.close();
      // Test clients may hold a connection that never sent a request (an aborted fetch's socket);
      // a graceful close would wait for their keep-alive timeout.
      app.server.closeAllConnections();
      await closing;
      keys.close();
      await store.close();
      if (options.identity === undefined) await identity.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The Redis URL for tests, or undefined (tests then skip, saying why). */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'];
export const NO_REDIS = TEST_REDIS_URL === undefined ? 'TEST_REDIS_URL is not set: Redis tests skipped' : false;

/** A key prefix no other test uses. */
export function uniqueRedisPrefix(): string {
  return `hm-test:${randomUUID()}:`;
}

/** Deletes every key under `prefix`. */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The decoded payload of a JWT (for assertions only; never trust it unverified in code). */
export function peekClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The decoded header of a JWT. */
export function peekHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
