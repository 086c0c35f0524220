/** AES-256-GCM sealing of secrets: round trip, bound to its asset and kind, tamper-evident. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AppError } from '@hivematrix/sdk';
import { openSecret, sealSecret, secretContext } from '../../src/domain/secret-box.js';

describe('secret box', () => {
  const key = randomBytes(32);
  const context = secretContext(42, 'bitlocker_key');
  it('opens what it sealed, with a fresh IV every time', () => {
    const a = sealSecret(key, 'hunter2', context);
    const b = sealSecret(key, 'hunter2', context);
    assert.equal(openSecret(key, a, context), 'hunter2');
    assert.notDeepEqual(a.iv, b.iv);
    assert.notDeepEqual(a.ciphertext, b.ciphertext);
    assert.ok(!a.ciphertext.toString('latin1').includes('hunter2'));
  });
  it('refuses another asset, another kind, another key, or tampered bytes', () => {
    const sealed = sealSecret(key, 'hunter2', context);
    const fails = (fn: () => unknown) =>
      assert.throws(fn, (error: unknown) => error instanceof AppError && error.code === 'internal');
    fails(() => openSecret(key, sealed, secretContext(43, 'bitlocker_key')));
    fails(() => openSecret(key, sealed, secretContext(42, 'windows_key')));
    fails(() => openSecret(randomBytes(32), sealed, context));
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    fails(() => openSecret(key, { ...sealed, ciphertext: flipped }, context));
  });
  it('refuses a key that is not 256 bits', () => {
    assert.throws(() => sealSecret(randomBytes(16), 'x', context));
  });
});
