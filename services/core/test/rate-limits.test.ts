/**
 * Rate limits keyed by who calls: the gateway's exchanges count against the gateway's service
 * budget (not one address shared by every user), validate counts per client address, and every
 * refusal is a 429 problem+json with Retry-After.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startCore } from './harness.js';

function assert429(res: LightMyRequestResponse): void {
  assert.equal(res.statusCode, 429, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal((JSON.parse(res.body) as { code: string }).code, 'rate_limited');
  assert.ok(Number(res.headers['retry-after']) >= 1);
}

describe('core: rate limits', () => {
  it('counts exchanges per calling service, with the service budget', async () => {
    const core = await startCore({
      env: { SERVICE_RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_PER_MINUTE: '1000', EXCHANGE_CALLERS: 'nexus,helm' },
    });
    try {
      const exchange = async (caller: string) =>
        core.post(
          '/api/token/exchange',
          { access_token: core.identity.issueAccessToken({ sub: 'u' }) },
          await core.serviceToken(caller),
        );
      assert.equal((await exchange('nexus')).statusCode, 200);
      assert.equal((await exchange('nexus')).statusCode, 200);
      assert429(await exchange('nexus'));
      assert.equal((await exchange('helm')).statusCode, 200, 'another service has its own budget');
    } finally {
      await core.close();
    }
  });

  it('counts validations per client address', async () => {
    const core = await startCore({ env: { VALIDATE_RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const { token } = await core.login();
      const validate = (remoteAddress: string) =>
        core.app.inject({ method: 'POST', url: '/api/token/validate', payload: { token }, remoteAddress });
      assert.equal((await validate('10.1.1.1')).statusCode, 200);
      assert.equal((await validate('10.1.1.1')).statusCode, 200);
      assert429(await validate('10.1.1.1'));
      assert.equal((await validate('10.1.1.2')).statusCode, 200);
    } finally {
      await core.close();
    }
  });
});
