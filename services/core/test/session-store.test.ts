/**
 * The session store contract, run against every implementation: the in-memory store and the
 * PostgreSQL store (a throwaway database) always, the Redis store when TEST_REDIS_URL is set (each
 * run under its own key prefix).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createMemorySessionStore, type MemorySessionStore } from '../src/domain/sessions/memory-store.js';
import { createRedisSessionStore } from '../src/domain/sessions/redis-store.js';
import { openCoreTestDatabase } from './database.js';
import { isLive, type Revocation, type Session, type SessionStore } from '../src/domain/sessions/types.js';
import {
  NO_REDIS,
  TEST_REDIS_URL,
  dropRedisPrefix,
  manualClock,
  uniqueRedisPrefix,
  type TestClock,
} from './harness.js';

const HOUR = 3600_000;

function newSession(clock: TestClock, overrides: Partial<Session> = {}): Session {
  const createdAt = clock.now();
  return {
    id: randomUUID(),
    sub: 'user-1',
    username: 'alice',
    name: 'Alice',
    email: 'alice@example.test',
    permissionLevel: 'technician',
    groups: ['technicians'],
    identitySid: null,
    createdAt,
    expiresAt: createdAt + 12 * HOUR,
    lastRefreshAt: null,
    tokenExp: Math.floor(createdAt / 1000) + 3600,
    revokedAt: null,
    ...overrides,
  };
}

/** The next `count` revocations the store announces. */
function nextRevocations(store: SessionStore, count: number): Promise<Revocation[]> {
  const seen: Revocation[] = [];
  return new Promise((resolve) => {
    const off = store.onRevocation((revocation) => {
      seen.push(revocation);
      if (seen.length === count) {
        off();
        resolve(seen);
      }
    });
  });
}

