/**
 * Service-to-service calls do not share one budget across users: a call made while handling a
 * user's request carries `X-On-Behalf-Of: <sub>`, and the receiver counts it against that user.
 * Before, every call from ledger counted against `service:ledger`, so one busy user spent it for
 * everyone and every user got a 502.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import {
  ON_BEHALF_OF_HEADER,
  createLocalKeySet,
  createLogger,
  createServiceApp,
  createServiceClient,
  createTokenVerifier,
  currentCallUser,
  requestUser,
  requireAuth,
  requireUser,
  runAsUser,
  type ServiceApp,
} from '../../src/index.js';
import { createTestKeys, type TestKeys } from '../../src/testing/keys.js';

const CORE = 'http://core.invalid';

describe('sdk: service calls are counted against the user they are made for', () => {
  let keys: TestKeys;
  let codex: ServiceApp;
  let ledger: ServiceApp;
  const seenByCodex: (string | null)[] = [];

  before(async () => {
    keys = await createTestKeys();
    const logger = createLogger({ service: 'test', level: 'silent' });
    // The receiver: 3 requests a minute per caller, so budgets run out quickly.
    codex = await createServiceApp({
      service: 'codex',
      logger,
      verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'codex' }),
      trustedProxies: [],
      rateLimit: { max: 3, windowMs: 60_000 },
    });
    codex.get('/data', { preHandler: requireAuth({ services: ['ledger'] }) }, (request) => {
      seenByCodex.push(requestUser(request));
      return { for: requestUser(request) };
    });
    await codex.listen({ host: '127.0.0.1', port: 0 });
    const { port } = codex.server.address() as AddressInfo;

    const client = createServiceClient({
      serviceName: 'ledger',
      secret: 'x'.repeat(32),
      coreUrl: CORE,
      services: { codex: { url: `http://127.0.0.1:${port}` } },
      fetch: async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url === `${CORE}/service-token`)
          return Response.json({ token: await keys.mintServiceToken('ledger', 'codex') });
        return globalThis.fetch(input, init);
      },
    });
    // The caller: a page that makes one codex call deep inside, without passing the user along.
    ledger = await createServiceApp({
      service: 'ledger',
      logger,
      verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'ledger' }),
      trustedProxies: [],
      rateLimit: { max: 1000, windowMs: 60_000 },
    });
    const domainCode = () => client.call<{ for: string | null }>('codex', '/data');
    ledger.get('/page', { preHandler: requireUser() }, async () => domainCode());
    await ledger.ready();
  });
  after(async () => {
    await ledger.close();
    await codex.close();
  });

  const page = async (token: string) =>
    ledger.inject({ url: '/page', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });

  it('one user spending their budget leaves another user served', async () => {
    const first = await keys.mintUserToken({ sub: 'user-busy' });
    const second = await keys.mintUserToken({ sub: 'user-calm' });
    for (let index = 0; index < 3; index += 1) {
      const ok = await page(first);
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json(), { for: 'user-busy' });
    }
    const spent = await page(first);
    assert.equal(spent.statusCode, 429, 'the busy user is told to slow down, not given a 502');
    assert.equal(spent.json<{ code: string }>().code, 'rate_limited');
    assert.ok(Number(spent.headers['retry-after']) > 0);

    const other = await page(second);
    assert.equal(other.statusCode, 200, other.body);
    assert.deepEqual(other.json(), { for: 'user-calm' });
  });

  it('believes the header only next to a service token', async () => {
    const url = `http://127.0.0.1:${(codex.server.address() as AddressInfo).port}/data`;
    // A user cannot shift their requests to someone else's budget: their own token decides.
    const userToken = await keys.mintUserToken({ sub: 'user-forger' });
    const forged = await fetch(url, {
      headers: { authorization: `Bearer ${userToken}`, [ON_BEHALF_OF_HEADER]: 'user-calm' },
    });
    assert.equal(forged.status, 200);
    assert.deepEqual(await forged.json(), { for: 'user-forger' });
    // Without any token the header is ignored too: counted by address, refused by the guard.
    const anonymous = await fetch(url, { headers: { [ON_BEHALF_OF_HEADER]: 'user-calm' } });
    await anonymous.body?.cancel();
    assert.equal(anonymous.status, 401);
  });

  it('outside a request no user is sent; runAsUser and an explicit option name one', async () => {
    assert.equal(currentCallUser(), null);
    assert.equal(
      runAsUser('job-user', () => currentCallUser()),
      'job-user',
    );
  });
});
