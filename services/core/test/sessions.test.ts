/**
 * Sessions over time (a clock the tests move): refresh of live, expired-within-grace, revoked and
 * too-old sessions; back-channel logout by identity session id; and the admin API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock, peekClaims, startCore, type CoreHarness } from './harness.js';

const body = (res: { body: string }): Record<string, unknown> => JSON.parse(res.body) as Record<string, unknown>;
const MIN = 60_000;

describe('core: refresh', () => {
  let core: CoreHarness;
  before(async () => {
    core = await startCore({ clock: manualClock(), env: { SESSION_MAX_AGE_SEC: '7200' } });
  });
  after(() => core.close());

  const refresh = async (token: string) => core.post('/api/token/refresh', { token }, await core.serviceToken('nexus'));

  it('gives a live session a fresh token with the same jti and claims, new iat and exp', async () => {
    const { token } = await core.login({ groups: ['/billing'] });
    core.clock.advance(50 * MIN);
    const res = await refresh(token);
    assert.equal(res.statusCode, 200, res.body);
    const fresh = body(res) as { token: string; expires_in: number };
    const before = peekClaims(token);
    const after = peekClaims(fresh.token);
    assert.equal(after['jti'], before['jti']);
    assert.equal(after['sub'], before['sub']);
    assert.equal(after['permission_level'], 'billing');
    assert.deepEqual(after['groups'], before['groups']);
    assert.equal(Number(after['iat']) - Number(before['iat']), 50 * 60);
    assert.equal(fresh.expires_in, 3600);
    assert.equal(body(await core.post('/api/token/validate', { token: fresh.token }))['valid'], true);
    const session = await core.store.get(String(before['jti']));
    assert.equal(session?.lastRefreshAt, core.clock.now());
  });

  it('refreshes a token expired within the grace, not beyond it', async () => {
    const { token } = await core.login();
    core.clock.advance(64 * MIN);
    assert.equal((await refresh(token)).statusCode, 200);
    const late = await core.login();
    core.clock.advance(66 * MIN);
    const res = await refresh(late.token);
    assert.equal(res.statusCode, 401);
    assert.equal(body(res)['code'], 'token_expired');
  });

  it('refuses a revoked session with 401 token_revoked', async () => {
    const { token } = await core.login();
    assert.deepEqual(body(await core.post('/api/token/revoke', { token })), { revoked: true });
    const res = await refresh(token);
    assert.equal(res.statusCode, 401);
    assert.equal(body(res)['code'], 'token_revoked');
  });

  it('never extends a session past its maximum age', async () => {
    const { token } = await core.login();
    core.clock.advance(59 * MIN);
    const first = body(await refresh(token)) as { token: string; expires_in: number };
    assert.equal(first.expires_in, 3600);
    core.clock.advance(60 * MIN);
    const second = body(await refresh(first.token)) as { token: string; expires_in: number };
    assert.equal(second.expires_in, 60, 'capped at login + 2 h');
    core.clock.advance(2 * MIN);
    const res = await refresh(second.token);
    assert.equal(res.statusCode, 401);
    assert.equal(body(res)['code'], 'token_expired');
    assert.deepEqual(body(await core.post('/api/token/validate', { token: second.token })), {
      valid: false,
      reason: 'expired',
    });
  });

  it('is for the gateway only', async () => {
    const { token } = await core.login({ groups: ['/admins'] });
    assert.equal((await core.post('/api/token/refresh', { token })).statusCode, 401);
    assert.equal((await core.post('/api/token/refresh', { token }, token)).statusCode, 403);
    assert.equal((await core.post('/api/token/refresh', { token }, await core.serviceToken('codex'))).statusCode, 403);
  });
});

describe('core: back-channel logout', () => {
  let core: CoreHarness;
  before(async () => {
    core = await startCore();
  });
  after(() => core.close());

  it('revokes every session of an identity session and publishes each revocation', async () => {
    const nexus = await core.serviceToken('nexus');
    const a1 = await core.login({ sub: 'bob' }, { sid: 'sid-A' });
    const a2 = await core.login({ sub: 'bob' }, { sid: 'sid-A' });
    const b = await core.login({ sub: 'bob' }, { sid: 'sid-B' });
    const res = await core.post('/api/sessions/revoke-identity-session', { sid: 'sid-A' }, nexus);
    assert.deepEqual(body(res), { revoked: 2 });
    for (const { token } of [a1, a2])
      assert.deepEqual(body(await core.post('/api/token/validate', { token })), { valid: false, reason: 'revoked' });
    assert.equal(body(await core.post('/api/token/validate', { token: b.token }))['valid'], true);
    assert.deepEqual(body(await core.post('/api/sessions/revoke-identity-session', { sid: 'sid-A' }, nexus)), {
      revoked: 0,
    });

    const feed = await core.app.inject({
      url: '/api/revocations?since=0',
      headers: { authorization: `Bearer ${await core.serviceToken('codex')}` },
    });
    const jtis = (body(feed)['revocations'] as { jti: string }[]).map((entry) => entry.jti).sort();
    assert.deepEqual(jtis, [a1.session_id, a2.session_id].sort());
  });

  it('revokes by subject when the logout token has no sid, and needs sid or sub', async () => {
    const nexus = await core.serviceToken('nexus');
    const c = await core.login({ sub: 'carol' });
    assert.deepEqual(body(await core.post('/api/sessions/revoke-identity-session', { sub: 'carol' }, nexus)), {
      revoked: 1,
    });
    assert.deepEqual(body(await core.post('/api/token/validate', { token: c.token })), {
      valid: false,
      reason: 'revoked',
    });
    assert.equal((await core.post('/api/sessions/revoke-identity-session', {}, nexus)).statusCode, 400);
    assert.equal(
      (await core.post('/api/sessions/revoke-identity-session', { sid: 'x' }, await core.serviceToken('codex')))
        .statusCode,
      403,
    );
  });
});

describe('core: admin API', () => {
  let core: CoreHarness;
  let admin: string;
  before(async () => {
    core = await startCore({ clock: manualClock() });
    admin = (await core.login({ sub: 'the-admin', preferred_username: 'root', groups: ['/admins'] })).token;
  });
  after(() => core.close());

  const get = (url: string, token = admin) => core.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
  const del = (url: string, token = admin) =>
    core.app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${token}` } });

  it('lists the live sessions of a user, and of everybody', async () => {
    const s1 = await core.login({ sub: 'dave', preferred_username: 'dave' });
    core.clock.advance(MIN);
    const s2 = await core.login({ sub: 'dave', preferred_username: 'dave' });
    const res = await get('/api/admin/sessions?user=dave');
    assert.equal(res.statusCode, 200, res.body);
    const sessions = body(res)['sessions'] as {
      id: string;
      sub: string;
      username: string;
      created: string;
      expires: string;
      last_refresh: string | null;
    }[];
    assert.deepEqual(
      sessions.map((s) => s.id),
      [s1.session_id, s2.session_id],
    );
    assert.equal(sessions[0]?.username, 'dave');
    assert.equal(sessions[0]?.last_refresh, null);
    assert.equal(sessions[0]?.created, new Date(core.clock.now() - MIN).toISOString());
    const all = body(await get('/api/admin/sessions'))['sessions'] as { sub: string }[];
    assert.ok(all.some((s) => s.sub === 'the-admin') && all.some((s) => s.sub === 'dave'));
  });

  it('revokes one session, tells "already revoked" apart, and 404s an unknown one', async () => {
    const s = await core.login({ sub: 'erin' });
    assert.deepEqual(body(await del(`/api/admin/sessions/${s.session_id}`)), { revoked: true });
    assert.deepEqual(body(await del(`/api/admin/sessions/${s.session_id}`)), {
      revoked: false,
      reason: 'already_revoked',
    });
    assert.equal((await del('/api/admin/sessions/no-such-session')).statusCode, 404);
    assert.deepEqual(body(await get('/api/admin/sessions?user=erin')), { sessions: [] });
  });

  it('revokes every session of a user', async () => {
    await core.login({ sub: 'frank' });
    await core.login({ sub: 'frank' });
    const res = await core.post('/api/admin/users/frank/revoke-sessions', {}, admin);
    assert.deepEqual(body(res), { revoked: 2 });
    assert.deepEqual(body(await get('/api/admin/sessions?user=frank')), { sessions: [] });
  });

  it('is for admins only: 403 for other users and for services, 401 once the admin is revoked', async () => {
    const tech = (await core.login({ groups: ['/technicians'] })).token;
    assert.equal(body(await get('/api/admin/sessions', tech))['code'], 'forbidden');
    assert.equal(body(await get('/api/admin/sessions', await core.serviceToken('nexus')))['code'], 'users_only');
    const other = (await core.login({ sub: 'admin-2', groups: ['/admins'] })).token;
    await core.post('/api/token/revoke', { token: other });
    const res = await get('/api/admin/sessions', other);
    assert.equal(res.statusCode, 401);
    assert.equal(body(res)['code'], 'token_revoked');
  });
});
