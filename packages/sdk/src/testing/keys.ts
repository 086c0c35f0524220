/**
 * Test signing keys and token minting with the platform's real claims, so tests exercise the
 * same verification path as production (RS256, `kid`, iss, aud) instead of a mocked verifier.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose';
import { PLATFORM_AUDIENCE, PLATFORM_ISSUER } from '../auth/claims.js';
import type { UserClaims } from '../auth/claims.js';

/** A clock for minting: epoch milliseconds, or a function returning them. */
export type MintClock = number | (() => number);

/** Timing of a minted token. */
export interface MintOptions {
  /** Lifetime from `now` (user default 3600, service default 300). */
  expiresInSec?: number;
  now?: MintClock;
}

/**
 * Claims to override in a minted user token. A claim set to `undefined` is left out (to test a
 * token without `jti`, say); any extra claim is added as given.
 */
export type UserTokenOverrides = { [K in keyof UserClaims]?: UserClaims[K] | undefined } & Record<string, unknown>;

/** A key pair plus helpers to mint tokens signed with it. */
export interface TestKeys {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public key as a JWK with `kid`, `alg` and `use`, as core publishes it. */
  publicJwk: JWK;
  /** `{ keys: [publicJwk] }`. */
  jwks: JSONWebKeySet;
  mintUserToken(overrides?: UserTokenOverrides, options?: MintOptions): Promise<string>;
  mintServiceToken(
    calling: string,
    target: string,
    options?: MintOptions & { overrides?: Record<string, unknown> },
  ): Promise<string>;
}

function epochSeconds(now: MintClock | undefined): number {
  const ms = now === undefined ? Date.now() : typeof now === 'number' ? now : now();
  return Math.floor(ms / 1000);
}

/** Removes claims explicitly set to undefined. */
function compact(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

/**
 * Generates an RS256 key pair and returns minting helpers. Defaults: a technician user
 * ('Test User', username 'test', groups ['technicians']) with a random `sub` and `jti`, audience
 * 'hivematrix', valid for an hour; service tokens valid for 5 minutes with `aud` = target.
 */
export async function createTestKeys(kid = 'test-key-1'): Promise<TestKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };

  const sign = (claims: Record<string, unknown>): Promise<string> =>
    new SignJWT(compact(claims)).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);

  return {
    kid,
    privateKey,
    publicKey,
    publicJwk,
    jwks: { keys: [publicJwk] },
    mintUserToken(overrides = {}, options = {}) {
      const iat = epochSeconds(options.now);
      const id = randomUUID();
      return sign({
        iss: PLATFORM_ISSUER,
        aud: PLATFORM_AUDIENCE,
        sub: id,
        name: 'Test User',
        preferred_username: 'test',
        email: `test-${id.slice(0, 8)}@example.test`,
        permission_level: 'technician',
        groups: ['technicians'],
        jti: randomUUID(),
        iat,
        exp: iat + (options.expiresInSec ?? 3600),
        ...overrides,
      });
    },
    mintServiceToken(calling, target, options = {}) {
      const iat = epochSeconds(options.now);
      return sign({
        iss: PLATFORM_ISSUER,
        aud: target,
        sub: `service:${calling}`,
        type: 'service',
        calling_service: calling,
        target_service: target,
        jti: randomUUID(),
        iat,
        exp: iat + (options.expiresInSec ?? 300),
        ...options.overrides,
      });
    },
  };
}
