import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRevocationFeed } from '../../src/auth/revocation.js';
import type { RevocationFeed, RevocationFeedOptions } from '../../src/auth/revocation.js';
import { createServiceClient } from '../../src/service-client.js';
import { createTestKeys } from '../../src/testing/keys.js';
import type { TestKeys } from '../../src/testing/keys.js';
import { startFakeCore } from '../../src/testing/fake-core.js';
import type { FakeCore } from '../../src/testing/fake-core.js';

/** The URL a fetch was called with. */
const urlOf = (input: string | URL | Request): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

const SECRET = 'codex-secret-for-tests';

function nextRevoked(feed: RevocationFeed, jti: string): Promise<void> {
  return new Promise((resolve) => {
    const off = feed.on('revoked', (revoked) => {
      if (revoked !== jti) return;
      off();
      resolve();
    });
  });
}

describe('revocation feed against a fake core', () => {
  let keys: TestKeys;
  let core: FakeCore;
  const feeds: RevocationFeed[] = [];

  before(async () => {
    keys = await createTestKeys();
  });
  after(async () => {
    await Promise.all(feeds.map((feed) => feed.stop()));
  });

  async function setup(options: Partial<RevocationFeedOptions> = {}, heartbeatMs?: number) {
    core = await startFakeCore({
      keys,
      serviceSecrets: { codex: SECRET },
      ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
    });
    const client = createServiceClient({ serviceName: 'codex', secret: SECRET, coreUrl: core.url, services: {} });
    const feed = createRevocationFeed({
      coreUrl: core.url,
      getToken: () => client.getServiceToken('core'),
      invalidateToken: () => client.invalidateToken('core'),
      reconnectDelayMs: 10,
      ...options,
    });
    feeds.push(feed);
    return { feed, core };
  }

  it('catches up at start and sees a published revocation within a second', { timeout: 5000 }, async () => {
    const { feed, core } = await setup();
    try {
      core.revoke('before-start');
      feed.start();
      await feed.ready();
      assert.equal(feed.isRevoked('before-start'), true);
      assert.equal(feed.lastSeq(), 1);
      await core.waitForStreams(1);

      const started = performance.now();
      const arrived = nextRevoked(feed, 'live-1');
      core.revoke('live-1');
      await arrived;
      assert.ok(performance.now() - started < 1000);
      assert.equal(feed.isRevoked('live-1'), true);
      assert.equal(feed.isRevoked('never-revoked'), false);
      assert.equal(feed.lastSeq(), 2);
      assert.equal(feed.size(), 2);
    } finally {
      await feed.stop();
      await core.close();
    }
  });

  it('catches up with since= after the connection drops while a revocation happens', { timeout: 5000 }, async () => {
    const { feed, core } = await setup();
    try {
      feed.start();
      await core.waitForStreams(1);
      const first = nextRevoked(feed, 'j1');
      core.revoke('j1');
      await first;

      const missed = nextRevoked(feed, 'j2');
      core.dropConnections();
      core.revoke('j2'); // no stream is open: only the catch-up can deliver it
      await missed;
      assert.equal(feed.isRevoked('j2'), true);
      assert.deepEqual(core.catchUpSinces, [0, 1]);
      await core.waitForStreams(2);

      const after = nextRevoked(feed, 'j3');
      core.revoke('j3');
      await after;
      assert.equal(feed.lastSeq(), 3);
    } finally {
      await feed.stop();
      await core.close();
    }
  });

  it('reconnects when the stream goes silent past the heartbeat timeout', { timeout: 5000 }, async () => {
    const { feed, core } = await setup({ heartbeatTimeoutMs: 100 });
    try {
      feed.start();
      await core.waitForStreams(3);
      assert.ok(core.catchUpSinces.length >= 3, 'a catch-up precedes every reconnection');
    } finally {
      await feed.stop();
      await core.close();
    }
  });

  it('prunes entries once their token has expired (plus the retention grace)', { timeout: 5000 }, async () => {
    let clock = Date.now();
    const { feed, core } = await setup({ now: () => clock, retainAfterExpSec: 60 });
    try {
      feed.start();
      await core.waitForStreams(1);
      const exp = Math.floor(clock / 1000) + 10;
      const arrived = nextRevoked(feed, 'short');
      core.revoke('short', exp);
      core.revoke('long', exp + 3600);
      await arrived;
      assert.equal(feed.size(), 2);

      clock = exp * 1000 + 59_000; // expired, but a verifier's clock tolerance could still accept it
      assert.equal(feed.isRevoked('short'), true);
      clock = exp * 1000 + 61_000;
      assert.equal(feed.isRevoked('short'), false);
      assert.equal(feed.size(), 1);
      assert.equal(feed.isRevoked('long'), true);
    } finally {
      await feed.stop();
      await core.close();
    }
  });

  it('asks for a fresh token after a 401 and then connects', { timeout: 5000 }, async () => {
    core = await startFakeCore({ keys, serviceSecrets: { codex: SECRET } });
    const client = createServiceClient({ serviceName: 'codex', secret: SECRET, coreUrl: core.url, services: {} });
    let invalidated = 0;
    let first = true;
    const feed = createRevocationFeed({
      coreUrl: core.url,
      getToken: async () => {
        if (first) {
          first = false;
          return keys.mintServiceToken('codex', 'ledger'); // wrong audience: core refuses it
        }
        return client.getServiceToken('core');
      },
      invalidateToken: () => {
        invalidated += 1;
      },
      reconnectDelayMs: 10,
    });
    try {
      core.revoke('x');
      feed.start();
      await feed.ready();
      assert.equal(invalidated, 1);
      assert.equal(feed.isRevoked('x'), true);
    } finally {
      await feed.stop();
      await core.close();
    }
  });
});

