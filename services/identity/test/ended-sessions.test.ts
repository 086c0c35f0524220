/**
 * No platform session outlives its identity session (issue 12): identity lists a user's sessions
 * at Keycloak's `GET /users/{id}/sessions` with each client's `sid` (core checks its session's
 * `sid` there on refresh), announces a session that reached its end by back-channel logout (as it
 * does for a logout), and a password reset through the admin API ends the user's sessions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { oidcPayloads } from '../src/db/schema.js';
import { loginWithPassword, startIdentity, type IdentityHarness } from './harness.js';

const PASSWORD = 'correct horse battery staple';

describe('identity: ended sessions reach the gateway', () => {
  let gateway: Server;
  let identity: IdentityHarness;
  const logoutTokens: Record<string, unknown>[] = [];
  let adminToken: string;

  before(async () => {
    gateway = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const token = new URLSearchParams(body).get('logout_token');
        if (token !== null) logoutTokens.push(decodeJwt(token));
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const port = (gateway.address() as AddressInfo).port;
    identity = await startIdentity({
      clients: { gateway: { backchannelLogoutUri: `http://127.0.0.1:${port}/backchannel-logout` } },
      env: { IDENTITY_SESSION_SWEEP_INTERVAL: '100' },
    });
    const answer = await fetch(`${identity.internalIssuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: identity.admin.clientId,
        client_secret: identity.admin.clientSecret,
      }),
    });
    adminToken = ((await answer.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await identity.close();
    await new Promise<void>((resolve) => gateway.close(() => resolve()));
  });

  const sessionsOf = async (id: string) => {
    const response = await fetch(`${identity.baseUrl}/admin/realms/hivematrix/users/${id}/sessions`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(response.status, 200);
    return (await response.json()) as { id: string; userId: string; clients: Record<string, string> }[];
  };
  const login = (username: string) =>
    loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      username,
      password: PASSWORD,
    });
  async function waitFor(check: () => boolean, ms = 3_000): Promise<void> {
    const until = Date.now() + ms;
    while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.ok(check(), 'timed out');
  }

  it('lists the session with the sid of its tokens, and announces its end when it expires', async () => {
    const user = await identity.createUser({ username: 'expiring', password: PASSWORD, groups: ['technicians'] });
    const tokens = await login('expiring');
    const sid = decodeJwt(tokens.id_token).sid;
    assert.equal(typeof sid, 'string');
    const listed = await sessionsOf(user.id);
    assert.deepEqual(
      listed.map((session) => [session.id, session.userId]),
      [[sid, user.id]],
    );
    assert.deepEqual(listed[0]?.clients, { [identity.gateway.clientId]: identity.gateway.clientId });

    // The session reaches its end (as after IDENTITY_SESSION_MAX), with nobody logging out.
    await identity.db
      .update(oidcPayloads)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oidcPayloads.kind, 'Session'));
    await waitFor(() => logoutTokens.some((token) => token.sid === sid));
    const token = logoutTokens.find((candidate) => candidate.sid === sid);
    assert.equal(token?.sub, user.id);
    assert.deepEqual(await sessionsOf(user.id), []);
    assert.equal(
      await identity.db.$count(oidcPayloads, eq(oidcPayloads.kind, 'Session')),
      0,
      'announced once, then gone',
    );
  });

  it('ends the identity sessions of a user whose password an admin resets', async () => {
    const user = await identity.createUser({ username: 'resetme', password: PASSWORD, groups: ['technicians'] });
    const tokens = await login('resetme');
    const sid = decodeJwt(tokens.id_token).sid;
    const reset = await fetch(`${identity.baseUrl}/admin/realms/hivematrix/users/${user.id}/reset-password`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'password', value: 'an entirely new password', temporary: false }),
    });
    assert.equal(reset.status, 204);
    await waitFor(() => logoutTokens.some((token) => token.sid === sid));
    const userinfo = await fetch(`${identity.internalIssuer}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 401);
    assert.deepEqual(await sessionsOf(user.id), []);
  });
});