function contract(kind: string, skip: string | false, open: (clock: TestClock) => Promise<SessionStore>): void {
  describe(`session store contract: ${kind}`, { skip }, () => {
    let clock: TestClock;
    let store: SessionStore;
    before(async () => {
      clock = manualClock();
      store = await open(clock);
    });
    after(() => store.close());

    it('creates, reads back, and forgets a session at its maximum age', async () => {
      const session = newSession(clock, { identitySid: 'sid-1', groups: ['a', 'b'] });
      await store.create(session);
      assert.deepEqual(await store.get(session.id), session);
      assert.equal(await store.get('no-such-id'), null);
      const brief = newSession(clock, { expiresAt: clock.now() + 1000 });
      await store.create(brief);
      clock.advance(1000);
      assert.equal(await store.get(brief.id), null);
    });

    it('records refreshes, never lowering tokenExp, and not on revoked sessions', async () => {
      const session = newSession(clock);
      await store.create(session);
      const refreshed = await store.recordRefresh(session.id, clock.now() + 5, session.tokenExp + 600);
      assert.equal(refreshed?.lastRefreshAt, clock.now() + 5);
      assert.equal(refreshed?.tokenExp, session.tokenExp + 600);
      assert.equal(
        (await store.recordRefresh(session.id, clock.now(), session.tokenExp))?.tokenExp,
        session.tokenExp + 600,
      );
      await store.revoke(session.id, clock.now());
      assert.equal(await store.recordRefresh(session.id, clock.now(), session.tokenExp + 1200), null);
      assert.equal(await store.recordRefresh('missing', clock.now(), 1), null);
    });

    it('revokes once, numbers and announces each revocation, and tells the cases apart', async () => {
      const start = (await store.revocationsSince(0)).seq;
      const a = newSession(clock);
      const b = newSession(clock);
      await store.create(a);
      await store.create(b);
      const announced = nextRevocations(store, 2);
      const first = await store.revoke(a.id, clock.now());
      assert.deepEqual(first, { status: 'revoked', revocation: { seq: start + 1, jti: a.id, exp: a.tokenExp } });
      assert.deepEqual(await store.revoke(a.id, clock.now()), { status: 'already_revoked' });
      assert.deepEqual(await store.revoke('unknown', clock.now()), { status: 'not_found' });
      await store.revoke(b.id, clock.now());
      assert.deepEqual(
        (await announced).map((r) => r.jti),
        [a.id, b.id],
      );
      assert.equal((await store.get(a.id))?.revokedAt, clock.now());
      const page = await store.revocationsSince(start);
      assert.equal(page.seq, start + 2);
      assert.deepEqual(
        page.revocations.map((r) => r.seq),
        [start + 1, start + 2],
      );
      assert.deepEqual(
        (await store.revocationsSince(start + 1)).revocations.map((r) => r.jti),
        [b.id],
      );
    });

    it('re-derives the permission level and groups on a refresh when told to', async () => {
      const session = newSession(clock, { permissionLevel: 'admin', groups: ['admins'] });
      await store.create(session);
      const kept = await store.recordRefresh(session.id, clock.now(), session.tokenExp);
      assert.equal(kept?.permissionLevel, 'admin');
      const demoted = await store.recordRefresh(session.id, clock.now(), session.tokenExp, {
        permissionLevel: 'technician',
        groups: ['technicians'],
      });
      assert.equal(demoted?.permissionLevel, 'technician');
      assert.deepEqual(demoted?.groups, ['technicians']);
      assert.equal((await store.get(session.id))?.permissionLevel, 'technician');
    });

    it('lets only one of several concurrent revocations of a session win', async () => {
      const session = newSession(clock);
      await store.create(session);
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.revoke(session.id, clock.now())));
      assert.equal(outcomes.filter((o) => o.status === 'revoked').length, 1);
      assert.equal(outcomes.filter((o) => o.status === 'already_revoked').length, 7);
    });

    it('revokes the token of a session it lost (tombstone), once, while that token could be used', async () => {
      const exp = Math.floor(clock.now() / 1000) + 600;
      const outcome = await store.revoke('lost-session', clock.now(), { sub: 'user-9', tokenExp: exp });
      assert.equal(outcome.status, 'revoked');
      assert.deepEqual(await store.revoke('lost-session', clock.now(), { sub: 'user-9', tokenExp: exp }), {
        status: 'already_revoked',
      });
      const stale = Math.floor(clock.now() / 1000) - 3600;
      assert.deepEqual(await store.revoke('old-session', clock.now(), { sub: 'user-9', tokenExp: stale }), {
        status: 'not_found',
      });
    });

    it('lists and revokes all sessions of a user and of an identity session', async () => {
      const sub = `user-${randomUUID()}`;
      const s1 = newSession(clock, { sub, identitySid: 'idp-x' });
      const s2 = newSession(clock, { sub, identitySid: 'idp-x' });
      const s3 = newSession(clock, { sub, identitySid: 'idp-y' });
      for (const s of [s1, s2, s3]) await store.create(s);
      assert.deepEqual((await store.listByUser(sub)).map((s) => s.id).sort(), [s1.id, s2.id, s3.id].sort());
      assert.equal(await store.revokeByIdentitySid('idp-x', clock.now()), 2);
      assert.equal(await store.revokeByIdentitySid('idp-x', clock.now()), 0);
      assert.equal(await store.revokeUser(sub, clock.now()), 1);
      assert.ok((await store.listByUser(sub)).every((s) => s.revokedAt !== null));
      assert.ok((await store.listAll(10_000)).some((s) => s.id === s1.id));
      assert.equal(await store.revokeUser('nobody', clock.now()), 0);
    });

    it('drops revocations from the log a minute after their tokens expired', async () => {
      const session = newSession(clock, { tokenExp: Math.floor(clock.now() / 1000) + 100 });
      await store.create(session);
      await store.revoke(session.id, clock.now());
      const has = async () => (await store.revocationsSince(0)).revocations.some((r) => r.jti === session.id);
      clock.advance(150_000);
      assert.equal(await has(), true);
      clock.advance(20_000);
      assert.equal(await has(), false);
      assert.ok(isLive(newSession(clock), clock.now(), 300));
    });

    it('reports itself healthy', async () => {
      assert.equal((await store.health()).status, 'healthy');
    });
  });
}

contract('memory', false, async (clock) => createMemorySessionStore({ now: clock.now, cleanupIntervalMs: 0 }));

contract('postgres', false, async (clock) => {
  const database = await openCoreTestDatabase('store');
  const store = await database.store(clock.now);
  return { ...store, close: () => database.drop() };
});

const prefix = uniqueRedisPrefix();
contract('redis', NO_REDIS, async (clock) =>
  createRedisSessionStore({ url: TEST_REDIS_URL ?? '', prefix, now: clock.now }),
);
after(async () => {
  if (TEST_REDIS_URL !== undefined) await dropRedisPrefix(TEST_REDIS_URL, prefix);
});

describe('session store: memory sweep', () => {
  it('drops expired sessions and their index entries', async () => {
    const clock = manualClock();
    const store: MemorySessionStore = createMemorySessionStore({ now: clock.now, cleanupIntervalMs: 0 });
    await store.create(newSession(clock, { expiresAt: clock.now() + 1000, identitySid: 'z' }));
    await store.create(newSession(clock));
    assert.equal(store.size(), 2);
    clock.advance(1000);
    store.sweep();
    assert.equal(store.size(), 1);
    assert.equal(await store.revokeByIdentitySid('z', clock.now()), 0);
    await store.close();
  });
});