describe('revocation feed protocol edge cases', () => {
  it("starts over from 0 when core's sequence goes back", { timeout: 5000 }, async () => {
    const sinces: string[] = [];
    let catchUps = 0;
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const fakeFetch: typeof fetch = (input) => {
      const url = new URL(urlOf(input));
      if (url.pathname.endsWith('/stream')) {
        // A stream that ends at once, so the feed reconnects and catches up again.
        return Promise.resolve(
          new Response(new ReadableStream({ start: (c) => c.close() }), {
            headers: { 'content-type': 'text/event-stream' },
          }),
        );
      }
      sinces.push(url.searchParams.get('since') ?? '');
      catchUps += 1;
      const body =
        catchUps === 1
          ? { seq: 5, revocations: [{ seq: 5, jti: 'old', exp }] }
          : catchUps === 2
            ? { seq: 1, revocations: [] } // core lost its store and restarted
            : { seq: 1, revocations: [{ seq: 1, jti: 'new', exp }] };
      return Promise.resolve(Response.json(body));
    };
    const feed = createRevocationFeed({
      coreUrl: 'http://core.invalid',
      getToken: () => Promise.resolve('t'),
      fetch: fakeFetch,
      reconnectDelayMs: 1,
    });
    const arrived = nextRevoked(feed, 'new');
    feed.start();
    await arrived;
    await feed.stop();
    assert.deepEqual(sinces.slice(0, 3), ['0', '5', '0']);
    assert.equal(feed.isRevoked('old'), true);
    assert.equal(feed.isRevoked('new'), true);
    assert.ok(feed.lastSeq() >= 1);
  });

  it('ignores malformed events and events of already expired tokens', { timeout: 5000 }, async () => {
    const now = Date.now();
    const sse = [
      'id: 1\nevent: revoked\ndata: not json\n\n',
      `id: 2\nevent: revoked\ndata: {"jti":"expired","exp":${Math.floor(now / 1000) - 3600}}\n\n`,
      `id: 3\nevent: other\ndata: {"jti":"other","exp":${Math.floor(now / 1000) + 3600}}\n\n`,
      `id: 4\r\nevent: revoked\r\ndata: {"jti":"good",\r\ndata: "exp":${Math.floor(now / 1000) + 3600}}\r\n\r\n`,
    ].join('');
    const fakeFetch: typeof fetch = (input) => {
      if (urlOf(input).endsWith('/stream')) {
        const bytes = new TextEncoder().encode(sse);
        return Promise.resolve(
          new Response(
            new ReadableStream({
              start(controller) {
                // Deliver in 7-byte chunks to exercise the incremental parser over a real body.
                for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
              },
            }),
          ),
        );
      }
      return Promise.resolve(Response.json({ seq: 0, revocations: [] }));
    };
    const feed = createRevocationFeed({
      coreUrl: 'http://core.invalid',
      getToken: () => Promise.resolve('t'),
      fetch: fakeFetch,
      now: () => now,
    });
    const arrived = nextRevoked(feed, 'good');
    feed.start();
    await arrived;
    await feed.stop();
    assert.equal(feed.isRevoked('good'), true);
    assert.equal(feed.isRevoked('expired'), false);
    assert.equal(feed.isRevoked('other'), false);
    assert.equal(feed.lastSeq(), 4);
    assert.equal(feed.size(), 1);
  });
});
