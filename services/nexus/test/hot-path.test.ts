/**
 * The per-request shortcuts of the proxied path keep their guarantees: the cached store key of a
 * cookie never keeps a deleted or revoked session alive, the `Connection` fast path still drops
 * the headers a `Connection` header names, and the access log writes one line per request.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLocalKeySet, createLogger, createTokenVerifier, type TokenVerifier } from '@hivematrix/sdk';
import { createTestKeys, type TestKeys } from '@hivematrix/sdk/testing';
import type { CoreApi } from '../src/auth/core-api.js';
import { upstreamRequestHeaders } from '../src/proxy/headers.js';
import { SESSION_COOKIE } from '../src/session/cookies.js';
import { createSessionManager } from '../src/session/manager.js';
import { createMemoryStore } from '../src/session/memory-store.js';
import { TECH, startNexus } from './harness.js';

const unused = (): never => {
  throw new Error('core must not be called');
};
const CORE: CoreApi = { exchange: unused, refresh: unused, revoke: unused, revokeIdentitySession: unused };
const SILENT = { warn: () => undefined, info: () => undefined };

describe('nexus: session manager shortcuts', () => {
  let keys: TestKeys;
  let verifier: TokenVerifier;
  before(async () => {
    keys = await createTestKeys();
    verifier = createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'nexus' });
  });

  async function signedIn(revoked: Set<string>) {
    const store = createMemoryStore();
    const manager = createSessionManager({
      store,
      verifier,
      core: CORE,
      isRevoked: (jti) => revoked.has(jti),
      now: Date.now,
      idleTimeoutMs: 3_600_000,
      maxAgeMs: 86_400_000,
      refreshBeforeMs: 60_000,
      logger: SILENT,
    });
    const token = await keys.mintUserToken({ permission_level: 'technician' }, { expiresInSec: 3600 });
    const { id, user } = await manager.create({ token, idToken: '', idpSid: 'sid-1', idpSub: 'sub-1' });
    // A fresh object per request, as Fastify gives (resolve() memoises per request object).
    const request = () => ({ headers: { cookie: `other=1; ${SESSION_COOKIE}=${id}` } });
    await store.close();
    return { store, manager, request, user };
  }

  it('refuses a session deleted from the store on the very next request, although its key is cached', async () => {
    const { manager, request } = await signedIn(new Set());
    const first = await manager.resolve(request());
    assert.notEqual(first, null);
    assert.notEqual(await manager.resolve(request()), null); // served with the cached store key
    // What logout, a back-channel logout or another gateway instance does.
    await manager.destroy(first?.key ?? '');
    assert.equal(await manager.resolve(request()), null);
  });

  it('refuses a session whose token is revoked on the very next request, and drops it', async () => {
    const revoked = new Set<string>();
    const { store, manager, request, user } = await signedIn(revoked);
    const first = await manager.resolve(request());
    assert.notEqual(first, null);
    revoked.add(user.jti);
    assert.equal(await manager.resolve(request()), null);
    assert.equal(await store.getSession(first?.key ?? ''), null);
  });
});

describe('nexus: Connection header fast path', () => {
  const info = { clientIp: '192.0.2.1', host: 'nexus.test', prefix: '/svc', correlationId: 'c-1', bearer: undefined };

  it('drops only hop-by-hop headers for the usual Connection values', () => {
    for (const connection of ['keep-alive', 'close', undefined]) {
      const out = upstreamRequestHeaders(
        { connection, 'keep-alive': 'timeout=5', accept: 'text/html', 'x-custom': 'kept' },
        info,
      );
      assert.equal(out['connection'], undefined);
      assert.equal(out['keep-alive'], undefined);
      assert.equal(out['x-custom'], 'kept');
      assert.equal(out['accept'], 'text/html');
    }
  });

  it('still drops the headers a Connection header names (RFC 9110 §7.6.1)', () => {
    const out = upstreamRequestHeaders(
      { connection: 'keep-alive, X-Secret', 'x-secret': 'hop', 'x-custom': 'kept' },
      info,
    );
    assert.equal(out['x-secret'], undefined);
    assert.equal(out['x-custom'], 'kept');
  });
});

describe('nexus: access log', () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  let h: Awaited<ReturnType<typeof startNexus>>;
  before(async () => {
    h = await startNexus({ logger: createLogger({ service: 'nexus', level: 'info', destination }) });
  });
  after(() => h.close());

  it('writes one line per proxied request, without credentials', async () => {
    const { cookie } = await h.login(TECH);
    lines.length = 0;
    const res = await h.fetch('/echo-svc/echo?x=1', { headers: { cookie, accept: 'application/json' } });
    assert.equal(res.statusCode, 200);
    await res.body.dump();
    // The onResponse hook runs after the answer is written (so the login's last line may come
    // late too): wait for this request's line.
    const url = (line: Record<string, unknown>): unknown => (line['req'] as { url?: string } | undefined)?.url;
    const ours = (): Record<string, unknown>[] =>
      lines.filter((line) => line['msg'] === 'request completed' && url(line) === '/echo-svc/echo?x=1');
    while (ours().length === 0) await new Promise((resolve) => setImmediate(resolve));
    const access = ours();
    assert.equal(access.length, 1);
    assert.deepEqual(
      lines.filter((line) => line['msg'] === 'incoming request'),
      [],
    );
    assert.equal((access[0]?.['res'] as { statusCode: number }).statusCode, 200);
    assert.equal(typeof access[0]?.['correlation_id'], 'string');
    const text = JSON.stringify(lines);
    assert.ok(!text.includes(cookie.split('=')[1] ?? 'unused'), 'the session cookie is never logged');
  });

  it('logs the path and a redacted query: no authorization code, state or token', async () => {
    lines.length = 0;
    const { cookie } = await h.login(TECH);
    const res = await h.fetch('/echo-svc/echo?access_token=abc123secret&x=1&id_token_hint=eyJhint', {
      headers: { cookie, accept: 'application/json' },
    });
    await res.body.dump();
    const req = (line: Record<string, unknown>) => ({
      ...(line['req'] as { url?: string }),
      path: line['path'] as string | undefined,
      query: line['query'] as string | undefined,
    });
    const completed = () => lines.filter((line) => line['msg'] === 'request completed');
    const deadline = Date.now() + 5000;
    while (!completed().some((line) => req(line).path === '/echo-svc/echo') && Date.now() < deadline)
      await new Promise((resolve) => setImmediate(resolve));
    const callback = completed().find((line) => req(line).path === '/keycloak-callback');
    assert.ok(callback, `the callback was logged: ${JSON.stringify(completed().map(req))}`);
    assert.match(req(callback).query ?? '', /^(?=.*\bcode=REDACTED\b)(?=.*\bstate=REDACTED\b)/);
    const proxied = completed().find((line) => req(line).path === '/echo-svc/echo');
    assert.equal(req(proxied ?? {}).url, '/echo-svc/echo?access_token=REDACTED&x=1&id_token_hint=REDACTED');
    const text = JSON.stringify(lines);
    assert.ok(!/\b(code|state)=(?!REDACTED)/.test(text), 'no code or state value in any line');
    assert.ok(!text.includes('abc123secret') && !text.includes('eyJhint'));
  });
});
