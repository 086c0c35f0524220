/**
 * A tiny OpenID Connect provider for the gateway's tests (jose on 127.0.0.1, port 0), serving
 * Keycloak's paths under `/keycloak/realms/hivematrix` as the real identity service does: discovery,
 * an authorization endpoint that signs in whoever the test chose (no form), a token endpoint that
 * checks the client secret, the redirect URI and PKCE S256, the JWKS, end-session, and a page that
 * sets cookies. It also mints back-channel logout tokens.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/** A user the provider signs in. */
export interface IdentityUser {
  sub: string;
  name: string;
  username: string;
  email: string;
  groups: string[];
}

interface PendingCode {
  user: IdentityUser;
  nonce: string;
  challenge: string;
  redirectUri: string;
  sid: string;
}

/** A running fake provider. */
export interface FakeIdentity {
  url: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The user the next authorization request signs in. */
  loginAs(user: IdentityUser): void;
  /** Access tokens issued so far → who they belong to (read by the fake core's exchange). */
  accessTokens: Map<string, { user: IdentityUser; sid: string }>;
  /** Query strings of end-session requests. */
  endSessions: URLSearchParams[];
  tokenRequests: number;
  /** A signed logout token; claims may be overridden (set to undefined to leave one out). */
  logoutToken(claims: Record<string, unknown>, options?: { key?: CryptoKey; kid?: string }): Promise<string>;
  close(): Promise<void>;
}

export const REALM_PATH = '/keycloak/realms/hivematrix';

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

/** Starts the provider; `publicOrigin` is the gateway's public URL (the issuer's origin). */
export async function startFakeIdentity(publicOrigin: string): Promise<FakeIdentity> {
  const issuer = `${publicOrigin}${REALM_PATH}`;
  const clientId = 'core-client';
  const clientSecret = 'test-client-secret-of-the-gateway';
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'identity-key-1';
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, { user: IdentityUser; sid: string }>();
  const endSessions: URLSearchParams[] = [];
  let tokenRequests = 0;
  let nextUser: IdentityUser = {
    sub: randomUUID(),
    name: 'Ada Admin',
    username: 'ada',
    email: 'ada@example.test',
    groups: ['admins'],
  };

  const endpoint = (name: string): string => `${issuer}/protocol/openid-connect/${name}`;
  const sign = (
    claims: Record<string, unknown>,
    key: CryptoKey = privateKey,
    keyId = kid,
    typ = 'JWT',
  ): Promise<string> =>
    new SignJWT(Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined)))
      .setProtectedHeader({ alg: 'RS256', kid: keyId, typ })
      .sign(key);

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    tokenRequests += 1;
    const form = new URLSearchParams(await readBody(request));
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const [id, secret] =
      basic === undefined
        ? [form.get('client_id'), form.get('client_secret')]
        : Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent);
    if (id !== clientId || secret !== clientSecret) return json(response, 401, { error: 'invalid_client' });
    const pending = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    if (pending === undefined || form.get('grant_type') !== 'authorization_code')
      return json(response, 400, { error: 'invalid_grant' });
    const verifier = form.get('code_verifier') ?? '';
    if (
      createHash('sha256').update(verifier).digest('base64url') !== pending.challenge ||
      form.get('redirect_uri') !== pending.redirectUri
    ) {
      return json(response, 400, { error: 'invalid_grant' });
    }
    const accessToken = randomUUID();
    accessTokens.set(accessToken, { user: pending.user, sid: pending.sid });
    const now = Math.floor(Date.now() / 1000);
    const idToken = await sign({
      iss: issuer,
      aud: clientId,
      sub: pending.user.sub,
      nonce: pending.nonce,
      sid: pending.sid,
      iat: now,
      exp: now + 300,
      name: pending.user.name,
      preferred_username: pending.user.username,
      email: pending.user.email,
    });
    json(response, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 300,
      id_token: idToken,
      scope: 'openid email profile',
    });
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://identity.invalid');
    const path = url.pathname;
    if (path === `${REALM_PATH}/.well-known/openid-configuration`) {
      return json(response, 200, {
        issuer,
        authorization_endpoint: endpoint('auth'),
        token_endpoint: endpoint('token'),
        jwks_uri: endpoint('certs'),
        end_session_endpoint: endpoint('logout'),
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
      });
    }
    if (path === `${REALM_PATH}/protocol/openid-connect/certs`) return json(response, 200, { keys: [jwk] });
    if (path === `${REALM_PATH}/protocol/openid-connect/auth`) {
      const q = url.searchParams;
      if (
        q.get('client_id') !== clientId ||
        q.get('code_challenge_method') !== 'S256' ||
        !q.get('code_challenge') ||
        !q.get('nonce') ||
        !q.get('state')
      ) {
        return json(response, 400, { error: 'invalid_request' });
      }
      const code = randomUUID();
      codes.set(code, {
        user: nextUser,
        nonce: q.get('nonce') ?? '',
        challenge: q.get('code_challenge') ?? '',
        redirectUri: q.get('redirect_uri') ?? '',
        sid: randomUUID(),
      });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      response
        .writeHead(302, {
          location: back.href,
          'set-cookie': 'KC_SESSION=abc; Path=/keycloak/realms/hivematrix/; Domain=evil.example; HttpOnly',
        })
        .end();
      return;
    }
    if (path === `${REALM_PATH}/protocol/openid-connect/token` && request.method === 'POST')
      return token(request, response);
    if (path === `${REALM_PATH}/protocol/openid-connect/logout`) {
      endSessions.push(url.searchParams);
      const back = new URL(url.searchParams.get('post_logout_redirect_uri') ?? `${publicOrigin}/`);
      const state = url.searchParams.get('state');
      if (state !== null) back.searchParams.set('state', state);
      response.writeHead(302, { location: back.href }).end();
      return;
    }
    if (path === `${REALM_PATH}/login-page`) {
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'set-cookie': ['KC_RESTART=x; Path=/keycloak/; Domain=nexus.test', 'AUTH_SESSION=y; Path=/keycloak/; Secure'],
      });
      response.end(
        '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method="post"><input name="username"></form></body></html>',
      );
      return;
    }
    json(response, 404, { error: 'not_found', path });
  }

  const server = createServer((request, response) => {
    route(request, response).catch(() => json(response, 500, { error: 'server_error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    issuer,
    clientId,
    clientSecret,
    loginAs(user) {
      nextUser = user;
    },
    accessTokens,
    endSessions,
    get tokenRequests() {
      return tokenRequests;
    },
    logoutToken(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return sign(
        {
          iss: issuer,
          aud: clientId,
          iat: now,
          exp: now + 120,
          jti: randomUUID(),
          events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
          ...claims,
        },
        options.key ?? privateKey,
        options.kid ?? kid,
        'logout+jwt',
      );
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
