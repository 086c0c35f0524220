/**
 * Core token benchmark: token exchange and validation throughput, and what verifying a JWT costs
 * per request compared with a bare no-op request, all measured in one run on one machine.
 *
 * Core runs in this process on 127.0.0.1, port 0, with the in-memory session store (set
 * BENCH_REDIS_URL to also measure the Redis store) and a fake identity provider that answers
 * userinfo at once. autocannon fires from a worker thread, so the load generator does not share
 * core's event loop. Usage: `npx tsx bench/core-tokens.ts` (about 30 s; BENCH_SECONDS per run).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { jwtVerify } from 'jose';
import { createLogger } from '@hivematrix/sdk';
import { buildApp } from '../services/core/src/app.js';
import { coreEnvSchema } from '../services/core/src/config.js';
import { createIdentityClient } from '../services/core/src/domain/identity-client.js';
import { openKeyRing } from '../services/core/src/domain/keys/key-ring.js';
import { createMemoryKeyStore } from '../services/core/src/domain/keys/key-store.js';
import { createServiceDirectory, hashServiceSecret } from '../services/core/src/domain/service-secrets.js';
import { createMemorySessionStore } from '../services/core/src/domain/sessions/memory-store.js';
import { createRedisSessionStore } from '../services/core/src/domain/sessions/redis-store.js';
import type { SessionStore } from '../services/core/src/domain/sessions/types.js';
import { createTokenIssuer } from '../services/core/src/domain/tokens.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const CONNECTIONS = 32;
const REALM = '/keycloak/realms/hivematrix';

/** An identity provider that answers every userinfo call at once with the same user. */
async function startInstantIdentity(): Promise<{ url: string; close: () => Promise<void> }> {
  const userinfo = JSON.stringify({
    sub: 'bench-user',
    preferred_username: 'bench',
    name: 'Bench User',
    email: 'bench@example.test',
    groups: ['/technicians'],
  });
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(userinfo));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${REALM}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function startCore(store: SessionStore, identityUrl: string, dir: string) {
  const secret = randomBytes(24).toString('base64url');
  const secretsFile = path.join(dir, 'service-secrets.json');
  await writeFile(secretsFile, JSON.stringify({ nexus: hashServiceSecret(secret) }));
  const config = coreEnvSchema.parse({
    SERVICE_NAME: 'core',
    IDENTITY_INTERNAL_URL: identityUrl,
    RATE_LIMIT_PER_MINUTE: '100000000',
    SERVICE_RATE_LIMIT_PER_MINUTE: '100000000',
    VALIDATE_RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const keys = await openKeyRing({
    store: createMemoryKeyStore(),
    now: Date.now,
    retireAfterSec: 4000,
    activationDelaySec: 0,
  });
  const app = await buildApp({
    config,
    logger: createLogger({ service: 'core', level: 'silent' }),
    keys,
    store,
    identity: createIdentityClient({
      internalUrl: identityUrl,
      issuer: config.IDENTITY_ISSUER,
      clientId: config.IDENTITY_CLIENT_ID,
      timeoutMs: 5000,
      now: Date.now,
    }),
    services: createServiceDirectory({ secretsFile }),
    now: Date.now,
  });
  // The baseline: a route that does nothing, through the same app (hooks, headers, logging).
  app.get('/bench/noop', { config: { rateLimit: false } }, async () => ({ ok: true }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const tokenRes = await app.inject({
    method: 'POST',
    url: '/service-token',
    headers: { authorization: `Bearer ${secret}` },
    payload: { calling_service: 'nexus', target_service: 'core' },
  });
  const nexusToken = (JSON.parse(tokenRes.body) as { token: string }).token;
  return { app, keys, url, nexusToken };
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function fire(title: string, options: autocannon.Options): Promise<Run> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, workers: 1, ...options, title });
  const bad = result.non2xx + result.errors + result.timeouts;
  const run = { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: bad };
  console.log(
    `  ${title.padEnd(34)} ${run.rps.toFixed(0).padStart(7)} req/s   p50 ${run.p50} ms   p99 ${run.p99} ms${bad > 0 ? `   (${bad} failed!)` : ''}`,
  );
  return run;
}

/** Average microseconds of `work` over `iterations` calls, after a warm-up. */
async function micro(iterations: number, work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(200, iterations); i += 1) await work();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) await work();
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

/** Deletes the benchmark's Redis keys. */
async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function benchStore(label: string, store: SessionStore, identityUrl: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hm-bench-core-'));
  const core = await startCore(store, identityUrl, dir);
  try {
    const json = { 'content-type': 'application/json' };
    const exchangeBody = JSON.stringify({ access_token: randomUUID() });
    const login = await core.app.inject({
      method: 'POST',
      url: '/api/token/exchange',
      headers: { ...json, authorization: `Bearer ${core.nexusToken}` },
      payload: exchangeBody,
    });
    if (login.statusCode !== 200) throw new Error(`exchange failed: ${login.statusCode} ${login.body}`);
    const userToken = (JSON.parse(login.body) as { token: string }).token;

    console.log(`\ncore with the ${label} session store (${CONNECTIONS} connections, ${SECONDS} s each)`);
    await fire('warm-up', { url: `${core.url}/bench/noop`, duration: 1 });
    const noop = await fire('GET no-op (baseline)', { url: `${core.url}/bench/noop` });
    const validate = await fire('POST /api/token/validate', {
      url: `${core.url}/api/token/validate`,
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: userToken }),
    });
    const exchange = await fire('POST /api/token/exchange', {
      url: `${core.url}/api/token/exchange`,
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${core.nexusToken}` },
      body: exchangeBody,
    });

    // The raw cost of one JWT verification (RS256, our key ring), and of one signature.
    const verifyUs = await micro(3000, () =>
      jwtVerify(userToken, core.keys.keySet, {
        algorithms: ['RS256'],
        issuer: 'hivematrix-core',
        audience: 'hivematrix',
      }),
    );
    const issuer = createTokenIssuer({ keys: core.keys, now: Date.now, newId: () => 'bench' });
    const signUs = await micro(300, () => issuer.mintServiceToken('nexus', 'core'));
    const noopUs = 1e6 / noop.rps;
    const validateUs = 1e6 / validate.rps;
    const exchangeUs = 1e6 / exchange.rps;

    console.log('\n  per request (server time = 1 / throughput; core is single-threaded):');
    console.log(`    no-op request           ${noopUs.toFixed(0).padStart(6)} µs`);
    console.log(
      `    validate request        ${validateUs.toFixed(0).padStart(6)} µs   = ${(validateUs / noopUs).toFixed(2)} × no-op`,
    );
    console.log(
      `    exchange request        ${exchangeUs.toFixed(0).padStart(6)} µs   = ${(exchangeUs / noopUs).toFixed(2)} × no-op (userinfo call + session + RS256 signature)`,
    );
    console.log(
      `    raw JWT verify (RS256)  ${verifyUs.toFixed(1).padStart(6)} µs   = ${(verifyUs / noopUs).toFixed(2)} × a no-op request, ${((verifyUs / validateUs) * 100).toFixed(0)} % of a validate request`,
    );
    console.log(
      `    raw JWT sign (RS256)    ${signUs.toFixed(1).padStart(6)} µs   = ${(signUs / noopUs).toFixed(2)} × a no-op request, ${((signUs / exchangeUs) * 100).toFixed(0)} % of an exchange request`,
    );
    console.log(
      `  ratios: validate/no-op throughput ${(validate.rps / noop.rps).toFixed(2)}, exchange/validate throughput ${(exchange.rps / validate.rps).toFixed(2)}`,
    );
  } finally {
    await core.app.close();
    core.keys.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const identity = await startInstantIdentity();
try {
  console.log(`Node ${process.version}; autocannon in a worker thread; fake identity in this process`);
  await benchStore('in-memory', createMemorySessionStore({ now: Date.now, cleanupIntervalMs: 60_000 }), identity.url);
  const redisUrl = process.env['BENCH_REDIS_URL'];
  if (redisUrl !== undefined) {
    const prefix = `hm-bench:${randomUUID()}:`;
    try {
      await benchStore('Redis', await createRedisSessionStore({ url: redisUrl, prefix, now: Date.now }), identity.url);
    } finally {
      await dropPrefix(redisUrl, prefix);
    }
  } else {
    console.log('\n(set BENCH_REDIS_URL=redis://127.0.0.1:6379 to measure the Redis store too)');
  }
} finally {
  await identity.close();
}
