/** The provider's PostgreSQL adapter: what it stores, finds, consumes, expires, revokes and prunes. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrate, migrationsDir, openDatabase, type Database } from '@hivematrix/sdk/db';
import { createTestDatabase, type TestDatabase } from '@hivematrix/sdk/testing';
import { createPgAdapter, deleteAccountRecords, pruneExpired, sessionIdsOf } from '../src/db/oidc-store.js';
import { recordUnknownFailure } from '../src/db/lockout.js';
import { schema } from '../src/db/schema.js';

describe('identity: oidc-provider adapter', () => {
  let testDb: TestDatabase;
  let database: Database<typeof schema>;
  let nowMs = Date.parse('2026-11-25T12:00:00Z');
  const now = () => new Date(nowMs);

  before(async () => {
    testDb = await createTestDatabase('identity_store');
    database = openDatabase({ url: testDb.url, applicationName: 'identity-test', schema });
    await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
  });
  after(async () => {
    await database.close();
    await testDb.drop();
  });

  it('finds what it stored, per kind, until it expires', async () => {
    const codes = createPgAdapter(database.db, 'AuthorizationCode', now);
    const tokens = createPgAdapter(database.db, 'AccessToken', now);
    await codes.upsert('c1', { accountId: 'u1', grantId: 'g1', exp: 1 }, 60);
    assert.deepEqual(await codes.find('c1'), { accountId: 'u1', grantId: 'g1', exp: 1 });
    assert.equal(await tokens.find('c1'), undefined, 'another kind does not see it');
    nowMs += 61_000;
    assert.equal(await codes.find('c1'), undefined, 'expired records are invisible at once');
  });

  it('marks a consumed record, and a re-save replaces it', async () => {
    const codes = createPgAdapter(database.db, 'AuthorizationCode', now);
    await codes.upsert('c2', { accountId: 'u1' }, 60);
    await codes.consume('c2');
    assert.equal(typeof (await codes.find('c2'))?.consumed, 'number');
    await codes.upsert('c2', { accountId: 'u2' }, 60);
    assert.deepEqual(await codes.find('c2'), { accountId: 'u2' });
  });

  it('finds by uid and user code, destroys, and revokes by grant within its kind', async () => {
    const sessions = createPgAdapter(database.db, 'Session', now);
    const tokens = createPgAdapter(database.db, 'AccessToken', now);
    const refresh = createPgAdapter(database.db, 'RefreshToken', now);
    await sessions.upsert('s1', { uid: 'uid-1', accountId: 'u9' }, 600);
    assert.equal((await sessions.findByUid('uid-1'))?.accountId, 'u9');
    await sessions.upsert('s2', { uid: 'uid-2', userCode: 'ABCD-EFGH' }, 600);
    assert.equal((await sessions.findByUserCode('ABCD-EFGH'))?.uid, 'uid-2');
    await sessions.destroy('s2');
    assert.equal(await sessions.find('s2'), undefined);

    await tokens.upsert('t1', { grantId: 'g7' }, 600);
    await refresh.upsert('r1', { grantId: 'g7' }, 600);
    await tokens.revokeByGrantId('g7');
    assert.equal(await tokens.find('t1'), undefined);
    assert.ok(await refresh.find('r1'), "only the adapter's own kind is revoked");
  });

  it('lists and deletes everything of one account', async () => {
    const sessions = createPgAdapter(database.db, 'Session', now);
    const tokens = createPgAdapter(database.db, 'AccessToken', now);
    await sessions.upsert('s10', { uid: 'a', accountId: 'acct-1' }, 600);
    await sessions.upsert('s11', { uid: 'b', accountId: 'acct-1' }, 600);
    await sessions.upsert('s12', { uid: 'c', accountId: 'acct-2' }, 600);
    await tokens.upsert('t10', { accountId: 'acct-1' }, 600);
    assert.deepEqual((await sessionIdsOf(database.db, 'acct-1', now())).sort(), ['s10', 's11']);
    assert.equal(await deleteAccountRecords(database.db, 'acct-1'), 3);
    assert.equal(await tokens.find('t10'), undefined);
    assert.ok(await sessions.find('s12'));
  });

  it('prunes expired records and stale failure counts of unknown usernames', async () => {
    const grants = createPgAdapter(database.db, 'Grant', now);
    await grants.upsert('old', {}, 10);
    await grants.upsert('new', {}, 3600);
    await recordUnknownFailure(database.db, 'ghost', now(), { maxFailures: 5, lockoutMs: 60_000 });
    nowMs += 11_000;
    const first = await pruneExpired(database.db, now());
    assert.ok(first.records >= 1);
    assert.equal(first.failures, 0, 'a recent failure count is kept');
    assert.ok(await grants.find('new'));
    nowMs += 25 * 3_600_000;
    const later = await pruneExpired(database.db, now());
    assert.equal(later.failures, 1);
  });
});
