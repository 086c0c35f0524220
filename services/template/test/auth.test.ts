/**
 * The template's security contract: who gets in where, and how a refusal looks.
 * Every attack token is rejected with 401 problem+json; roles and service tokens with 403.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { SignJWT, exportJWK, exportSPKI, importJWK } from 'jose';
import { FROZEN_NOW, startTemplate, type TemplateHarness } from './harness.js';

const nowSec = Math.floor(FROZEN_NOW.getTime() / 1000);
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('template: authentication and authorisation', () => {
  let t: TemplateHarness;
  let userToken: string;
  before(async () => {
    t = await startTemplate();
    userToken = await t.keys.mintUserToken({ permission_level: 'technician' }, { now: FROZEN_NOW.getTime() });
  });
  after(() => t.close());

  const get = (url: string, token?: string, extra: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra } });

  function assertProblem(
    res: { statusCode: number; headers: Record<string, unknown>; body: string },
    status: number,
    code?: string,
  ) {
    assert.equal(res.statusCode, status, res.body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const body = JSON.parse(res.body) as { status: number; code: string; stack?: unknown };
    assert.equal(body.status, status);
    assert.equal(body.stack, undefined);
    if (code) assert.equal(body.code, code);
  }

  it('answers an API call without a token with 401 problem+json', async () => {
    assertProblem(await get('/api/data'), 401, 'unauthorized');
  });

  it('redirects a page request without a token to the gateway login, keeping the page', async () => {
    const res = await get('/admin/settings');
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/login?next=' + encodeURIComponent('/admin/settings'));
  });

  it('accepts a valid user token', async () => {
    const res = await get('/api/data', userToken);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((JSON.parse(res.body) as { for: string }).for, 'user');
  });

  it('rejects a token with alg "none"', async () => {
    const claims = JSON.parse(Buffer.from(userToken.split('.')[1] ?? '', 'base64url').toString()) as object;
    const forged = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    assertProblem(await get('/api/data', forged), 401);
  });

  it('rejects HS256 signed with the public key as the secret', async () => {
    const claims = JSON.parse(Buffer.from(userToken.split('.')[1] ?? '', 'base64url').toString()) as object;
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: t.keys.kid });
    const payload = b64(claims);
    const pem = await exportSPKI(t.keys.publicKey);
    const signature = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url');
    assertProblem(await get('/api/data', `${header}.${payload}.${signature}`), 401);
  });

  it('rejects a token signed by an unknown kid, and by a foreign key claiming the known kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const foreign = await importJWK(await exportJWK(privateKey), 'RS256');
    const sign = (kid: string) =>
      new SignJWT({
        name: 'x',
        email: 'x@x',
        preferred_username: 'x',
        permission_level: 'admin',
        groups: ['admins'],
        jti: 'j1',
      })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setSubject('u1')
        .setIssuer('hivematrix-core')
        .setAudience('hivematrix')
        .setIssuedAt(nowSec)
        .setExpirationTime(nowSec + 600)
        .sign(foreign);
    assertProblem(await get('/api/data', await sign('someone-elses-key')), 401);
    assertProblem(await get('/api/data', await sign(t.keys.kid)), 401);
  });

  it('rejects a wrong issuer, a wrong audience and an expired token', async () => {
    const now = FROZEN_NOW.getTime();
    assertProblem(await get('/api/data', await t.keys.mintUserToken({ iss: 'evil' }, { now })), 401);
    assertProblem(await get('/api/data', await t.keys.mintUserToken({ aud: 'other-platform' }, { now })), 401);
    const expired = await t.keys.mintUserToken({}, { now: now - 2 * 3600_000, expiresInSec: 3600 });
    assertProblem(await get('/api/data', expired), 401, 'token_expired');
  });

  it('rejects a tampered payload', async () => {
    const [header, payload, signature] = userToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${b64({ ...claims, permission_level: 'admin' })}.${signature}`;
    assertProblem(await get('/admin/settings', tampered, { accept: 'application/json' }), 401);
    assertProblem(await get('/api/data', tampered), 401);
  });

  it('refuses a client-level user on the admin page with 403, and lets an admin in', async () => {
    const now = FROZEN_NOW.getTime();
    const client = await t.keys.mintUserToken({ permission_level: 'client', groups: [] }, { now });
    assertProblem(await get('/admin/settings', client), 403, 'forbidden');
    const admin = await t.keys.mintUserToken({ permission_level: 'admin', groups: ['admins'] }, { now });
    const res = await get('/admin/settings', admin);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Settings/);
    assert.doesNotMatch(res.body, /postgres:\/\//, 'the database URL (with its password) is never shown');
  });

  it('lets a service token in only where its caller is named', async () => {
    const now = FROZEN_NOW.getTime();
    const codex = await t.keys.mintServiceToken('codex', 'template', { now });
    const ledger = await t.keys.mintServiceToken('ledger', 'template', { now });
    const res = await get('/api/data', codex);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((JSON.parse(res.body) as { for: string; caller: string }).caller, 'codex');
    assertProblem(await get('/api/data', ledger), 403, 'service_not_allowed');
    assertProblem(await get('/', codex), 403, 'users_only');
    assertProblem(await get('/admin/settings', codex), 403, 'users_only');
    const post = await t.app.inject({
      method: 'POST',
      url: '/api/data',
      headers: { authorization: `Bearer ${codex}` },
      payload: { body: 'x' },
    });
    assertProblem(post, 403, 'users_only');
  });

  it('rejects a service token minted for another service', async () => {
    const forCodex = await t.keys.mintServiceToken('helm', 'codex', { now: FROZEN_NOW.getTime() });
    assertProblem(await get('/api/data', forCodex), 401);
  });
});

describe('template: revocation', () => {
  it('rejects a token whose session was revoked', async () => {
    const revoked = new Set<string>();
    const t = await startTemplate({ isRevoked: (jti) => revoked.has(jti) });
    try {
      const token = await t.keys.mintUserToken({ jti: 'session-1' }, { now: FROZEN_NOW.getTime() });
      const ok = await t.app.inject({ url: '/api/data', headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.statusCode, 200);
      revoked.add('session-1');
      const res = await t.app.inject({ url: '/api/data', headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.statusCode, 401);
      assert.equal((JSON.parse(res.body) as { code: string }).code, 'token_revoked');
    } finally {
      await t.close();
    }
  });
});
