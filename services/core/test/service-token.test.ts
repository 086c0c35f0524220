/**
 * `POST /service-token`: only a service presenting its own secret gets a token, 5 minutes long,
 * for exactly the target it named; every failed authentication looks the same; the secrets file
 * is re-read when it changes; the endpoint is rate-limited per client address with a 429.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createCoreKeySet, createTokenVerifier } from '@hivematrix/sdk';
import { hashServiceSecret } from '../src/domain/service-secrets.js';
import { startCore, peekClaims, type CoreHarness } from './harness.js';

describe('core: service tokens', () => {
  let core: CoreHarness;
  before(async () => {
    core = await startCore();
  });
  after(() => core.close());

  const ask = (body: unknown, secret?: string) =>
    core.app.inject({
      method: 'POST',
      url: '/service-token',
      payload: body as Record<string, unknown>,
      headers: secret === undefined ? {} : { authorization: `Bearer ${secret}` },
    });

  it('mints a 5-minute token for the named target that the target (and only it) accepts', async () => {
    const res = await ask({ calling_service: 'codex', target_service: 'ledger' }, core.secrets['codex']);
    assert.equal(res.statusCode, 200, res.body);
    const body = JSON.parse(res.body) as { token: string; expires_in: number };
    assert.equal(body.expires_in, 300);
    const claims = peekClaims(body.token);
    assert.equal(claims['type'], 'service');
    assert.equal(claims['calling_service'], 'codex');
    assert.equal(claims['target_service'], 'ledger');
    assert.equal(claims['aud'], 'ledger');
    assert.equal(claims['sub'], 'service:codex');
    assert.equal(Number(claims['exp']) - Number(claims['iat']), 300);

    const keySet = createCoreKeySet({ jwksUrl: `${core.url}/.well-known/jwks.json` });
    const ledger = createTokenVerifier({ keySet, serviceName: 'ledger' });
    assert.deepEqual(await ledger.verify(body.token).then((p) => p.kind === 'service' && p.service), 'codex');
    const helm = createTokenVerifier({ keySet, serviceName: 'helm' });
    await assert.rejects(helm.verify(body.token), { code: 'token_invalid' });
  });

  it('answers every failed authentication with the same 401 and nothing else', async () => {
    const attempts = [
      ask({ calling_service: 'codex', target_service: 'ledger' }),
      ask({ calling_service: 'codex', target_service: 'ledger' }, ''),
      ask({ calling_service: 'codex', target_service: 'ledger' }, 'wrong-secret-wrong-secret-wrong-secret'),
      ask({ calling_service: 'codex', target_service: 'ledger' }, core.secrets['helm']),
      ask({ calling_service: 'nobody', target_service: 'ledger' }, core.secrets['codex']),
      ask({ calling_service: 'codex', target_service: 'no-such-service' }, core.secrets['helm']),
      ask({ target_service: 'ledger' }, core.secrets['codex']),
    ];
    const bodies = new Set<string>();
    for (const res of await Promise.all(attempts)) {
      assert.equal(res.statusCode, 401, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const { correlation_id: _id, ...problem } = JSON.parse(res.body) as Record<string, unknown>;
      bodies.add(JSON.stringify(problem));
    }
    assert.equal(bodies.size, 1, [...bodies].join('\n'));
  });

  it('answers an authenticated caller 404 for an unknown target and 400 for a malformed one', async () => {
    const unknown = await ask({ calling_service: 'codex', target_service: 'no-such-service' }, core.secrets['codex']);
    assert.equal(unknown.statusCode, 404);
    const malformed = await ask({ calling_service: 'codex', target_service: 'Bad Name!' }, core.secrets['codex']);
    assert.equal(malformed.statusCode, 400);
    assert.equal((JSON.parse(malformed.body) as { code: string }).code, 'validation_failed');
  });

  it('re-reads the secrets file when it changes', async () => {
    const file = path.join(core.dir, 'service-secrets.json');
    const fresh = 'a-brand-new-service-secret-of-enough-length';
    await writeFile(
      file,
      JSON.stringify({
        ...Object.fromEntries(Object.entries(core.secrets).map(([n, s]) => [n, hashServiceSecret(s)])),
        beacon: hashServiceSecret(fresh),
      }),
    );
    const res = await ask({ calling_service: 'beacon', target_service: 'codex' }, fresh);
    assert.equal(res.statusCode, 200, res.body);
  });

  it('is rate-limited per client address, answering 429 problem+json', async () => {
    const limited = await startCore({ env: { SERVICE_TOKEN_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const hit = () =>
        limited.app.inject({
          method: 'POST',
          url: '/service-token',
          payload: { calling_service: 'codex', target_service: 'ledger' },
          headers: { authorization: `Bearer ${limited.secrets['codex'] ?? ''}` },
          remoteAddress: '10.0.0.7',
        });
      for (let i = 0; i < 3; i += 1) assert.equal((await hit()).statusCode, 200);
      const res = await hit();
      assert.equal(res.statusCode, 429);
      assert.equal((JSON.parse(res.body) as { code: string }).code, 'rate_limited');
      assert.ok(Number(res.headers['retry-after']) >= 1);
      const other = await limited.app.inject({
        method: 'POST',
        url: '/service-token',
        payload: { calling_service: 'codex', target_service: 'ledger' },
        headers: { authorization: `Bearer ${limited.secrets['codex'] ?? ''}` },
        remoteAddress: '10.0.0.8',
      });
      assert.equal(other.statusCode, 200, 'another address has its own budget');
    } finally {
      await limited.close();
    }
  });
});
