/**
 * Runs identity in-process for tests (identity's own and other services' integration tests):
 * a fresh test database (migrated), a real HTTP server on a free port of 127.0.0.1, the first
 * admin created as on a real first start, and helpers to create users and to log in through the
 * authorization code + PKCE flow over HTTP.
 *
 *   const identity = await startIdentity({ clients: { gateway: { redirectUris: [myCallback] } } });
 *   const tokens = await loginWithPassword({ identity, clientId: identity.gateway.clientId,
 *     clientSecret: identity.gateway.clientSecret, redirectUri: myCallback, username: 'admin',
 *     password: identity.adminPassword });
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, type ServiceApp } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase } from '@hivematrix/sdk/testing';
import { buildApp, type IdentityDeps } from '../src/app.js';
import { ADMIN_CLIENT_ID, GATEWAY_CLIENT_ID, identityEnvSchema, type IdentityConfig } from '../src/config.js';
import { schema, type IdentityDb } from '../src/db/schema.js';
import { ensureInitialAdmin } from '../src/domain/initial-admin.js';
import { createPasswordHasher, generatePassword, type PasswordHasher } from '../src/domain/passwords.js';
import { createUser } from '../src/domain/users.js';
import type { RetryPolicy } from '../src/oidc/retrying-delivery.js';
import { createBrowser, type TestBrowser } from './http-browser.js';

export {
  createBrowser,
  decodeHtml,
  formAction,
  hiddenValue,
  redirectTarget,
  type TestBrowser,
} from './http-browser.js';
export { authorize, loginWithPassword, pkcePair, type LoginOptions, type LoginResult } from './login-flow.js';

export interface GatewayClientOverrides {
  secret?: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  /**
   * null: no back-channel logout (and then no `sid` in tokens). Default: a discard address
   * (`http://127.0.0.1:9/…`) that refuses at once, so tokens carry `sid` but no real gateway
   * ever receives a test's logout.
   */
  backchannelLogoutUri?: string | null;
}

export interface StartIdentityOptions {
  /** Public origin of the issuer, e.g. `https://localhost:8443`; default: identity's own address. */
  issuerBase?: string;
  clients?: { gateway?: GatewayClientOverrides; admin?: { secret?: string } };
  /** Clock of identity's own rules (lockout); default the system clock. */
  now?: () => Date;
  /** Any other configuration variable, as text (e.g. `{ LOGIN_MAX_FAILURES: '3' }`). */
  env?: Record<string, string>;
  /** PEM of a CA trusted for back-channel logout. */
  backchannelCa?: string;
  /** Identity's client for core (with a service token), to tell it of access changes. */
  coreClient?: IdentityDeps['coreClient'];
  /** Backoff of delivery retries; default a few quick ones, so tests do not wait a minute. */
  retryPolicy?: RetryPolicy;
  logLevel?: string;
  /**
   * Another running identity whose database (and client secrets) this one uses, as a second
   * instance or a restart would; the database is then left for that one to drop.
   */
  sharedWith?: IdentityHarness;
}

export interface TestUserInput {
  username: string;
  password: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  groups?: string[];
  /** Default true. */
  enabled?: boolean;
  /** The password must be changed at the first login. */
  temporary?: boolean;
}

