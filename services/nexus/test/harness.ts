/**
 * Runs the gateway for tests: real HTTPS on 127.0.0.1 port 0 with a self-signed certificate, the
 * real page composer, a fake identity provider (jose), the SDK's fake core extended with session
 * endpoints, the real revocation feed consumer, and one upstream test service registered under
 * several names with different access flags.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Agent, type Dispatcher } from 'undici';
import {
  confirmWithCore,
  createCoreKeySet,
  createLogger,
  createRevocationPolicy,
  createRevocationFeed,
  createServiceClient,
  createTokenVerifier,
  servicesFileSchema,
  type RevocationFeed,
} from '@hivematrix/sdk';
import { createTestKeys, type TestKeys } from '@hivematrix/sdk/testing';
import { buildApp } from '../src/app.js';
import { createCoreApi } from '../src/auth/core-api.js';
import { createOidcClient } from '../src/auth/oidc.js';
import { composePage, renderErrorPage } from '../src/compose/index.js';
import { nexusEnvSchema } from '../src/config.js';
import { staticRegistry } from '../src/registry/live-registry.js';
import type { StaticAssets } from '../src/routes/static.js';
import { createMemoryStore } from '../src/session/memory-store.js';
import type { SessionStore } from '../src/session/types.js';
import { selfSignedCertificate } from '../src/tls.js';
import { startSessionCore, type SessionCore } from './helpers/fake-core-sessions.js';
import { startFakeIdentity, type FakeIdentity, type IdentityUser } from './helpers/fake-identity.js';
import { startUpstream, type Upstream } from './helpers/upstream.js';

export const PUBLIC_ORIGIN = 'https://nexus.test';
export const NEXUS_SECRET = 'nexus-test-secret-0123456789abcdef0123';

let certificate: Promise<{ key: string; cert: string }> | undefined;
/** One self-signed certificate per test process (generating one takes a moment). */
export function testCertificate(): Promise<{ key: string; cert: string }> {
  certificate ??= selfSignedCertificate(['localhost', '127.0.0.1']);
  return certificate;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const ADMIN: IdentityUser = {
  sub: 'u-admin',
  name: 'Ada Admin',
  username: 'ada',
  email: 'ada@example.test',
  groups: ['admins'],
};
export const TECH: IdentityUser = {
  sub: 'u-tech',
  name: 'Tom Tech',
  username: 'tom',
  email: 'tom@example.test',
  groups: ['technicians'],
};

/** Options of `startNexus`. */
export interface NexusHarnessOptions {
  /** Extra configuration variables (strings, as in the environment). */
  env?: Record<string, string>;
  store?: SessionStore;
  assets?: StaticAssets;
  /** The gateway's clock (epoch ms); core mints tokens with it too. Default `Date.now`. */
  now?: () => number;
  /** The gateway's logger; default a silent one. */
  logger?: FastifyBaseLogger;
  /** More registry entries (name → URL), e.g. a fake codex. */
  extraServices?: Record<string, string>;
  /** Applies the SDK's fail-closed revocation policy (as main.ts does) with this grace. */
  revocationGraceMs?: number;
  /** Core's revocation feed is down when the gateway starts (the harness does not wait for it). */
  feedDownAtStart?: boolean;
}

/** A running gateway and its neighbours. */
export interface NexusHarness {
  url: string;
  app: FastifyInstance;
  keys: TestKeys;
  identity: FakeIdentity;
  core: SessionCore;
  upstream: Upstream;
  feed: RevocationFeed;
  store: SessionStore;
  cert: string;
  client: Agent;
  /** An HTTPS request to the gateway (path relative to it). */
  fetch(
    path: string,
    options?: Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method?: Dispatcher.HttpMethod },
  ): Promise<Dispatcher.ResponseData<unknown>>;
  /** Signs `user` in through /login, the identity proxy and the callback; returns the Cookie header. */
  login(user: IdentityUser, next?: string): Promise<{ cookie: string; location: string }>;
  close(): Promise<void>;
}

/** Maps a public gateway URL (https://nexus.test/...) to a path on the test gateway. */
export function localPath(location: string): string {
  const url = new URL(location, PUBLIC_ORIGIN);
  if (url.origin !== PUBLIC_ORIGIN) throw new Error(`left the site: ${location}`);
  return url.pathname + url.search;
}

/** The `name=value` of a Set-Cookie header for `name`, if set. */
export function cookieFrom(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const all = headers['set-cookie'];
  const list = Array.isArray(all) ? all : all === undefined ? [] : [all];
  const found = list.find((cookie) => cookie.startsWith(`${name}=`));
  return found?.split(';')[0];
}

