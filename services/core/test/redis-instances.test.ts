/**
 * Two core instances on one Redis (and one key store): a token minted by one validates and
 * refreshes on the other, and a revocation made on one reaches, within a second, a service whose
 * revocation feed is attached to the other. Skipped without TEST_REDIS_URL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import {
  NO_REDIS,
  TEST_REDIS_URL,
  dropRedisPrefix,
  startCore,
  uniqueRedisPrefix,
  type CoreHarness,
} from './harness.js';
import { startProtectedService, type ProtectedService } from './protected-service.js';

const json = (res: { body: string }): Record<string, unknown> => JSON.parse(res.body) as Record<string, unknown>;

describe('core: two instances sharing Redis', { skip: NO_REDIS }, () => {
  const url = TEST_REDIS_URL ?? '';
  const prefix = uniqueRedisPrefix();
  let a: CoreHarness;
  let b: CoreHarness;
  let service: ProtectedService;
  before(async () => {
    a = await startCore({ redis: { url, prefix } });
    b = await startCore({ redis: { url, prefix }, identity: a.identity, keyStore: a.keyStore, secrets: a.secrets });
    service = await startProtectedService(b.url, 'template', a.secrets['template'] ?? '');
  });
  after(async () => {
    await service.close();
    await b.close();
    await a.close();
    await dropRedisPrefix(url, prefix);
  });

  it('validates on one instance a token minted by the other, with its session kept in Redis until it expires', async () => {
    const { token, session_id } = await a.login({ sub: 'shared-user' });
    assert.equal(json(await b.post('/api/token/validate', { token }))['valid'], true);
    assert.equal((await service.call(token)).status, 200);
    const redis = new Redis(url);
    try {
      const ttl = await redis.pttl(`${prefix}session:${session_id}`);
      assert.ok(ttl > 11 * 3600_000 && ttl <= 12 * 3600_000, `session TTL ${ttl}`);
    } finally {
      redis.disconnect();
    }
    const refreshed = await b.post('/api/token/refresh', { token }, await b.serviceToken('nexus'));
    assert.equal(refreshed.statusCode, 200, refreshed.body);
  });

  it('delivers a revocation made on one instance to a consumer of the other within a second', async () => {
    const { token, session_id } = await a.login({ sub: 'shared-user-2' });
    assert.equal((await service.call(token)).status, 200);
    const rejection = service.revokedWithin(session_id, 1000);
    assert.deepEqual(json(await a.post('/api/token/revoke', { token })), { revoked: true });
    const latencyMs = await rejection;
    assert.ok(latencyMs < 1000, `${latencyMs} ms`);
    const refused = await service.call(token);
    assert.equal(refused.status, 401);
    assert.equal(refused.body['code'], 'token_revoked');
    assert.deepEqual(json(await b.post('/api/token/validate', { token })), { valid: false, reason: 'revoked' });
    assert.deepEqual(json(await b.post('/api/token/revoke', { token })), { revoked: false, reason: 'already_revoked' });
  });

  it('shares the sequence and the log, and back-channel logout works from either side', async () => {
    const codex = await b.serviceToken('codex');
    const before = json(
      await b.app.inject({ url: '/api/revocations?since=0', headers: { authorization: `Bearer ${codex}` } }),
    )['seq'] as number;
    const s = await a.login({ sub: 'shared-user-3' }, { sid: 'shared-idp-session' });
    const waiting = service.revokedWithin(s.session_id, 1000);
    assert.deepEqual(
      json(
        await b.post(
          '/api/sessions/revoke-identity-session',
          { sid: 'shared-idp-session' },
          await b.serviceToken('nexus'),
        ),
      ),
      { revoked: 1 },
    );
    await waiting;
    const page = json(
      await a.app.inject({
        url: `/api/revocations?since=${before}`,
        headers: { authorization: `Bearer ${await a.serviceToken('codex')}` },
      }),
    );
    assert.equal(page['seq'], before + 1);
    assert.deepEqual(
      (page['revocations'] as { jti: string }[]).map((r) => r.jti),
      [s.session_id],
    );
  });
});
