/**
 * Core's calls to the identity provider (the embedded one or Keycloak), straight to its internal
 * URL: the userinfo endpoint (OIDC Core §5.3) to check an access token and learn who it belongs
 * to, and the realm's keys to verify an id token (OIDC Core §3.1.3.7).
 *
 * Failures are told apart: a token identity refuses is the client's problem (401), an identity
 * provider that is down, slow or garbled is ours (503/502), so a login is never blamed on the user
 * when the provider is at fault.
 */
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import { normalizeGroups } from './permissions.js';

/** Who an access token belongs to, as the identity provider says. */
export interface UserInfo {
  sub: string;
  preferred_username: string;
  name: string;
  email: string;
  /** Normalized group names (no leading slash). */
  groups: string[];
}

/** The claims of a verified id token that core keeps. */
export interface IdTokenInfo {
  sub: string;
  /** The identity session id (OIDC Back-Channel Logout 1.0 §2.1), when the provider sends one. */
  sid: string | null;
}

/** Options of `createIdentityClient`. */
export interface IdentityClientOptions {
  /** The realm's internal base URL, e.g. `http://127.0.0.1:8080/keycloak/realms/hivematrix`. */
  internalUrl: string;
  /** The realm's public issuer, the `iss` of its tokens. */
  issuer: string;
  /** The gateway's client id, the `aud` of its id tokens. */
  clientId: string;
  timeoutMs: number;
  /** Signature algorithms accepted on id tokens (asymmetric only). */
  algorithms?: string[];
  fetch?: typeof globalThis.fetch;
  /** Clock in milliseconds. */
  now: () => number;
}

/** The identity provider as core uses it. */
export interface IdentityClient {
  /** Checks an access token at the userinfo endpoint. */
  userInfo(accessToken: string): Promise<UserInfo>;
  /** Verifies an id token's signature, issuer, audience and lifetime. */
  verifyIdToken(idToken: string): Promise<IdTokenInfo>;
}

const UserInfoSchema = z.object({
  sub: z.string().min(1),
  preferred_username: z.string().optional(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  email: z.string().optional(),
  groups: z.unknown().optional(),
});

const unavailable = (cause: unknown): AppError =>
  new AppError('service_unavailable', 'The identity provider is unavailable', { cause, retryAfter: 5 });

/** Creates the identity client. */
export function createIdentityClient(options: IdentityClientOptions): IdentityClient {
  const base = options.internalUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const jwks = createRemoteJWKSet(new URL(`${base}/protocol/openid-connect/certs`), {
    timeoutDuration: options.timeoutMs,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
    ...(options.fetch === undefined ? {} : { [customFetch]: (url: string, init: RequestInit) => fetchImpl(url, init) }),
  });

  return {
    async userInfo(accessToken) {
      let response: Response;
      try {
        response = await fetchImpl(`${base}/protocol/openid-connect/userinfo`, {
          headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw unavailable(error);
      }
      // RFC 6750 §3.1: an invalid or expired token is answered 401 (some providers say 400/403).
      if (response.status === 400 || response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw new AppError('token_invalid', 'The identity provider did not accept the access token');
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw unavailable(new Error(`userinfo answered HTTP ${response.status}`));
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        throw new AppError('bad_gateway', 'Invalid response from the identity provider', { cause: error });
      }
      const parsed = UserInfoSchema.safeParse(body);
      if (!parsed.success) throw new AppError('bad_gateway', 'Invalid response from the identity provider');
      const info = parsed.data;
      const composed = [info.given_name, info.family_name].filter(Boolean).join(' ');
      return {
        sub: info.sub,
        preferred_username: info.preferred_username ?? '',
        name: info.name ?? composed,
        email: info.email ?? '',
        groups: normalizeGroups(info.groups),
      };
    },

    async verifyIdToken(idToken) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(idToken, jwks, {
          algorithms: options.algorithms ?? ['RS256'],
          issuer: options.issuer,
          audience: options.clientId,
          requiredClaims: ['sub', 'iat', 'exp'],
          clockTolerance: 60,
          currentDate: new Date(options.now()),
        }));
      } catch (error) {
        if (
          error instanceof joseErrors.JWKSTimeout ||
          error instanceof joseErrors.JWKSInvalid ||
          !(error instanceof joseErrors.JOSEError) ||
          error.code === 'ERR_JOSE_GENERIC'
        ) {
          throw unavailable(error);
        }
        throw new AppError('token_invalid', 'The id token is invalid', { cause: error });
      }
      // OIDC Core §3.1.3.7 (4, 5): with several audiences, azp must name us.
      if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload['azp'] !== options.clientId) {
        throw new AppError('token_invalid', 'The id token was issued to another client');
      }
      const sid = payload['sid'];
      return { sub: String(payload.sub), sid: typeof sid === 'string' && sid !== '' ? sid : null };
    },
  };
}
