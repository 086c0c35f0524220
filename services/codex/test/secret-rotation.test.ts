/**
 * Issue 12: rotating codex's secret key. With the new key in CODEX_SECRET_KEY and the old one in
 * CODEX_SECRET_KEY_PREVIOUS, stored secrets are still revealed and are re-sealed with the new key
 * (in the background at start, and by the next sync); a secret no configured key opens is reported
 * and replaced by the RMM's value instead of failing the sync (it used to fail every later run).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { assets, secrets } from '../src/db/schema.js';
import { resealSecrets, revealSecret } from '../src/db/secrets.js';
import { findRun } from '../src/db/sync-runs.js';
import { keyIdOf, keyringFrom, openWithKeyring, sealSecret, secretContext } from '../src/domain/secret-box.js';
import { startFakeDatto, DATTO_KEY, DATTO_SECRET } from './fakes/datto.js';
import type { FakeServer } from './fakes/server.js';
import { bearer, startCodex, TEST_SECRET_KEY, type CodexHarness } from './harness.js';
import { addCompany } from './fixtures.js';

const OLD = randomBytes(32);
const NEW = Buffer.from(TEST_SECRET_KEY, 'hex');
const BITLOCKER = '111111-222222-333333-444444-555555-666666-777777-888888';

describe('secret key rotation: the keyring', () => {
  it('opens with the key that sealed, names keys without revealing them, and drops a previous key equal to the current one', () => {
    const context = secretContext(7, 'bitlocker_key');
    const sealed = { ...sealSecret(OLD, 'value', context), keyId: keyIdOf(OLD) };
    const ring = keyringFrom(NEW, [OLD, NEW]);
    assert.ok(ring);
    assert.equal(ring.previous.length, 1);
    assert.deepEqual(openWithKeyring(ring, sealed, context), { value: 'value', keyId: keyIdOf(OLD) });
    assert.deepEqual(
      openWithKeyring(ring, { ...sealed, keyId: null }, context).value,
      'value',
      'values sealed before key ids were recorded are found too',
    );
    assert.throws(() => openWithKeyring({ current: NEW, previous: [] }, sealed, context), /could not be decrypted/);
    assert.equal(keyIdOf(NEW).length, 16);
    assert.notEqual(keyIdOf(NEW), keyIdOf(OLD));
    assert.equal(keyringFrom(undefined, [OLD]), undefined);
  });
});

describe('secret key rotation: codex', () => {
  let fake: FakeServer;
  let t: CodexHarness;
  let assetId: number;
  const admin = () => t.token('admin');

  async function sync() {
    const started = await t.runner.start('datto', 'manual', 'test');
    await t.runner.idle();
    const run = await findRun(t.db, started?.id ?? 0);
    assert.ok(run);
    return run;
  }

  async function sealUnder(key: Buffer, value: string): Promise<number> {
    const sealed = sealSecret(key, value, secretContext(assetId, 'bitlocker_key'));
    const [row] = await t.db
      .update(secrets)
      .set({ ...sealed, keyId: keyIdOf(key), updatedAt: new Date('2020-01-01T00:00:00Z') })
      .where(eq(secrets.assetId, assetId))
      .returning({ id: secrets.id });
    assert.ok(row);
    return row.id;
  }

  before(async () => {
    fake = await startFakeDatto({
      sites: [
        {
          uid: 'site-a',
          name: 'Acme HQ',
          accountNumber: '620547',
          devices: [
            {
              uid: 'dev-1',
              hostname: 'ACME-WS01',
              deviceType: { category: 'Desktop', type: 'Desktop' },
              online: true,
              udf: { udf2: BITLOCKER },
            },
          ],
        },
      ],
    });
    t = await startCodex({
      env: {
        DATTO_API_URL: fake.url,
        DATTO_API_KEY: DATTO_KEY,
        DATTO_API_SECRET: DATTO_SECRET,
        CODEX_SECRET_KEY_PREVIOUS: OLD.toString('hex'),
      },
    });
    await addCompany(t.db, { accountNumber: '620547', name: 'Acme' });
    const first = await sync();
    assert.equal(first.status, 'succeeded', JSON.stringify(first.errors));
    const [asset] = await t.db.select({ id: assets.id }).from(assets);
    assert.ok(asset);
    assetId = asset.id;
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  it('reveals a secret sealed with the previous key and re-seals it with the current one', async () => {
    const secretId = await sealUnder(OLD, BITLOCKER);
    const revealed = await t.app.inject({
      method: 'POST',
      url: `/api/assets/${assetId}/secrets/${secretId}/reveal`,
      headers: bearer(await admin()),
    });
    assert.equal(revealed.statusCode, 200, revealed.body);
    assert.equal(revealed.json<{ value: string }>().value, BITLOCKER);
    const ring = keyringFrom(NEW, [OLD]);
    assert.ok(ring);
    assert.deepEqual(await resealSecrets(t.db, ring, () => new Date()), { resealed: 1, unreadable: [] });
    const [row] = await t.db.select().from(secrets).where(eq(secrets.id, secretId));
    assert.equal(row?.keyId, keyIdOf(NEW));
    assert.equal(
      (await revealSecret(t.db, { current: NEW, previous: [] }, assetId, secretId))?.value,
      BITLOCKER,
      'the old key is no longer needed',
    );
    assert.deepEqual(
      await resealSecrets(t.db, ring, () => new Date()),
      { resealed: 0, unreadable: [] },
      'a second pass has nothing to do',
    );
  });

  it('re-seals an old-key secret during the next sync, even when its value did not change', async () => {
    const secretId = await sealUnder(OLD, BITLOCKER);
    const run = await sync();
    assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
    const [row] = await t.db.select().from(secrets).where(eq(secrets.id, secretId));
    assert.equal(row?.keyId, keyIdOf(NEW));
  });

  it('reports a secret no configured key opens, replaces it with the RMM value, and finishes the sync', async () => {
    const lost = randomBytes(32);
    const secretId = await sealUnder(lost, 'a value nobody can read');
    const ring = keyringFrom(NEW, [OLD]);
    assert.ok(ring);
    const report = await resealSecrets(t.db, ring, () => new Date());
    assert.deepEqual(
      report.unreadable.map((entry) => [entry.secretId, entry.hostname, entry.kind]),
      [[secretId, 'ACME-WS01', 'bitlocker_key']],
    );
    const run = await sync();
    assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
    assert.ok(
      run.warnings.some((warning) => warning.includes('bitlocker_key of ACME-WS01 could not be decrypted')),
      JSON.stringify(run.warnings),
    );
    assert.equal(
      (await revealSecret(t.db, ring, assetId, secretId))?.value,
      BITLOCKER,
      "the RMM's value replaced the unreadable one",
    );
  });
});
