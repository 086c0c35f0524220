/** Helm's HTTP app on its own test database with a fake service control, for the console tests. */
import { createLocalKeySet, createLogger, createTokenVerifier, type ServiceApp } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase, type Database } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys, type TestDatabase, type TestKeys } from '@hivematrix/sdk/testing';
import { buildApp, type HelmDeps } from '../src/app.js';
import type { SecurityDeps } from '../src/routes/security/index.js';
import type { ActionResult, ServiceAction } from '../src/control.js';
import { schema } from '../src/db/schema.js';
import type { PlatformStatus, ServiceStatusView } from '../src/status.js';

export const NOW = new Date('2026-11-25T12:00:00Z');

function service(name: string, overrides: Partial<ServiceStatusView> = {}): ServiceStatusView {
  return {
    name,
    kind: 'app',
    port: 5040,
    url: `http://127.0.0.1:5040`,
    pid: 4242,
    state: 'running',
    health: 'healthy',
    restarts: 1,
    uptime_s: 3700,
    memory_mb: 61.5,
    started_at: NOW.toISOString(),
    message: null,
    log_file: `/x/${name}.log`,
    log_tail: [],
    ...overrides,
  };
}

export const STATUS: PlatformStatus = {
  daemon: {
    pid: 1,
    state: 'running',
    started_at: NOW.toISOString(),
    public_url: 'https://hive.example',
    admin_password_file: '/x',
    steps: [],
    error: null,
  },
  services: [
    service('helm', { kind: 'core', port: 5004 }),
    service('template'),
    service('codex', { state: 'stopped', pid: null, health: 'unknown' }),
  ],
};

/** A running console test app. */
export interface Console {
  app: ServiceApp;
  database: Database<typeof schema>;
  keys: TestKeys;
  calls: [ServiceAction, string][];
  /** What the fake control answers next (an Error is thrown). */
  answer: { next: ActionResult | Error };
  admin: string;
  tech: string;
  close(): Promise<void>;
}

/** Starts the app (not listening); `security` defaults to a stub that fails; `extra` adds or replaces deps. */
export async function startConsole(security?: SecurityDeps, extra: Partial<HelmDeps> = {}): Promise<Console> {
  const testDb: TestDatabase = await createTestDatabase('helm');
  const database = openDatabase({ url: testDb.url, applicationName: 'helm-test', schema });
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
  const keys = await createTestKeys();
  const calls: [ServiceAction, string][] = [];
  const answer: { next: ActionResult | Error } = { next: { ok: true, message: null } };
  const act =
    (action: ServiceAction) =>
    async (name: string): Promise<ActionResult> => {
      calls.push([action, name]);
      if (answer.next instanceof Error) throw answer.next;
      return answer.next;
    };
  const app = await buildApp({
    service: 'helm',
    trustedProxies: ['127.0.0.1'],
    coreUrl: 'http://127.0.0.1:9',
    logger: createLogger({ service: 'helm', level: 'silent' }),
    db: database.db,
    ping: database.ping,
    verifier: createTokenVerifier({
      keySet: createLocalKeySet(keys.jwks),
      serviceName: 'helm',
      now: () => NOW.getTime(),
    }),
    now: () => NOW,
    status: () => STATUS,
    control: {
      start: act('start'),
      stop: act('stop'),
      restart: act('restart'),
      enable: act('enable'),
      disable: act('disable'),
    },
    publicUrl: 'https://hive.example',
    security: security ?? {
      audit: () => Promise.reject(new Error('no audit in this test')),
      ufwScript: () => '',
      iptablesScript: () => '',
    },
    logPollMs: 20,
    ...extra,
  });
  await app.ready();
  return {
    app,
    database,
    keys,
    calls,
    answer,
    admin: await keys.mintUserToken({ permission_level: 'admin', preferred_username: 'alice' }, { now: NOW.getTime() }),
    tech: await keys.mintUserToken({ permission_level: 'technician' }, { now: NOW.getTime() }),
    async close() {
      await app.close();
      await database.close();
      await testDb.drop();
    },
  };
}
