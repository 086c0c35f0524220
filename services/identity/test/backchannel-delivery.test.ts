/**
 * Back-channel logout that arrives (issue 12): the gateway's self-signed certificate on a hostname
 * that is not loopback (and may not even resolve on the server), reached at an internal address
 * with its certificate trusted from a file that may appear after identity started; failed
 * deliveries retried with backoff, and a delivery that never succeeds logged for helm's alert.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { createBackchannelFetch } from '../src/oidc/backchannel-fetch.js';
import { DeliveryError, createRetryingDelivery, type DeliveryLogger } from '../src/oidc/retrying-delivery.js';

const HOST = 'hive.example.test';

/** A logger that keeps what it was told. */
function recordingLogger(): DeliveryLogger & { lines: { level: string; obj: Record<string, unknown>; msg: string }[] } {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) =>
    void lines.push({ level, obj: obj as Record<string, unknown>, msg: msg ?? '' });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('identity: back-channel delivery to the gateway on any hostname', () => {
  let server: Server;
  let port: number;
  let dir: string;
  let cert: string;
  let otherCert: string;
  const answers: number[] = [];
  let received = 0;

  before(async () => {
    const pems = await generate([{ name: 'commonName', value: HOST }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 2, value: HOST },
          ],
        },
      ],
    });
    cert = pems.cert;
    otherCert = (
      await generate([{ name: 'commonName', value: 'other.example.test' }], { keySize: 2048, algorithm: 'sha256' })
    ).cert;
    server = createHttpsServer({ key: pems.private, cert: pems.cert }, (request, response) => {
      request.resume();
      request.on('end', () => {
        received += 1;
        response.writeHead(answers.shift() ?? 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    dir = await mkdtemp(path.join(tmpdir(), 'hm-backchannel-'));
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const target = () => `https://${HOST}:${port}/backchannel-logout`;
  const post = (fetcher: ReturnType<typeof createBackchannelFetch>) =>
    fetcher(target(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: 'a.b.c' }),
    });

  it('fails as before with only the loopback exception (the name does not resolve, the certificate is self-signed)', async () => {
    await assert.rejects(post(createBackchannelFetch({ insecureLocal: true })));
  });

  it('delivers to the internal address, trusting the certificate file written after identity started', async () => {
    const caFile = path.join(dir, 'nexus.crt');
    const fetcher = createBackchannelFetch({ insecureLocal: false, caFile, connectAddress: '127.0.0.1' });
    await assert.rejects(post(fetcher), /ENOENT/, 'no certificate yet');
    await writeFile(caFile, cert);
    assert.equal((await post(fetcher)).status, 204);
  });

  it('still verifies the certificate: one for another name, or an untrusted one, is refused', async () => {
    const untrusted = path.join(dir, 'other.crt');
    await writeFile(untrusted, otherCert);
    await assert.rejects(
      post(createBackchannelFetch({ insecureLocal: true, caFile: untrusted, connectAddress: '127.0.0.1' })),
      /self-signed|self signed|certificate/i,
    );
  });

  it('retries a failed delivery in the background until the gateway takes it', async () => {
    const logger = recordingLogger();
    const delivery = createRetryingDelivery({
      logger,
      policy: { retries: 4, minTimeoutMs: 20, maxTimeoutMs: 50, maxRetryTimeMs: 5_000 },
    });
    const caFile = path.join(dir, 'nexus.crt');
    const fetcher = createBackchannelFetch({ insecureLocal: false, caFile, connectAddress: '127.0.0.1' });
    answers.push(503, 502);
    const before = received;
    const attempt = async () => {
      const response = await post(fetcher);
      if (response.status !== 204) throw new DeliveryError(`HTTP ${response.status}`, response.status >= 500);
      return response;
    };
    await assert.rejects(
      delivery.run({ event: 'backchannel_logout', message: 'back-channel logout', fields: {} }, attempt),
      /HTTP 503/,
    );
    await delivery.idle();
    assert.equal(received - before, 3, 'two failures, then delivered');
    assert.ok(logger.lines.some((line) => line.level === 'info' && /delivered on a retry/.test(line.msg)));
    assert.ok(!logger.lines.some((line) => line.level === 'error'));
  });

  it('does not repeat a refusal, and logs a delivery that never succeeds as an error for helm', async () => {
    const logger = recordingLogger();
    const delivery = createRetryingDelivery({
      logger,
      policy: { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 20, maxRetryTimeMs: 5_000 },
    });
    let calls = 0;
    await assert.rejects(
      delivery.run(
        { event: 'backchannel_logout', message: 'back-channel logout', fields: { target: 'x' } },
        async () => {
          calls += 1;
          throw new DeliveryError('HTTP 400', false);
        },
      ),
    );
    await delivery.idle();
    assert.equal(calls, 1, 'a 400 is not retried');
    let down = 0;
    await assert.rejects(
      delivery.run(
        { event: 'backchannel_logout', message: 'back-channel logout', fields: { target: 'y' } },
        async () => {
          down += 1;
          throw new Error('ECONNREFUSED');
        },
      ),
    );
    await delivery.idle();
    assert.equal(down, 3, 'the first attempt and two retries');
    const failed = logger.lines.filter(
      (line) => line.level === 'error' && line.obj.event === 'backchannel_logout_failed',
    );
    assert.deepEqual(
      failed.map((line) => line.obj.target),
      ['x', 'y'],
    );
    assert.match(failed[1]?.msg ?? '', /undeliverable/);
  });
});
