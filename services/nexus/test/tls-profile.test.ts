/**
 * The gateway offers Mozilla's "intermediate" server-side TLS profile by default: TLS 1.2 with
 * AEAD ECDHE suites only, and TLS 1.3. It used to accept Node's default list, whose `HIGH` part
 * includes CBC suites on TLS 1.2, which scanners flag.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type ConnectionOptions } from 'node:tls';
import { startNexus, type NexusHarness } from './harness.js';

/** The negotiated protocol and suite, or the handshake's error code. */
async function handshake(
  port: number,
  options: ConnectionOptions,
): Promise<{ protocol: string | null; cipher: string } | { error: string }> {
  return new Promise((resolve) => {
    const socket = connect(
      { host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ...options },
      () => {
        const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
        // Destroyed, not ended: a half-closed socket can keep the gateway's close() waiting.
        socket.destroy();
        resolve(result);
      },
    );
    socket.setTimeout(10_000, () => socket.destroy(new Error('handshake timed out')));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve({ error: error.code ?? error.message });
    });
  });
}

for (const [profile, env] of [
  ['intermediate (default)', {}],
  ['modern', { TLS_PROFILE: 'modern' }],
] as const) {
  describe(`nexus: TLS profile ${profile}`, () => {
    let h: NexusHarness;
    let port: number;
    before(async () => {
      h = await startNexus({ env });
      port = Number(new URL(h.url).port);
    });
    after(() => h.close());

    it('refuses CBC suites on TLS 1.2', async () => {
      for (const cipher of [
        'ECDHE-ECDSA-AES128-SHA256',
        'ECDHE-ECDSA-AES256-SHA384',
        'ECDHE-ECDSA-AES128-SHA',
        'ECDHE-RSA-AES128-SHA256',
      ]) {
        const result = await handshake(port, { maxVersion: 'TLSv1.2', ciphers: cipher });
        assert.ok('error' in result, `${cipher} was accepted: ${JSON.stringify(result)}`);
      }
    });

    it('refuses TLS 1.1', async () => {
      const result = await handshake(port, {
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT:@SECLEVEL=0',
      });
      assert.ok('error' in result, JSON.stringify(result));
    });

    it('speaks TLS 1.3', async () => {
      assert.deepEqual(await handshake(port, { minVersion: 'TLSv1.3' }), {
        protocol: 'TLSv1.3',
        cipher: 'TLS_AES_256_GCM_SHA384',
      });
    });

    if (profile !== 'modern') {
      it('accepts AEAD ECDHE suites on TLS 1.2', async () => {
        for (const cipher of [
          'ECDHE-ECDSA-AES128-GCM-SHA256',
          'ECDHE-ECDSA-AES256-GCM-SHA384',
          'ECDHE-ECDSA-CHACHA20-POLY1305',
        ]) {
          assert.deepEqual(await handshake(port, { maxVersion: 'TLSv1.2', ciphers: cipher }), {
            protocol: 'TLSv1.2',
            cipher,
          });
        }
      });
    } else {
      it('refuses TLS 1.2 altogether', async () => {
        const result = await handshake(port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
        assert.ok('error' in result, JSON.stringify(result));
      });
    }
  });
}