export interface IdentityHarness {
  /** Where identity listens, e.g. `http://127.0.0.1:41234` (no path). */
  url: string;
  /** `<url>/keycloak`: the `baseUrl` of `@keycloak/keycloak-admin-client`. */
  baseUrl: string;
  /** The public issuer (`<issuerBase>/keycloak/realms/hivematrix`). */
  issuer: string;
  /** The realm at the address identity listens on (what back-channel callers use). */
  internalIssuer: string;
  /** The password of `admin` (a member of `admins`), as a real first start creates it. */
  adminPassword: string;
  gateway: { clientId: string; clientSecret: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
  admin: { clientId: string; clientSecret: string };
  config: IdentityConfig;
  /** The test database's URL. */
  databaseUrl: string;
  app: ServiceApp;
  db: IdentityDb;
  passwords: PasswordHasher;
  /** A temporary instance directory (holds `secrets/admin-password`). */
  instanceDir: string;
  /** Maps a URL on the public issuer's origin to identity's real address. */
  toInternal: (url: string) => string;
  createUser(input: TestUserInput): Promise<{ id: string; username: string }>;
  /** A new cookie jar talking to this identity. */
  browser(): TestBrowser;
  close(): Promise<void>;
}

const REALM_PATH = '/keycloak/realms/hivematrix';

function secret(label: string): string {
  return `${label}-${randomBytes(24).toString('base64url')}`;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Starts identity on a free port with a fresh database. Call `close()` when done. */
export async function startIdentity(options: StartIdentityOptions = {}): Promise<IdentityHarness> {
  // The port must be known before the app is built (it is part of the issuer), so the server
  // listens first and the app is attached to it once ready.
  const server = createServer();
  const port = await listen(server);
  const url = `http://127.0.0.1:${port}`;
  const issuerBase = (options.issuerBase ?? url).replace(/\/+$/, '');
  const issuer = `${issuerBase}${REALM_PATH}`;

  const shared = options.sharedWith;
  const testDb =
    shared === undefined
      ? await createTestDatabase('identity')
      : { url: shared.databaseUrl, drop: async () => undefined };
  const database = openDatabase({ url: testDb.url, applicationName: 'identity-test', schema });
  const instanceDir = await mkdtemp(path.join(tmpdir(), 'hm-identity-'));
  try {
    await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
    const gateway = options.clients?.gateway ?? {};
    const gatewaySecret = gateway.secret ?? shared?.gateway.clientSecret ?? secret('gateway');
    const adminSecret = options.clients?.admin?.secret ?? shared?.admin.clientSecret ?? secret('admin');
    const redirectUris = gateway.redirectUris ?? [`${issuerBase}/keycloak-callback`];
    const postLogoutRedirectUris = gateway.postLogoutRedirectUris ?? [`${issuerBase}/`];
    const config = identityEnvSchema.parse({
      SERVICE_NAME: 'identity',
      DATABASE_URL: testDb.url,
      LOG_LEVEL: 'warn',
      IDENTITY_ISSUER: issuer,
      IDENTITY_ALLOW_HTTP_ISSUER: 'true',
      IDENTITY_GATEWAY_CLIENT_SECRET: gatewaySecret,
      IDENTITY_GATEWAY_REDIRECT_URIS: redirectUris.join(','),
      IDENTITY_GATEWAY_POST_LOGOUT_REDIRECT_URIS: postLogoutRedirectUris.join(','),
      IDENTITY_GATEWAY_BACKCHANNEL_LOGOUT_URI:
        gateway.backchannelLogoutUri === undefined
          ? 'http://127.0.0.1:9/backchannel-logout'
          : (gateway.backchannelLogoutUri ?? 'none'),
      IDENTITY_ADMIN_CLIENT_SECRET: adminSecret,
      RATE_LIMIT_PER_MINUTE: '100000',
      ...options.env,
    });

    const passwords = await createPasswordHasher();
    const initial = await ensureInitialAdmin({
      db: database.db,
      passwords,
      secretsDir: path.join(instanceDir, 'secrets'),
      generatePassword: () => generatePassword(),
      announce: () => undefined,
    });
    const adminPassword = initial.password ?? shared?.adminPassword;
    if (adminPassword === undefined) throw new Error('a fresh test database should get a first admin');

    const app = await buildApp({
      config,
      logger: createLogger({ service: 'identity', level: options.logLevel ?? 'silent' }),
      db: database.db,
      ping: database.ping,
      now: options.now ?? (() => new Date()),
      passwords,
      backchannelCa: options.backchannelCa,
      coreClient: options.coreClient,
      retryPolicy: options.retryPolicy ?? { retries: 2, minTimeoutMs: 50, maxTimeoutMs: 200, maxRetryTimeMs: 2_000 },
    });
    await app.ready();
    server.on('request', (request, response) => app.routing(request, response));

    const toInternal = (target: string): string => {
      const parsed = new URL(target);
      if (parsed.origin !== new URL(issuerBase).origin) return target;
      return `${url}${parsed.pathname}${parsed.search}`;
    };
    const originOfIssuer = new URL(issuerBase).origin;
    let closing: Promise<void> | undefined;
    return {
      url,
      baseUrl: `${url}/keycloak`,
      issuer,
      internalIssuer: `${url}${REALM_PATH}`,
      adminPassword,
      gateway: { clientId: GATEWAY_CLIENT_ID, clientSecret: gatewaySecret, redirectUris, postLogoutRedirectUris },
      admin: { clientId: ADMIN_CLIENT_ID, clientSecret: adminSecret },
      config,
      databaseUrl: testDb.url,
      app,
      db: database.db,
      passwords,
      instanceDir,
      toInternal,
      async createUser(input) {
        const user = await createUser(
          { db: database.db, passwords },
          {
            username: input.username,
            email: input.email,
            firstName: input.firstName,
            lastName: input.lastName,
            enabled: input.enabled ?? true,
            password: { value: input.password, temporary: input.temporary ?? false },
            groups: input.groups,
          },
        );
        return { id: user.id, username: user.username };
      },
      browser: () => createBrowser({ toInternal, origin: originOfIssuer }),
      close() {
        closing ??= (async () => {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await app.close();
          await database.close();
          await testDb.drop();
          await rm(instanceDir, { recursive: true, force: true });
        })();
        return closing;
      },
    };
  } catch (error) {
    server.close();
    await database.close();
    await testDb.drop();
    await rm(instanceDir, { recursive: true, force: true });
    throw error;
  }
}
