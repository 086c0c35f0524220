/**
 * Every redirect target is percent-encoded. `/login?next=%2Fcodex%2F%E2%82%AC` answered a
 * malformed 500 (Node refuses a `Location` with a character above U+00FF) and a user signing in
 * from such a link got no session; U+0080–U+00FF went into `Location` as raw bytes.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { createRedirectServer } from '../src/http-redirect.js';
import { ADMIN, TECH, startNexus, type NexusHarness } from './harness.js';

/** Only visible ASCII: what a valid Location (RFC 3986 URI-reference) may hold. */
const URI_TEXT = /^[\x21-\x7e]+$/;

describe('nexus: redirect targets with non-ASCII characters', () => {
  let h: NexusHarness;
  before(async () => {
    h = await startNexus();
  });
  after(() => h.close());

  it('answers /login?next=%2Fcodex%2F%E2%82%AC with a redirect to sign in, not a 500', async () => {
    const res = await h.fetch('/login?next=%2Fcodex%2F%E2%82%AC');
    await res.body.dump();
    assert.equal(res.statusCode, 302);
    assert.match(String(res.headers.location), URI_TEXT);
  });

  it('signs in from such a link and comes back to the encoded page', async () => {
    const { cookie, location } = await h.login(ADMIN, '/echo-svc/€');
    assert.ok(cookie.startsWith('__Host-hm_session='));
    assert.equal(location, '/echo-svc/%E2%82%AC');
  });

  it('never sends U+0080–U+00FF raw, signed in or not', async () => {
    const { cookie } = await h.login(TECH);
    for (const next of ['/echo-svc/é', '/echo-svc/\u0080x', '/echo-svc/ÿ?q=ñ']) {
      const res = await h.fetch(`/login?next=${encodeURIComponent(next)}`, { headers: { cookie } });
      await res.body.dump();
      assert.equal(res.statusCode, 302);
      const location = String(res.headers.location);
      assert.match(location, URI_TEXT, next);
      assert.equal(decodeURIComponent(location), next);
    }
  });
});

describe('nexus: the plain-HTTP redirect port', () => {
  it('percent-encodes what a URI may not hold as it is', async () => {
    const server = createRedirectServer('https://nexus.test');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<Buffer>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          // Node's parser refuses raw bytes above 0x7F in a request line; these it lets through.
          socket.write('GET /codex/a"b<c>{d}|^` HTTP/1.1\r\nHost: x\r\n\r\n');
        });
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('end', () => resolve(Buffer.concat(chunks)));
        socket.on('error', reject);
      });
      const head = answer.toString('latin1');
      assert.match(head, /^HTTP\/1\.1 301/);
      assert.match(head, /\r\nLocation: https:\/\/nexus\.test\/codex\/a%22b%3Cc%3E%7Bd%7D%7C%5E%60\r\n/i);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
