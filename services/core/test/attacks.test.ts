/**
 * Forged and misused platform tokens: core's validate calls them invalid (or expired) and a
 * service protected by the SDK, verifying against core's real JWKS, answers 401. Cases from
 * RFC 8725 §2: `alg: none`, algorithm confusion (HS256 keyed with the public key), a foreign key
 * claiming core's kid, wrong issuer or audience, expiry, and tampered claims.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import { createTokenIssuer } from '../src/domain/tokens.js';
import { startCore, peekClaims, type CoreHarness } from './harness.js';
import { startProtectedService, type ProtectedService } from './protected-service.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('core: attack tokens are refused by validate and by SDK-protected services', () => {
  let core: CoreHarness;
  let service: ProtectedService;
  let genuine: string;
  let claims: Record<string, unknown>;
  before(async () => {
    core = await startCore();
    service = await startProtectedService(core.url, 'template', core.secrets['template'] ?? '');
    genuine = (await core.login({ groups: ['/technicians'] })).token;
    claims = peekClaims(genuine);
  });
  after(async () => {
    await service.close();
    await core.close();
  });

  async function expectRefused(token: string, reason: 'invalid' | 'expired'): Promise<void> {
    const validated = await core.post('/api/token/validate', { token });
    assert.equal(validated.statusCode, 200);
    assert.deepEqual(JSON.parse(validated.body), { valid: false, reason });
    const called = await service.call(token);
    assert.equal(called.status, 401, JSON.stringify(called.body));
    assert.equal(called.body['code'], reason === 'expired' ? 'token_expired' : 'token_invalid');
  }

  async function signForeign(payload: Record<string, unknown>, kid: string): Promise<string> {
    const { privateKey } = await generateKeyPair('RS256');
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
  }

  it('accepts the genuine token (the baseline)', async () => {
    assert.equal(
      (JSON.parse((await core.post('/api/token/validate', { token: genuine })).body) as { valid: boolean }).valid,
      true,
    );
    assert.equal((await service.call(genuine)).status, 200);
  });

  it('refuses alg "none"', async () => {
    await expectRefused(
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, permission_level: 'admin' })}.`,
      'invalid',
    );
  });

  it("refuses HS256 signed with core's public key as the HMAC secret", async () => {
    const pem = createPublicKey({ key: core.keys.signer().publicJwk, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: core.keys.signer().kid });
    const payload = b64(claims);
    const signature = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url');
    await expectRefused(`${header}.${payload}.${signature}`, 'invalid');
  });

  it("refuses a foreign key claiming core's kid, and an unknown kid", async () => {
    await expectRefused(await signForeign(claims, core.keys.signer().kid), 'invalid');
    await expectRefused(await signForeign(claims, 'some-other-kid'), 'invalid');
  });

  it("refuses a wrong issuer and a wrong audience, even signed by core's own key", async () => {
    const key = core.keys.signer();
    const sign = (payload: Record<string, unknown>) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
    await expectRefused(await sign({ ...claims, iss: 'evil-core' }), 'invalid');
    await expectRefused(await sign({ ...claims, aud: 'another-platform' }), 'invalid');
  });

  it('refuses a service token presented as a user token', async () => {
    const serviceToken = await core.serviceToken('codex', 'template');
    const validated = JSON.parse((await core.post('/api/token/validate', { token: serviceToken })).body) as {
      valid: boolean;
      reason: string;
    };
    assert.deepEqual(validated, { valid: false, reason: 'invalid' });
  });

  it('calls an expired token expired', async () => {
    const session = await core.store.get(String(claims['jti']));
    assert.ok(session);
    const past = Date.now() - 3 * 3600_000;
    const issuer = createTokenIssuer({ keys: core.keys, now: () => past, newId: () => 'unused' });
    const expired = await issuer.mintUserToken(session, Math.floor(past / 1000) + 3600);
    await expectRefused(expired.token, 'expired');
  });

  it('refuses tampered claims and a tampered signature', async () => {
    const [header, , signature] = genuine.split('.');
    await expectRefused(`${header}.${b64({ ...claims, permission_level: 'admin' })}.${signature}`, 'invalid');
    await expectRefused(`${header}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`, 'invalid');
    await expectRefused(`${genuine.slice(0, -6)}AAAAAA`, 'invalid');
    await expectRefused('not.a.jwt', 'invalid');
  });

  it('answers 400 to a validate without a token', async () => {
    const res = await core.post('/api/token/validate', {});
    assert.equal(res.statusCode, 400);
    assert.equal((JSON.parse(res.body) as { code: string }).code, 'validation_failed');
  });
});
