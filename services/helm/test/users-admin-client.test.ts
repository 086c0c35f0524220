/** The admin client's token handling: reused while valid, renewed before expiry, retried once on 401, a refusal not remembered. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityAdmin, IdentityAdminError } from '../src/identity/admin-client.js';

function fakeProvider() {
  const state = { tokens: 0, refuseToken: false, valid: new Set<string>(), calls: [] as string[] };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    if (url.endsWith('/token')) {
      if (state.refuseToken) return new Response('{"error":"invalid_client"}', { status: 401 });
      state.tokens += 1;
      const token = `t${state.tokens}`;
      state.valid.add(token);
      return Response.json({ access_token: token, expires_in: 60 });
    }
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    state.calls.push(`${init?.method ?? 'GET'} ${url.replace('http://idp/admin', '')} ${auth}`);
    if (!state.valid.has(auth.replace('Bearer ', '')))
      return new Response('{"error":"HTTP 401 Unauthorized"}', { status: 401 });
    if (url.includes('/users/count')) return Response.json(3);
    if (url.endsWith('/logout')) return new Response(null, { status: 204 });
    return new Response('{"errorMessage":"User not found"}', { status: 404 });
  };
  return { state, fetch };
}

describe('identity admin client', () => {
  it('reuses a token, renews it 30 s before it expires, and retries once with a new one after a 401', async () => {
    const provider = fakeProvider();
    let now = 0;
    const admin = createIdentityAdmin({
      tokenUrl: 'http://idp/token',
      adminUrl: 'http://idp/admin',
      clientId: 'c',
      clientSecret: 's',
      fetch: provider.fetch,
      now: () => now,
    });
    assert.equal(await admin.countUsers(), 3);
    assert.equal(await admin.countUsers('x'), 3);
    assert.equal(provider.state.tokens, 1);
    now = 31_000;
    await admin.logout('u1');
    assert.equal(provider.state.tokens, 2, 'renewed before expiry');
    assert.equal(provider.state.calls.at(-1), 'POST /users/u1/logout Bearer t2');
    provider.state.valid.clear();
    assert.equal(await admin.countUsers(), 3);
    assert.equal(provider.state.tokens, 3, 'a 401 fetched a new token once');
    await assert.rejects(
      admin.getUser('nope'),
      (error: unknown) =>
        error instanceof IdentityAdminError && error.status === 404 && /User not found/.test(error.message),
    );
  });

  it('does not remember a refused token request', async () => {
    const provider = fakeProvider();
    provider.state.refuseToken = true;
    const admin = createIdentityAdmin({
      tokenUrl: 'http://idp/token',
      adminUrl: 'http://idp/admin',
      clientId: 'c',
      clientSecret: 's',
      fetch: provider.fetch,
    });
    await assert.rejects(admin.countUsers(), /refused the admin client \(HTTP 401/);
    provider.state.refuseToken = false;
    assert.equal(await admin.countUsers(), 3);
  });
});