/** Starts everything. */
export async function startNexus(options: NexusHarnessOptions = {}): Promise<NexusHarness> {
  const keys = await createTestKeys();
  const identity = await startFakeIdentity(PUBLIC_ORIGIN);
  const now = options.now ?? Date.now;
  const core = await startSessionCore(keys, identity, { nexus: NEXUS_SECRET }, now);
  const upstream = await startUpstream();
  const { key, cert } = await testCertificate();
  const down = await closedPort();
  const entry = (url: string, extra: Record<string, unknown> = {}) => ({
    url,
    port: Number(new URL(url).port),
    display_name: 'Svc',
    ...extra,
  });
  const services = servicesFileSchema.parse({
    'echo-svc': entry(upstream.url, { display_name: 'Echo', icon: 'home' }),
    adminsvc: entry(upstream.url, { display_name: 'Admin only', admin_only: true }),
    billingsvc: entry(upstream.url, { display_name: 'Billing', permission_levels: ['billing', 'admin'] }),
    beacon: entry(upstream.url, { display_name: 'Beacon', public_paths: ['/display'] }),
    hidden: entry(upstream.url, { display_name: 'Hidden', visible: false }),
    down: entry(`http://127.0.0.1:${down}`, { display_name: 'Down' }),
    ...Object.fromEntries(
      Object.entries(options.extraServices ?? {}).map(([name, url]) => [name, entry(url, { display_name: name })]),
    ),
  });
  const config = nexusEnvSchema.parse({
    SERVICE_NAME: 'nexus',
    SERVICE_SECRET: NEXUS_SECRET,
    OIDC_CLIENT_SECRET: identity.clientSecret,
    IDENTITY_ISSUER: identity.issuer,
    IDENTITY_UPSTREAM_URL: identity.url,
    CORE_SERVICE_URL: core.url,
    NEXUS_URL: PUBLIC_ORIGIN,
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  const logger = options.logger ?? createLogger({ service: 'nexus', level: 'silent' });
  const serviceClient = createServiceClient({
    serviceName: 'nexus',
    secret: NEXUS_SECRET,
    coreUrl: core.url,
    services: {},
  });
  const feed = createRevocationFeed({
    coreUrl: core.url,
    getToken: () => serviceClient.getServiceToken('core'),
    reconnectDelayMs: 50,
  });
  if (options.feedDownAtStart === true) core.core.setFeedDown(true);
  feed.start();
  if (options.feedDownAtStart !== true) await feed.ready();
  const isRevoked = (jti: string): boolean => feed.isRevoked(jti);
  const revocationPolicy =
    options.revocationGraceMs === undefined
      ? undefined
      : createRevocationPolicy({
          feed,
          graceMs: options.revocationGraceMs,
          confirm: confirmWithCore(core.url),
          confirmCacheMs: 50,
          logger,
          now,
        });
  const store = options.store ?? createMemoryStore();
  const app = await buildApp({
    config,
    tls: { key, cert },
    composer: { composePage, renderErrorPage },
    store,
    registry: staticRegistry(services),
    oidc: createOidcClient({
      issuer: identity.issuer,
      upstreamUrl: identity.url,
      clientId: identity.clientId,
      clientSecret: identity.clientSecret,
      redirectUri: `${PUBLIC_ORIGIN}/keycloak-callback`,
      postLogoutRedirectUri: `${PUBLIC_ORIGIN}/`,
    }),
    core: createCoreApi(serviceClient),
    verifier: createTokenVerifier({
      keySet: createCoreKeySet({ jwksUrl: `${core.url}/.well-known/jwks.json` }),
      serviceName: 'nexus',
      isRevoked,
      now,
      ...(revocationPolicy === undefined ? {} : { revocationPolicy }),
    }),
    isRevoked,
    ...(revocationPolicy === undefined ? {} : { revocationPolicy }),
    revocations: feed,
    assets: options.assets ?? { files: new Map(), version: 'test-v1' },
    logger,
    now,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const url = `https://127.0.0.1:${port}`;
  const client = new Agent({ connect: { ca: cert } });

  // The dispatcher sends the path exactly as given (no URL normalisation of `..` or encodings).
  const fetchGateway: NexusHarness['fetch'] = (path, init = {}) =>
    client.request({ origin: url, path, method: 'GET', ...init } as Dispatcher.RequestOptions);

  async function login(user: IdentityUser, next = '/echo-svc/echo'): Promise<{ cookie: string; location: string }> {
    identity.loginAs(user);
    const start = await fetchGateway(`/login?next=${encodeURIComponent(next)}`);
    await start.body.dump();
    if (start.statusCode !== 302) throw new Error(`/login answered ${start.statusCode}`);
    const loginCookie = cookieFrom(start.headers, '__Host-hm_login');
    const authorize = await fetchGateway(localPath(String(start.headers.location)));
    await authorize.body.dump();
    if (authorize.statusCode !== 302) throw new Error(`authorization answered ${authorize.statusCode}`);
    const callback = await fetchGateway(localPath(String(authorize.headers.location)), {
      headers: { cookie: loginCookie ?? '' },
    });
    const text = await callback.body.text();
    if (callback.statusCode !== 302) throw new Error(`callback answered ${callback.statusCode}: ${text}`);
    const session = cookieFrom(callback.headers, '__Host-hm_session');
    if (session === undefined) throw new Error('no session cookie');
    return { cookie: session, location: String(callback.headers.location) };
  }

  return {
    url,
    app,
    keys,
    identity,
    core,
    upstream,
    feed,
    store,
    cert,
    client,
    fetch: fetchGateway,
    login,
    async close() {
      await app.close();
      await client.close();
      await feed.stop();
      await store.close();
      await upstream.close();
      await core.close();
      await identity.close();
    },
  };
}
