/**
 * Revocations survive a restart without Redis (issue 12): core keeps sessions and the revocation
 * log in its own PostgreSQL database, so after core (and every consumer) restarts, a token revoked
 * before the restart and not yet expired is still refused by core and by an SDK service that
 * catches up from scratch. With the in-memory store it was accepted again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openCoreTestDatabase, type CoreTestDatabase } from './database.js';
import { startCore, type CoreHarness } from './harness.js';
import { startFakeIdentity, type FakeIdentity } from './fake-identity.js';
import { startProtectedService } from './protected-service.js';

describe('core: revocations kept in PostgreSQL across restarts', () => {
  let database: CoreTestDatabase;
  let identity: FakeIdentity;
  before(async () => {
    database = await openCoreTestDatabase('restart');
    identity = await startFakeIdentity();
  });
  after(async () => {
    await identity.close();
    await database.drop();
  });

  it('refuses a token revoked before the restart, at core and at a service that starts afresh', async () => {
    const first: CoreHarness = await startCore({ database, identity });
    const revoked = await first.login();
    const kept = await first.login();
    const nexus = await first.serviceToken('nexus');
    assert.equal((await first.post('/api/token/revoke', { token: revoked.token }, nexus)).statusCode, 200);
    const seqBefore = (
      JSON.parse(
        (
          await first.app.inject({
            method: 'GET',
            url: '/api/revocations?since=0',
            headers: { authorization: `Bearer ${await first.serviceToken('template')}` },
          })
        ).body,
      ) as { seq: number }
    ).seq;
    await first.close();

    // The same database, keys and secrets: a restarted core.
    const second = await startCore({ database, identity, secrets: first.secrets });
    try {
      const validate = async (token: string) =>
        JSON.parse((await second.post('/api/token/validate', { token })).body) as { valid: boolean; reason?: string };
      assert.deepEqual(await validate(revoked.token), { valid: false, reason: 'revoked' });
      assert.equal((await validate(kept.token)).valid, true, 'a live session survives the restart too');
      assert.equal(
        (await second.post('/api/token/refresh', { token: revoked.token }, await second.serviceToken('nexus')))
          .statusCode,
        401,
      );

      const feed = JSON.parse(
        (
          await second.app.inject({
            method: 'GET',
            url: '/api/revocations?since=0',
            headers: { authorization: `Bearer ${await second.serviceToken('template')}` },
          })
        ).body,
      ) as { seq: number; revocations: { jti: string }[] };
      assert.ok(feed.revocations.some((entry) => entry.jti === revoked.session_id));
      assert.equal(feed.seq, seqBefore, 'the sequence does not restart at 0');

      const service = await startProtectedService(second.url, 'template', second.secrets.template ?? '');
      try {
        assert.equal((await service.call(revoked.token)).status, 401);
        assert.equal((await service.call(kept.token)).status, 200);
        // A revocation after the restart numbers on from the old sequence and reaches the service.
        assert.equal(
          (await second.post('/api/token/revoke', { token: kept.token }, await second.serviceToken('nexus')))
            .statusCode,
          200,
        );
        assert.ok((await service.revokedWithin(kept.session_id, 1000)) < 1000);
      } finally {
        await service.close();
      }
    } finally {
      await second.close();
    }
  });
});
