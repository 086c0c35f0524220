/** Helm's HTTP app: health, log ingestion from services (service tokens only), the status for admins. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import {
  createLogDestination,
  createLogger,
  createLogShipper,
  createLocalKeySet,
  createTokenVerifier,
  type ServiceApp,
} from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase, type Database } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys, type TestDatabase, type TestKeys } from '@hivematrix/sdk/testing';
import { buildApp } from '../src/app.js';
import { countLogEntries, purgeLogEntries } from '../src/db/logs.js';
import { logEntries, schema } from '../src/db/schema.js';
import type { PlatformStatus } from '../src/status.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const STATUS: PlatformStatus = {
  daemon: {
    pid: 1,
    state: 'running',
    started_at: NOW.toISOString(),
    public_url: 'https://localhost:8443',
    admin_password_file: '/x',
    steps: [],
    error: null,
  },
  services: [],
};

const refuse = (): Promise<never> => Promise.reject(new Error('not in this test'));

describe('helm HTTP app', () => {
  let testDb: TestDatabase;
  let database: Database<typeof schema>;
  let keys: TestKeys;
  let app: ServiceApp;

  before(async () => {
    testDb = await createTestDatabase('helm');
    database = openDatabase({ url: testDb.url, applicationName: 'helm-test', schema });
    await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
    keys = await createTestKeys();
    app = await buildApp({
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
      control: { start: refuse, stop: refuse, restart: refuse, enable: refuse, disable: refuse },
      publicUrl: 'https://localhost:8443',
      security: { audit: refuse, ufwScript: () => '', iptablesScript: () => '' },
    });
    await app.ready();
  });

  after(async () => {
    await app.close();
    await database.close();
    await testDb.drop();
  });

  const ingest = async (token: string | undefined, body: unknown) =>
    app.inject({
      method: 'POST',
      url: '/api/logs/ingest',
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      payload: body as object,
    });

  it('answers /health in the contract shape (degraded while core is unreachable)', async () => {
    const res = await app.inject({ url: '/health' });
    const body = res.json<{ service: string; status: string; checks: { database: { status: string } } }>();
    assert.equal(body.service, 'helm');
    assert.equal(body.checks.database.status, 'healthy');
    assert.equal(body.status, 'degraded');
    assert.equal(res.statusCode, 503);
  });

  it('stores a batch shipped with a service token, under the calling service', async () => {
    const token = await keys.mintServiceToken('codex', 'helm', { now: NOW.getTime() });
    const res = await ingest(token, {
      service_name: 'codex',
      logs: [
        {
          level: 'ERROR',
          message: 'boom',
          timestamp: '2026-11-25T11:59:00.000Z',
          context: { path: '/x' },
          trace_id: 'c0ffee',
          user_id: 'u1',
        },
        {
          level: 'warn',
          message: 'careful',
          timestamp: '2026-11-25T11:59:01',
          context: {},
          trace_id: null,
          user_id: null,
        },
        { level: 'shouting', message: 'x'.repeat(12_000) },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { success: true, ingested: 3 });
    const rows = await database.db.select().from(logEntries).orderBy(logEntries.id);
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.map((row) => [row.serviceName, row.level]),
      [
        ['codex', 'ERROR'],
        ['codex', 'WARNING'],
        ['codex', 'INFO'],
      ],
    );
    assert.equal(rows[0]?.traceId, 'c0ffee');
    assert.deepEqual(rows[0]?.context, { path: '/x' });
    assert.equal(rows[1]?.timestamp.toISOString(), '2026-11-25T11:59:01.000Z', 'a timestamp without offset is UTC');
    assert.equal(rows[2]?.message.length, 10_000, 'messages are cut at 10 000 characters');
    assert.equal(rows[2]?.timestamp.toISOString(), NOW.toISOString(), 'no timestamp: the time of arrival');
  });

  it('refuses a service shipping under another name, a user token and no token', async () => {
    const token = await keys.mintServiceToken('codex', 'helm', { now: NOW.getTime() });
    const spoof = await ingest(token, { service_name: 'ledger', logs: [{ level: 'INFO', message: 'hi' }] });
    assert.equal(spoof.statusCode, 403);
    assert.equal(spoof.json<{ code: string }>().code, 'forbidden');
    const user = await keys.mintUserToken({ permission_level: 'admin' }, { now: NOW.getTime() });
    assert.equal((await ingest(user, { logs: [{ level: 'INFO', message: 'hi' }] })).statusCode, 403);
    assert.equal((await ingest(undefined, { logs: [{ level: 'INFO', message: 'hi' }] })).statusCode, 401);
    const forOther = await keys.mintServiceToken('codex', 'ledger', { now: NOW.getTime() });
    assert.equal(
      (await ingest(forOther, { logs: [{ level: 'INFO', message: 'hi' }] })).statusCode,
      401,
      'a token for another audience',
    );
  });

  it('refuses a malformed batch whole, with the fields named', async () => {
    const token = await keys.mintServiceToken('ledger', 'helm', { now: NOW.getTime() });
    const res = await ingest(token, {
      logs: [
        { level: 'INFO', message: 'ok' },
        { level: 'INFO', message: 42, timestamp: 'yesterday' },
      ],
    });
    assert.equal(res.statusCode, 400);
    const problem = res.json<{ code: string; errors: { path: string }[] }>();
    assert.equal(problem.code, 'validation_failed');
    assert.ok(problem.errors.some((error) => error.path.includes('logs.1')));
    assert.equal(await countLogEntries(database.db, 'ledger'), 0);
    assert.equal((await ingest(token, { logs: [] })).statusCode, 400);
  });

  it('purges entries received before the retention cutoff, in batches', async () => {
    const token = await keys.mintServiceToken('beacon', 'helm', { now: NOW.getTime() });
    await ingest(token, { logs: Array.from({ length: 5 }, (_, index) => ({ level: 'INFO', message: `m${index}` })) });
    const deleted = await purgeLogEntries(database.db, new Date(NOW.getTime() + 1), 2);
    assert.ok(deleted >= 5);
    assert.equal(await countLogEntries(database.db), 0);
  });

  it("accepts exactly what the SDK's log shipper sends", async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const token = await keys.mintServiceToken('knowledgetree', 'helm', { now: NOW.getTime() });
    const failures: unknown[] = [];
    const shipper = createLogShipper({
      service: 'knowledgetree',
      helmUrl: `http://127.0.0.1:${port}`,
      getToken: async () => token,
      onError: (error) => failures.push(error),
    });
    const logger = createLogger({
      service: 'knowledgetree',
      level: 'info',
      destination: createLogDestination(shipper, { write: () => undefined }),
    });
    logger.error({ correlation_id: 'abc-123', user_id: 'u-7', path: '/graph' }, 'graph query failed');
    logger.info('done');
    await shipper.close();
    assert.deepEqual(failures, []);
    const rows = await database.db
      .select()
      .from(logEntries)
      .where(eq(logEntries.serviceName, 'knowledgetree'))
      .orderBy(logEntries.id);
    assert.deepEqual(
      rows.map((row) => [row.level, row.message, row.traceId, row.userId]),
      [
        ['ERROR', 'graph query failed', 'abc-123', 'u-7'],
        ['INFO', 'done', null, null],
      ],
    );
    assert.equal(rows[0]?.context.path, '/graph');
  });

  it('shows the platform status to admins only', async () => {
    const admin = await keys.mintUserToken({ permission_level: 'admin' }, { now: NOW.getTime() });
    const tech = await keys.mintUserToken({ permission_level: 'technician' }, { now: NOW.getTime() });
    const service = await keys.mintServiceToken('codex', 'helm', { now: NOW.getTime() });
    const ok = await app.inject({ url: '/api/services', headers: { authorization: `Bearer ${admin}` } });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json<PlatformStatus>().daemon.public_url, 'https://localhost:8443');
    assert.equal(
      (await app.inject({ url: '/api/services', headers: { authorization: `Bearer ${tech}` } })).statusCode,
      403,
    );
    assert.equal(
      (await app.inject({ url: '/api/services', headers: { authorization: `Bearer ${service}` } })).statusCode,
      403,
    );
    assert.equal((await app.inject({ url: '/api/services', headers: { accept: 'application/json' } })).statusCode, 401);
  });
});
