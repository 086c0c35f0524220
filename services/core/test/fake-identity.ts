/**
 * A stand-in for the identity provider on 127.0.0.1, port 0, at Keycloak's paths: userinfo
 * (answering for access tokens it handed out), the realm's JWKS, and id tokens minted with jose
 * under its own key. Tests switch it to failing answers or close it to play an outage.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet } from 'jose';

export const IDENTITY_ISSUER = 'https://localhost:8443/keycloak/realms/hivematrix';
export const IDENTITY_CLIENT_ID = 'core-client';
const REALM_PATH = '/keycloak/realms/hivematrix';

/** What userinfo answers for one access token. */
export interface FakeUser {
  sub: string;
  preferred_username?: string;
  name?: string;
  email?: string;
  groups?: string[];
}

/** Claims and header of a minted id token, all overridable. */
export interface IdTokenOptions {
  sub: string;
  sid?: string;
  iss?: string;
  aud?: string | string[];
  /** Seconds from now. */
  expiresIn?: number;
  /** Sign with another key (under our kid): a forgery. */
  signWith?: CryptoKey;
  extra?: Record<string, unknown>;
}

export interface FakeIdentity {
  /** The realm's internal URL, as core's IDENTITY_INTERNAL_URL. */
  internalUrl: string;
  /** Registers a user and returns an access token userinfo accepts for them. */
  issueAccessToken(user: FakeUser): string;
  mintIdToken(options: IdTokenOptions): Promise<string>;
  /** Userinfo answers this status (e.g. 500) instead of the user; null restores normal answers. */
  failWith(status: number | null): void;
  readonly userinfoCalls: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** Starts the fake identity provider; `close()` it at the end of the test. */
export async function startFakeIdentity(): Promise<FakeIdentity> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'identity-key-1';
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  const users = new Map<string, FakeUser>();
  let failure: number | null = null;
  let userinfoCalls = 0;

  function route(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://identity.invalid').pathname;
    if (path === `${REALM_PATH}/protocol/openid-connect/certs`) return send(res, 200, jwks);
    if (path === `${REALM_PATH}/protocol/openid-connect/userinfo`) {
      userinfoCalls += 1;
      if (failure !== null) return send(res, failure, { error: 'server_error' });
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const user = token === undefined ? undefined : users.get(token);
      if (user === undefined)
        return send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return send(res, 200, user);
    }
    send(res, 404, { error: 'not_found' });
  }

  const server = createServer(route);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    internalUrl: `http://127.0.0.1:${port}${REALM_PATH}`,
    issueAccessToken(user) {
      const token = randomBytes(24).toString('base64url');
      users.set(token, user);
      return token;
    },
    async mintIdToken(options) {
      const iat = Math.floor(Date.now() / 1000);
      return new SignJWT({
        ...(options.sid === undefined ? {} : { sid: options.sid }),
        nonce: randomUUID(),
        ...options.extra,
      })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(options.iss ?? IDENTITY_ISSUER)
        .setAudience(options.aud ?? IDENTITY_CLIENT_ID)
        .setSubject(options.sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + (options.expiresIn ?? 300))
        .sign(options.signWith ?? privateKey);
    },
    failWith(status) {
      failure = status;
    },
    get userinfoCalls() {
      return userinfoCalls;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
