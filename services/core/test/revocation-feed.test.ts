/**
 * The revocation feed as the SDK consumer expects it (contract in `@hivematrix/sdk`
 * `auth/revocation.ts`): catch-up by sequence, an SSE stream with `Last-Event-ID` replay and
 * `: ping` heartbeats, authentication, expiry of old entries, and a consumer catching up after
 * being away.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSseParser, type SseEvent } from '@hivematrix/sdk';
import { manualClock, startCore, type CoreHarness } from './harness.js';
import { startProtectedService } from './protected-service.js';

const dataOf = (event: SseEvent | undefined): { jti: string; exp: number } =>
  JSON.parse(event?.data ?? '{}') as { jti: string; exp: number };

interface OpenStream {
  events: SseEvent[];
  text: () => string;
  /** Resolves once `predicate` holds for what arrived (checked on every chunk). */
  until(predicate: () => boolean): Promise<void>;
  close(): void;
}

async function openStream(url: string, token: string, lastEventId?: number): Promise<OpenStream> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/revocations/stream`, {
    headers: {
      authorization: `Bearer ${token}`,
      ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
    },
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = (res.body ?? new ReadableStream<Uint8Array>()).getReader();
  const parser = createSseParser();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let raw = '';
  const waiters: { predicate: () => boolean; resolve: () => void }[] = [];
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const text = decoder.decode(value, { stream: true });
        raw += text;
        events.push(...parser.push(text));
        for (const waiter of waiters.splice(0)) (waiter.predicate() ? waiter.resolve : () => waiters.push(waiter))();
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    text: () => raw,
    until: (predicate) =>
      predicate() ? Promise.resolve() : new Promise((resolve) => waiters.push({ predicate, resolve })),
    close: () => controller.abort(),
  };
}

describe('core: revocation feed', () => {
  let core: CoreHarness;
  let codex: string;
  before(async () => {
    core = await startCore({ env: { REVOCATION_HEARTBEAT_MS: '40' } });
    codex = await core.serviceToken('codex');
  });
  after(() => core.close());

  const catchUp = async (since: number, token = codex) => {
    const res = await core.app.inject({
      url: `/api/revocations?since=${since}`,
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      status: res.statusCode,
      body: JSON.parse(res.body) as { seq: number; revocations: { seq: number; jti: string; exp: number }[] },
    };
  };
  const revokeNew = async (): Promise<string> => {
    const { token, session_id } = await core.login();
    await core.post('/api/token/revoke', { token });
    return session_id;
  };

  it('answers catch-up with every revocation after `since`, in order, and the latest seq', async () => {
    const start = (await catchUp(0)).body.seq;
    const a = await revokeNew();
    const b = await revokeNew();
    const all = (await catchUp(start)).body;
    assert.equal(all.seq, start + 2);
    assert.deepEqual(
      all.revocations.map((r) => [r.seq, r.jti]),
      [
        [start + 1, a],
        [start + 2, b],
      ],
    );
    assert.ok(all.revocations.every((r) => r.exp > Date.now() / 1000));
    assert.deepEqual(
      (await catchUp(start + 1)).body.revocations.map((r) => r.jti),
      [b],
    );
  });

  it('streams live revocations, replays after Last-Event-ID, and sends heartbeats', async () => {
    const seq = (await catchUp(0)).body.seq;
    const missed = await revokeNew();
    const replaying = await openStream(core.url, codex, seq);
    const live = await openStream(core.url, codex);
    await replaying.until(() => replaying.events.length === 1);
    const replayed = replaying.events[0];
    assert.equal(replayed?.type, 'revoked');
    assert.equal(replayed.id, String(seq + 1));
    assert.equal(dataOf(replayed).jti, missed);

    const next = await revokeNew();
    await replaying.until(() => replaying.events.length === 2);
    await live.until(() => live.events.length === 1);
    assert.equal(dataOf(live.events[0]).jti, next, 'no replay without Last-Event-ID, then live');
    assert.equal(live.events[0]?.id, String(seq + 2));
    await live.until(() => live.text().includes(': ping\n\n'));
    replaying.close();
    live.close();
  });

  it('is for services and admins: 401 without a token or with one for another service, 403 for other users', async () => {
    assert.equal((await core.app.inject({ url: '/api/revocations' })).statusCode, 401);
    assert.equal((await core.app.inject({ url: '/api/revocations/stream' })).statusCode, 401);
    assert.equal((await catchUp(0, await core.serviceToken('codex', 'ledger'))).status, 401);
    assert.equal((await catchUp(0, (await core.login({ groups: ['/technicians'] })).token)).status, 403);
    assert.equal((await catchUp(0, (await core.login({ groups: ['/admins'] })).token)).status, 200);
  });

  it('lets an SDK consumer catch up on what it missed while away', async () => {
    const service = await startProtectedService(core.url, 'ledger', core.secrets['ledger'] ?? '');
    try {
      await service.feed.stop();
      const missed = await revokeNew();
      assert.equal(service.feed.isRevoked(missed), false);
      service.feed.start();
      await service.revokedWithin(missed, 2000);
      const live = await core.login();
      const waiting = service.revokedWithin(live.session_id, 1000);
      await core.post('/api/token/revoke', { token: live.token });
      assert.ok((await waiting) < 1000);
    } finally {
      await service.close();
    }
  });

  it('closes open streams when core shuts down', async () => {
    const other = await startCore();
    const stream = await openStream(other.url, await other.serviceToken('codex'));
    // A graceful close (no connection forced) would hang while a stream stayed open.
    await other.app.close();
    assert.equal(other.app.server.listening, false);
    stream.close();
    await other.close();
  });
});

describe('core: revocation log expiry', () => {
  it('drops entries once their tokens cannot be used any more', async () => {
    const clock = manualClock();
    const core = await startCore({ clock });
    try {
      const { token } = await core.login();
      await core.post('/api/token/revoke', { token });
      const codex = async () => core.serviceToken('codex');
      const read = async () =>
        JSON.parse(
          (
            await core.app.inject({
              url: '/api/revocations?since=0',
              headers: { authorization: `Bearer ${await codex()}` },
            })
          ).body,
        ) as { seq: number; revocations: unknown[] };
      assert.equal((await read()).revocations.length, 1);
      clock.advance(3600_000 + 30_000);
      assert.equal((await read()).revocations.length, 1, 'kept a while after exp: verifiers tolerate clock skew');
      clock.advance(60_000);
      const later = await read();
      assert.equal(later.revocations.length, 0);
      assert.equal(later.seq, 1, 'the sequence itself never goes back');
    } finally {
      await core.close();
    }
  });
});
