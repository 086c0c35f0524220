/**
 * Signing keys: generated on first start with private files only core can read, kept across
 * restarts, shared by instances on one directory, and rotated so that tokens signed before the
 * rotation keep validating until they expire while new tokens carry the new kid.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openKeyRing } from '../src/domain/keys/key-ring.js';
import { manualClock, peekHeader, startCore } from './harness.js';
import { startProtectedService } from './protected-service.js';

const MIN = 60_000;
const tempDir = () => mkdtemp(path.join(tmpdir(), 'hm-keys-'));

describe('core: key ring on disk', () => {
  it('generates a key on first start (dir 0700, private key 0600) and keeps it across restarts', async () => {
    const dir = path.join(await tempDir(), 'keys');
    try {
      const first = await openKeyRing({ dir, now: Date.now, retireAfterSec: 3600 });
      const kid = first.signer().kid;
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
      assert.equal((await stat(path.join(dir, `${kid}.pem`))).mode & 0o777, 0o600);
      assert.deepEqual(first.jwks().keys.map((key) => [key.kid, key.alg, key.use, key.kty]), [[kid, 'RS256', 'sig', 'RSA']]);
      assert.equal(first.jwks().keys[0]?.['d'], undefined, 'no private part is published');
      const again = await openKeyRing({ dir, now: Date.now, retireAfterSec: 3600 });
      assert.equal(again.signer().kid, kid);
    } finally {
      await rm(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('lets two instances starting together on an empty directory agree on one key', async () => {
    const dir = await tempDir();
    try {
      const [a, b] = await Promise.all([
        openKeyRing({ dir, now: Date.now, retireAfterSec: 3600 }),
        openKeyRing({ dir, now: Date.now, retireAfterSec: 3600 }),
      ]);
      assert.equal(a.signer().kid, b.signer().kid);
      assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.pem')), [`${a.signer().kid}.pem`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('picks up a rotation made by another instance on the same directory', async () => {
    const dir = await tempDir();
    try {
      const a = await openKeyRing({ dir, now: Date.now, retireAfterSec: 3600 });
      const b = await openKeyRing({ dir, now: Date.now, retireAfterSec: 3600 });
      const { kid } = await a.rotate();
      // B verifies a token of the new key straight away (unknown kid → re-read), then signs with it.
      const key = await b.keySet({ alg: 'RS256', kid }, { payload: '', signature: '' });
      assert.ok(key);
      assert.equal(b.signer().kid, kid);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('core: key rotation', () => {
  it('keeps old tokens valid until they expire, signs new ones with the new kid, then retires the old key', async () => {
    const clock = manualClock();
    const core = await startCore({ clock });
    const service = await startProtectedService(core.url, 'template', core.secrets['template'] ?? '');
    try {
      const admin = await core.login({ groups: ['/admins'] });
      const before = await core.login();
      const oldKid = core.keys.signer().kid;
      assert.equal(peekHeader(before.token)['kid'], oldKid);
      assert.equal((await service.call(before.token)).status, 200);

      const rotated = await core.post('/api/admin/keys/rotate', {}, admin.token);
      assert.equal(rotated.statusCode, 200, rotated.body);
      const { kid: newKid, previous } = JSON.parse(rotated.body) as { kid: string; previous: { kid: string; retire_after: number } };
      assert.notEqual(newKid, oldKid);
      assert.equal(previous.kid, oldKid);
      assert.ok(previous.retire_after >= Math.floor(clock.now() / 1000) + 3600 + 300, 'published until its last token (refresh grace included) expired');

      const listed = JSON.parse((await core.app.inject({ url: '/api/admin/keys', headers: { authorization: `Bearer ${admin.token}` } })).body) as {
        keys: { kid: string; signing: boolean; retire_after: number | null }[];
      };
      assert.deepEqual(listed.keys.map((k) => [k.kid, k.signing, k.retire_after]), [[oldKid, false, previous.retire_after], [newKid, true, null]]);

      const after = await core.login();
      assert.equal(peekHeader(after.token)['kid'], newKid);
      const jwks = JSON.parse((await core.app.inject({ url: '/.well-known/jwks.json' })).body) as { keys: { kid: string }[] };
      assert.deepEqual(jwks.keys.map((key) => key.kid).sort(), [oldKid, newKid].sort());
      for (const token of [before.token, after.token]) {
        assert.equal((JSON.parse((await core.post('/api/token/validate', { token })).body) as { valid: boolean }).valid, true);
        assert.equal((await service.call(token)).status, 200, 'the SDK fetches the new key on the unknown kid');
      }
      // A refresh of an old-key token is signed with the new key.
      const refreshed = JSON.parse((await core.post('/api/token/refresh', { token: before.token }, await core.serviceToken('nexus'))).body) as { token: string };
      assert.equal(peekHeader(refreshed.token)['kid'], newKid);

      clock.advance(61 * MIN);
      assert.deepEqual(JSON.parse((await core.post('/api/token/validate', { token: before.token })).body), { valid: false, reason: 'expired' });
      assert.ok(core.keys.jwks().keys.some((key) => key.kid === oldKid), 'still published during the refresh grace');

      clock.advance(10 * MIN);
      assert.deepEqual(core.keys.jwks().keys.map((key) => key.kid), [newKid]);
      const headers = (await core.app.inject({ url: '/.well-known/jwks.json' })).headers;
      assert.equal(headers['cache-control'], 'public, max-age=300');
      assert.deepEqual(JSON.parse((await core.post('/api/token/validate', { token: before.token })).body), { valid: false, reason: 'invalid' });

      // The next rotation deletes the retired private key.
      await core.keys.rotate();
      assert.ok(!(await readdir(core.keysDir)).includes(`${oldKid}.pem`));
    } finally {
      await service.close();
      await core.close();
    }
  });

  it('lets only admins and helm (for `hivematrix keys rotate`) rotate', async () => {
    const core = await startCore();
    try {
      const tech = await core.login({ groups: ['/technicians'] });
      assert.equal((await core.post('/api/admin/keys/rotate', {}, tech.token)).statusCode, 403);
      assert.equal((await core.post('/api/admin/keys/rotate', {}, await core.serviceToken('codex'))).statusCode, 403);
      assert.equal((await core.post('/api/admin/keys/rotate', {}, await core.serviceToken('helm'))).statusCode, 200);
      assert.equal((await core.post('/api/admin/keys/rotate', {})).statusCode, 401);
    } finally {
      await core.close();
    }
  });
});
