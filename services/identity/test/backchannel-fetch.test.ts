/** The provider's outgoing HTTP client: TLS trust for the development gateway, loopback-only exceptions. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { createBackchannelFetch, isLoopbackHost } from '../src/oidc/backchannel-fetch.js';

describe('identity: back-channel HTTP client', () => {
  let server: Server;
  let url: string;
  let cert: string;
  const received: { body: string; type: string | undefined }[] = [];

  before(async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    cert = pems.cert;
    server = createHttpsServer({ key: pems.private, cert: pems.cert }, (request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ body, type: request.headers['content-type'] });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`;
  });
  after(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (fetcher: ReturnType<typeof createBackchannelFetch>, target = url) =>
    fetcher(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: 'a.b.c' }),
    });

  it('refuses a self-signed certificate by default', async () => {
    await assert.rejects(post(createBackchannelFetch({ insecureLocal: false })), /self-signed|self signed/i);
  });

  it('trusts the configured CA', async () => {
    const response = await post(createBackchannelFetch({ insecureLocal: false, ca: cert }));
    assert.equal(response.status, 204);
    assert.deepEqual(received.at(-1), { body: 'logout_token=a.b.c', type: 'application/x-www-form-urlencoded' });
  });

  it('skips verification for loopback targets only when allowed', async () => {
    const response = await post(createBackchannelFetch({ insecureLocal: true }), url.replace('127.0.0.1', 'localhost'));
    assert.equal(response.status, 204);
  });

  it('knows which hosts are loopback', () => {
    for (const host of ['localhost', 'gw.localhost', '127.0.0.1', '127.5.0.1', '[::1]', '::1'])
      assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['example.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com', '[::2]'])
      assert.equal(isLoopbackHost(host), false, host);
  });
});
