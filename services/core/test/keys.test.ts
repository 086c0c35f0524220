/**
 * Signing keys: generated on first start, kept in core's database with the private parts sealed,
 * shared by every instance (a rotation by one is served by the others within seconds, and two
 * concurrent rotations make one key), imported from an older install's key files, and rotated so
 * that tokens signed before the rotation keep validating until they expire while new tokens
 * carry the new kid.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT, importPKCS8 } from 'jose';
import pg from 'pg';
import { readLegacyKeys } from '../src/domain/keys/key-files.js';
import { generateSigningKey } from '../src/domain/keys/key-material.js';
import { openKeyRing, type KeyRing } from '../src/domain/keys/key-ring.js';
import { createMemoryKeyStore, type KeyStore } from '../src/domain/keys/key-store.js';
import { openCoreTestDatabase, type CoreTestDatabase } from './database.js';
import { manualClock, peekHeader, startCore } from './harness.js';
import { startProtectedService } from './protected-service.js';

const MIN = 60_000;

const ring = (
  store: KeyStore,
  extra: { syncIntervalMs?: number; activationDelaySec?: number; now?: () => number } = {},
): Promise<KeyRing> =>
  openKeyRing({
    store,
    now: extra.now ?? Date.now,
    retireAfterSec: 3600,
    activationDelaySec: extra.activationDelaySec ?? 0,
    syncIntervalMs: extra.syncIntervalMs ?? 0,
  });

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(25);
  }
  return Date.now() - started;
}

describe('core: key ring in memory', () => {
  it('generates a key on first start and publishes only its public part', async () => {
    const first = await ring(createMemoryKeyStore());
    const kid = first.signer().kid;
    assert.deepEqual(
      first.jwks().keys.map((key) => [key.kid, key.alg, key.use, key.kty]),
      [[kid, 'RS256', 'sig', 'RSA']],
    );
    assert.equal(first.jwks().keys[0]?.['d'], undefined, 'no private part is published');
  });
});

describe('core: keys in PostgreSQL shared by instances', () => {
  let database: CoreTestDatabase;
  before(async () => {
    database = await openCoreTestDatabase('keys');
    await database.keyStore(); // applies the migrations
  });
  after(async () => {
    await database.drop();
  });
  const rows = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (
        await client.query<{ kid: string; private_key: Buffer; sealed_with: string; row: string }>(
          'SELECT kid, private_key, sealed_with, signing_keys::text AS row FROM signing_keys',
        )
      ).rows;
    } finally {
      await client.end();
    }
  };
  const clear = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('DELETE FROM signing_keys').finally(() => client.end());
  };

  it('lets two instances starting together on an empty database agree on one key, kept across restarts', async () => {
    await clear();
    const [a, b] = await Promise.all([ring(await database.keyStore()), ring(await database.keyStore())]);
    assert.equal(a.signer().kid, b.signer().kid);
    assert.equal((await rows()).length, 1);
    const restarted = await ring(await database.keyStore());
    assert.equal(restarted.signer().kid, a.signer().kid);
  });

  it('stores private keys sealed: no PEM, no key bytes in the table, and another secret cannot open them', async () => {
    const store = await database.keyStore();
    const keys = await ring(store);
    const kid = keys.signer().kid;
    const pem = await store.privateKey(kid);
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----/);
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    for (const row of await rows()) {
      assert.ok(!row.row.includes('PRIVATE KEY'), 'no PEM in the row');
      assert.equal(row.private_key.indexOf(der.subarray(0, 64)), -1, 'the DER of the key is not in the column');
      assert.equal(row.private_key.indexOf(der.subarray(der.length - 64)), -1);
      assert.ok(!row.row.includes(der.subarray(100, 148).toString('hex')), 'nor in the row as hex');
      assert.equal(row.private_key[0], 1, 'sealed format 1');
    }
    const other = await database.keyStore('another-secret-that-is-long-enough-to-be-used');
    await assert.rejects(other.privateKey(kid), /sealed under another secret/);
    await assert.rejects(ring(other), /sealed under another secret/);
  });

  it('serves, on a second instance, a key rotated by the first within seconds, and signs with it once it is active', async () => {
    await clear();
    const a = await ring(await database.keyStore(), { syncIntervalMs: 200, activationDelaySec: 1 });
    const b = await ring(await database.keyStore(), { syncIntervalMs: 200, activationDelaySec: 1 });
    try {
      const oldKid = b.signer().kid;
      const rotated = await a.rotate();
      assert.notEqual(rotated.kid, oldKid);
      assert.equal(a.signer().kid, oldKid, 'published first, signing only after the activation delay');
      const took = await until(() => b.jwks().keys.some((key) => key.kid === rotated.kid), 3000);
      assert.ok(took < 1000, `the second instance published the new key after ${took} ms`);
      assert.deepEqual(
        b
          .jwks()
          .keys.map((key) => key.kid)
          .sort(),
        [oldKid, rotated.kid].sort(),
        'the old key stays published',
      );
      await until(() => b.signer().kid === rotated.kid && a.signer().kid === rotated.kid, 3000);
    } finally {
      a.close();
      b.close();
    }
  });

  it('makes one new key out of two concurrent rotations on two instances', async () => {
    await clear();
    const a = await ring(await database.keyStore());
    const b = await ring(await database.keyStore());
    const first = a.signer().kid;
    const [ra, rb] = await Promise.all([a.rotate(), b.rotate()]);
    assert.equal(ra.kid, rb.kid);
    assert.deepEqual(ra.previous, rb.previous);
    assert.equal(ra.previous.kid, first);
    assert.deepEqual((await rows()).map((row) => row.kid).sort(), [first, ra.kid].sort());
    // A later rotation is a rotation again.
    const next = await b.rotate();
    assert.notEqual(next.kid, ra.kid);
    assert.equal((await rows()).length, 3);
  });

  it('imports the key files of an older install on the first start, so its tokens stay valid', async () => {
    await clear();
    const dir = await mkdtemp(path.join(tmpdir(), 'hm-legacy-keys-'));
    try {
      const old = await generateSigningKey();
      const current = await generateSigningKey();
      const nowSec = Math.floor(Date.now() / 1000);
      for (const key of [old, current])
        await writeFile(path.join(dir, `${key.kid}.pem`), key.privatePem, { mode: 0o600 });
      await writeFile(
        path.join(dir, 'manifest.json'),
        JSON.stringify({
          version: 1,
          signer: current.kid,
          keys: [
            { kid: old.kid, created_at: nowSec - 7200, retire_after: nowSec + 600 },
            { kid: current.kid, created_at: nowSec - 60, retire_after: null },
          ],
        }),
      );
      const token = await new SignJWT({ sub: 'u' })
        .setProtectedHeader({ alg: 'RS256', kid: old.kid })
        .sign(await importPKCS8(old.privatePem, 'RS256'));
      const opened = await openKeyRing({
        store: await database.keyStore(),
        now: Date.now,
        retireAfterSec: 3600,
        activationDelaySec: 0,
        initialKeys: () => readLegacyKeys(dir),
      });
      assert.equal(opened.signer().kid, current.kid);
      assert.deepEqual(
        opened
          .keys()
          .map((key) => [key.kid, key.signing, key.retire_after])
          .sort(),
        [
          [old.kid, false, nowSec + 600],
          [current.kid, true, null],
        ].sort(),
      );
      assert.ok(
        await opened.keySet({ alg: 'RS256', kid: peekHeader(token)['kid'] as string }, { payload: '', signature: '' }),
      );
      // Imported once: a second instance reads the database, whatever the files say later.
      await rm(path.join(dir, 'manifest.json'));
      const second = await ring(await database.keyStore());
      assert.equal(second.signer().kid, current.kid);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs two core instances on one database: a token of the new key validates on both', async () => {
    await clear();
    const a = await startCore({ database, keySync: { intervalMs: 200, activationDelaySec: 1 } });
    const b = await startCore({
      database,
      identity: a.identity,
      secrets: a.secrets,
      keySync: { intervalMs: 200, activationDelaySec: 1 },
    });
    try {
      const admin = await a.login({ groups: ['/admins'] });
      const rotated = await a.post('/api/admin/keys/rotate', {}, admin.token);
      assert.equal(rotated.statusCode, 200, rotated.body);
      const { kid } = JSON.parse(rotated.body) as { kid: string };
      await until(async () => {
        const jwks = JSON.parse((await b.app.inject({ url: '/.well-known/jwks.json' })).body) as {
          keys: { kid: string }[];
        };
        return jwks.keys.some((key) => key.kid === kid);
      }, 3000);
      await until(() => b.keys.signer().kid === kid, 3000);
      const user = await b.login();
      assert.equal(peekHeader(user.token)['kid'], kid);
      assert.equal(
        (JSON.parse((await a.post('/api/token/validate', { token: user.token })).body) as { valid: boolean }).valid,
        true,
      );
    } finally {
      await b.close();
      await a.close();
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
      const { kid: newKid, previous } = JSON.parse(rotated.body) as {
        kid: string;
        previous: { kid: string; retire_after: number };
      };
      assert.notEqual(newKid, oldKid);
      assert.equal(previous.kid, oldKid);
      assert.ok(
        previous.retire_after >= Math.floor(clock.now() / 1000) + 3600 + 300,
        'published until its last token (refresh grace included) expired',
      );

      const listed = JSON.parse(
        (await core.app.inject({ url: '/api/admin/keys', headers: { authorization: `Bearer ${admin.token}` } })).body,
      ) as {
        keys: { kid: string; signing: boolean; retire_after: number | null }[];
      };
      assert.deepEqual(
        listed.keys.map((k) => [k.kid, k.signing, k.retire_after]),
        [
          [oldKid, false, previous.retire_after],
          [newKid, true, null],
        ],
      );
      assert.equal(
        (JSON.parse(rotated.body) as { signs_from: number }).signs_from,
        Math.floor(clock.now() / 1000),
        'a single instance signs with it at once',
      );

      const after = await core.login();
      assert.equal(peekHeader(after.token)['kid'], newKid);
      const jwks = JSON.parse((await core.app.inject({ url: '/.well-known/jwks.json' })).body) as {
        keys: { kid: string }[];
      };
      assert.deepEqual(jwks.keys.map((key) => key.kid).sort(), [oldKid, newKid].sort());
      for (const token of [before.token, after.token]) {
        assert.equal(
          (JSON.parse((await core.post('/api/token/validate', { token })).body) as { valid: boolean }).valid,
          true,
        );
        assert.equal((await service.call(token)).status, 200, 'the SDK fetches the new key on the unknown kid');
      }
      // A refresh of an old-key token is signed with the new key.
      const refreshed = JSON.parse(
        (await core.post('/api/token/refresh', { token: before.token }, await core.serviceToken('nexus'))).body,
      ) as { token: string };
      assert.equal(peekHeader(refreshed.token)['kid'], newKid);

      clock.advance(61 * MIN);
      assert.deepEqual(JSON.parse((await core.post('/api/token/validate', { token: before.token })).body), {
        valid: false,
        reason: 'expired',
      });
      assert.ok(
        core.keys.jwks().keys.some((key) => key.kid === oldKid),
        'still published during the refresh grace',
      );

      clock.advance(10 * MIN);
      assert.deepEqual(
        core.keys.jwks().keys.map((key) => key.kid),
        [newKid],
      );
      const headers = (await core.app.inject({ url: '/.well-known/jwks.json' })).headers;
      assert.equal(headers['cache-control'], 'public, max-age=300');
      assert.deepEqual(JSON.parse((await core.post('/api/token/validate', { token: before.token })).body), {
        valid: false,
        reason: 'invalid',
      });

      // The next rotation deletes the retired key, private part included.
      await core.keys.rotate();
      assert.ok(!(await core.keyStore.entries()).some((entry) => entry.kid === oldKid));
      await assert.rejects(core.keyStore.privateKey(oldKid), /no signing key/);
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
