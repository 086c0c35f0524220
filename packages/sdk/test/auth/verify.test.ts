import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { exportSPKI } from 'jose';
import { AppError } from '../../src/errors.js';
import { createCoreKeySet, createLocalKeySet } from '../../src/auth/key-set.js';
import { createTokenVerifier } from '../../src/auth/verify.js';
import { createTestKeys } from '../../src/testing/keys.js';
import type { TestKeys } from '../../src/testing/keys.js';
import { startFakeCore } from '../../src/testing/fake-core.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

describe('createTokenVerifier', () => {
  let keys: TestKeys;
  let foreign: TestKeys;
  const verifier = (extra: { isRevoked?: (jti: string) => boolean; now?: number } = {}) =>
    createTokenVerifier({
      keySet: createLocalKeySet(keys.jwks),
      serviceName: 'codex',
      now: () => extra.now ?? NOW,
      ...(extra.isRevoked ? { isRevoked: extra.isRevoked } : {}),
    });

  before(async () => {
    keys = await createTestKeys();
    foreign = await createTestKeys('test-key-1'); // same kid, different key pair
  });

  it('accepts a user token and returns its parsed claims', async () => {
    const token = await keys.mintUserToken({ permission_level: 'admin', sub: 'u-1', jti: 's-1' }, { now: NOW });
    const principal = await verifier().verify(token);
    assert.equal(principal.kind, 'user');
    if (principal.kind !== 'user') return;
    assert.equal(principal.user.sub, 'u-1');
    assert.equal(principal.user.permission_level, 'admin');
    assert.equal(principal.user.jti, 's-1');
    assert.deepEqual(principal.user.groups, ['technicians']);
  });

  it('accepts a user token whose aud is a list containing the platform audience', async () => {
    const token = await keys.mintUserToken({ aud: ['other', 'hivematrix'] }, { now: NOW });
    assert.equal((await verifier().verify(token)).kind, 'user');
  });

  it('accepts a service token addressed to this service', async () => {
    const token = await keys.mintServiceToken('ledger', 'codex', { now: NOW });
    const principal = await verifier().verify(token);
    assert.equal(principal.kind, 'service');
    if (principal.kind !== 'service') return;
    assert.equal(principal.service, 'ledger');
    assert.equal(principal.claims.target_service, 'codex');
  });

  it('rejects alg none', async () => {
    const payload = {
      iss: 'hivematrix-core',
      aud: 'hivematrix',
      sub: 'x',
      name: 'n',
      email: '',
      preferred_username: 'x',
      permission_level: 'admin',
      groups: [],
      jti: 'j',
      iat: NOW / 1000,
      exp: NOW / 1000 + 3600,
    };
    const token = `${b64url({ alg: 'none', typ: 'JWT', kid: keys.kid })}.${b64url(payload)}.`;
    await rejectsWith(verifier().verify(token), 'token_invalid');
  });

  it('rejects HS256 signed with the public key as the HMAC secret', async () => {
    const pem = await exportSPKI(keys.publicKey);
    const claims = JSON.parse(
      Buffer.from(
        (await keys.mintUserToken({ permission_level: 'admin' }, { now: NOW })).split('.')[1] ?? '',
        'base64url',
      ).toString(),
    ) as unknown;
    for (const secret of [pem, JSON.stringify(keys.publicJwk), keys.publicJwk.n ?? '']) {
      const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: keys.kid })}.${b64url(claims)}`;
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      await rejectsWith(verifier().verify(token), 'token_invalid');
    }
  });

  it('rejects a token from a foreign key that claims the known kid', async () => {
    await rejectsWith(verifier().verify(await foreign.mintUserToken({}, { now: NOW })), 'token_invalid');
  });

  it('rejects an unknown kid', async () => {
    const other = await createTestKeys('unknown-kid');
    await rejectsWith(verifier().verify(await other.mintUserToken({}, { now: NOW })), 'token_invalid');
  });

  it('rejects a wrong issuer and a wrong audience', async () => {
    await rejectsWith(verifier().verify(await keys.mintUserToken({ iss: 'evil' }, { now: NOW })), 'token_invalid');
    await rejectsWith(
      verifier().verify(await keys.mintUserToken({ aud: 'other-platform' }, { now: NOW })),
      'token_invalid',
    );
    // A user token addressed only to this service is not a platform token.
    await rejectsWith(verifier().verify(await keys.mintUserToken({ aud: 'codex' }, { now: NOW })), 'token_invalid');
  });

  it('rejects an expired token, allowing 30 s of clock skew', async () => {
    const token = await keys.mintUserToken({}, { now: NOW - 3600_000, expiresInSec: 3600 });
    assert.equal((await verifier({ now: NOW + 29_000 }).verify(token)).kind, 'user');
    await rejectsWith(verifier({ now: NOW + 31_000 }).verify(token), 'token_expired');
  });

  it('rejects a tampered payload', async () => {
    const [header, payload, signature] = (await keys.mintUserToken({ permission_level: 'client' }, { now: NOW })).split(
      '.',
    );
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    claims['permission_level'] = 'admin';
    await rejectsWith(verifier().verify(`${header}.${b64url(claims)}.${signature}`), 'token_invalid');
  });

  it('rejects a user token without jti, and malformed claims', async () => {
    await rejectsWith(verifier().verify(await keys.mintUserToken({ jti: undefined }, { now: NOW })), 'token_invalid');
    await rejectsWith(
      verifier().verify(await keys.mintUserToken({ permission_level: 'root' as 'admin' }, { now: NOW })),
      'token_invalid',
    );
    await rejectsWith(verifier().verify(await keys.mintUserToken({ exp: undefined }, { now: NOW })), 'token_invalid');
  });

  it('rejects a service token for another service, or whose target differs from its aud', async () => {
    await rejectsWith(verifier().verify(await keys.mintServiceToken('helm', 'ledger', { now: NOW })), 'token_invalid');
    const mismatched = await keys.mintServiceToken('helm', 'codex', {
      now: NOW,
      overrides: { target_service: 'ledger' },
    });
    await rejectsWith(verifier().verify(mismatched), 'token_invalid');
    const platformWide = await keys.mintServiceToken('helm', 'codex', {
      now: NOW,
      overrides: { aud: ['hivematrix', 'codex'] },
    });
    await rejectsWith(verifier().verify(platformWide), 'token_invalid');
  });

  it('rejects garbage', async () => {
    for (const token of ['', 'abc', 'a.b.c', 'a.b', `${b64url({ alg: 'RS256' })}.e30.`]) {
      await rejectsWith(verifier().verify(token), 'token_invalid');
    }
  });

  it('rejects a revoked jti', async () => {
    const token = await keys.mintUserToken({ jti: 'revoked-session' }, { now: NOW });
    const revoked = new Set(['revoked-session']);
    await rejectsWith(verifier({ isRevoked: (jti) => revoked.has(jti) }).verify(token), 'token_revoked');
    revoked.clear();
    assert.equal((await verifier({ isRevoked: (jti) => revoked.has(jti) }).verify(token)).kind, 'user');
  });
});

describe('createCoreKeySet (remote)', () => {
  let keys: TestKeys;
  before(async () => {
    keys = await createTestKeys('k1');
  });

  it('caches the JWKS, refetches once for an unknown kid, and picks up a rotated key', async () => {
    const core = await startFakeCore({ keys, serviceSecrets: {} });
    try {
      const verifier = createTokenVerifier({
        keySet: createCoreKeySet({ jwksUrl: `${core.url}/.well-known/jwks.json`, cooldownMs: 0 }),
        serviceName: 'codex',
      });
      await verifier.verify(await keys.mintUserToken());
      await verifier.verify(await keys.mintUserToken());
      assert.equal(core.jwksRequests, 1);

      const stranger = await createTestKeys('k-unknown');
      await rejectsWith(verifier.verify(await stranger.mintUserToken()), 'token_invalid');
      assert.equal(core.jwksRequests, 2, 'exactly one refetch for the unknown kid');

      const rotated = await createTestKeys('k2');
      core.setJwks({ keys: [keys.publicJwk, rotated.publicJwk] });
      assert.equal((await verifier.verify(await rotated.mintUserToken())).kind, 'user');
      assert.equal(core.jwksRequests, 3);
    } finally {
      await core.close();
    }
  });

  it('rate-limits refetches with the cooldown', async () => {
    const core = await startFakeCore({ keys, serviceSecrets: {} });
    try {
      const verifier = createTokenVerifier({
        keySet: createCoreKeySet({ jwksUrl: `${core.url}/.well-known/jwks.json` }),
        serviceName: 'codex',
      });
      const stranger = await createTestKeys('k-unknown');
      for (let i = 0; i < 5; i += 1)
        await rejectsWith(verifier.verify(await stranger.mintUserToken()), 'token_invalid');
      assert.equal(core.jwksRequests, 1);
    } finally {
      await core.close();
    }
  });

  it('answers service_unavailable, not a 401, when the JWKS cannot be fetched', async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError('fetch failed'));
    const down = createTokenVerifier({
      keySet: createCoreKeySet({ jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json', fetch: failing }),
      serviceName: 'codex',
    });
    await rejectsWith(down.verify(await keys.mintUserToken()), 'service_unavailable');
    const erroring: typeof fetch = () => Promise.resolve(new Response('nope', { status: 500 }));
    const broken = createTokenVerifier({
      keySet: createCoreKeySet({ jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json', fetch: erroring }),
      serviceName: 'codex',
    });
    await rejectsWith(broken.verify(await keys.mintUserToken()), 'service_unavailable');
  });
});
