/**
 * The SDK's fake core (JWKS, service tokens, revocation feed) plus the session endpoints the
 * gateway calls (issue 3's contract): token exchange, refresh, revoke and revoke-by-identity-
 * session. A front server answers those and forwards every other request to the SDK's fake core,
 * streams included, so the revocation feed the gateway consumes is the SDK's real one.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { createLocalKeySet, createTokenVerifier, type PermissionLevel } from '@hivematrix/sdk';
import { startFakeCore, type FakeCore, type TestKeys } from '@hivematrix/sdk/testing';
import type { FakeIdentity } from './fake-identity.js';

/** A core session as the fake keeps it. */
export interface FakeCoreSession {
  id: string;
  sid: string;
  sub: string;
  revoked: boolean;
}

/** The fake core with sessions. */
export interface SessionCore {
  url: string;
  core: FakeCore;
  sessions: Map<string, FakeCoreSession>;
  /** Calls per endpoint path. */
  calls: Map<string, number>;
  /** Lifetime of minted platform tokens, in seconds (tests shorten it to exercise refresh). */
  tokenLifetimeSec: number;
  /** Revokes a session as core would: marks it and publishes it on the feed. */
  revokeSession(id: string): void;
  close(): Promise<void>;
}

function levelOf(groups: readonly string[]): PermissionLevel {
  if (groups.includes('admins')) return 'admin';
  if (groups.includes('technicians')) return 'technician';
  if (groups.includes('billing')) return 'billing';
  return 'client';
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' })
    .end(JSON.stringify(body));
}

/** Starts the fake core; `identity` is asked who an access token belongs to. */
export async function startSessionCore(
  keys: TestKeys,
  identity: FakeIdentity,
  serviceSecrets: Record<string, string>,
  now: () => number = Date.now,
): Promise<SessionCore> {
  const core = await startFakeCore({ keys, serviceSecrets, heartbeatMs: 1_000 });
  const verifier = createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'core' });
  const sessions = new Map<string, FakeCoreSession>();
  const calls = new Map<string, number>();
  const state = { tokenLifetimeSec: 3600 };
  const coreTarget = new URL(core.url);

  async function mint(
    session: FakeCoreSession,
    user: { name: string; username: string; email: string; groups: string[] },
  ): Promise<string> {
    return keys.mintUserToken(
      {
        sub: session.sub,
        name: user.name,
        preferred_username: user.username,
        email: user.email,
        groups: user.groups,
        permission_level: levelOf(user.groups),
        jti: session.id,
      },
      { expiresInSec: state.tokenLifetimeSec, now },
    );
  }
  const users = new Map<string, { name: string; username: string; email: string; groups: string[] }>();

  function revokeSession(id: string): void {
    const session = sessions.get(id);
    if (session === undefined || session.revoked) return;
    session.revoked = true;
    core.revoke(id);
  }

  async function handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    calls.set(path, (calls.get(path) ?? 0) + 1);
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const caller = bearer === undefined ? null : await verifier.verify(bearer).catch(() => null);
    if (caller?.kind !== 'service' || caller.service !== 'nexus')
      return send(response, 401, { status: 401, code: 'unauthorized' });
    const body = await readJson(request);
    if (path === '/api/token/exchange') {
      const known = identity.accessTokens.get(String(body['access_token']));
      if (known === undefined || typeof body['id_token'] !== 'string')
        return send(response, 401, { status: 401, code: 'token_invalid' });
      const session: FakeCoreSession = { id: randomUUID(), sid: known.sid, sub: known.user.sub, revoked: false };
      sessions.set(session.id, session);
      users.set(session.id, known.user);
      return send(response, 200, {
        token: await mint(session, known.user),
        expires_in: state.tokenLifetimeSec,
        session_id: session.id,
      });
    }
    const jti = typeof body['token'] === 'string' ? String(decodeJwt(body['token']).jti) : '';
    const session = sessions.get(jti);
    if (path === '/api/token/refresh') {
      const user = users.get(jti);
      if (session === undefined || session.revoked || user === undefined)
        return send(response, 401, { status: 401, code: 'token_revoked' });
      return send(response, 200, { token: await mint(session, user), expires_in: state.tokenLifetimeSec });
    }
    if (path === '/api/token/revoke') {
      if (session !== undefined) revokeSession(session.id);
      return send(response, 200, { message: 'revoked' });
    }
    if (path === '/api/sessions/revoke-identity-session') {
      const matching = [...sessions.values()].filter((entry) => entry.sid === body['sid'] && !entry.revoked);
      for (const entry of matching) revokeSession(entry.id);
      return send(response, 200, { revoked: matching.length });
    }
    send(response, 404, { status: 404, code: 'not_found' });
  }

  function pass(request: IncomingMessage, response: ServerResponse): void {
    const upstream = httpRequest(
      {
        host: coreTarget.hostname,
        port: coreTarget.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        // An upstream stream cut short (core's feed going down) cuts ours too, as a real proxy would.
        answer.on('close', () => {
          if (!answer.complete) response.destroy();
        });
      },
    );
    upstream.on('error', () => response.destroy());
    response.on('close', () => upstream.destroy());
    request.pipe(upstream);
  }

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    // Validation is the SDK fake core's (it knows every published revocation).
    if ((path.startsWith('/api/token/') && path !== '/api/token/validate') || path.startsWith('/api/sessions/')) {
      handle(request, response, path).catch(() => send(response, 500, { status: 500 }));
    } else {
      pass(request, response);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    core,
    sessions,
    calls,
    get tokenLifetimeSec() {
      return state.tokenLifetimeSec;
    },
    set tokenLifetimeSec(value: number) {
      state.tokenLifetimeSec = value;
    },
    revokeSession,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.close();
    },
  };
}
