/**
 * Minting and checking the platform's JWTs (DESIGN.md §2): user tokens (RS256, `kid`, iss
 * `hivematrix-core`, aud `hivematrix`, `jti` = session id) and 5-minute service tokens whose
 * `aud` is the one service they are for.
 *
 * Verification follows RFC 8725 (JWT best current practices): the algorithm is pinned to RS256,
 * keys come only from our own key ring, issuer and audience are checked, and no claim is read
 * before the signature has been verified.
 */
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { AppError, PLATFORM_AUDIENCE, PLATFORM_ISSUER, UserClaimsSchema, type UserClaims } from '@hivematrix/sdk';
import { SIGNING_ALG, type KeyRing } from './keys/key-ring.js';
import type { Session } from './sessions/types.js';

/** Lifetime of a service token (DESIGN.md §2). */
export const SERVICE_TOKEN_TTL_SEC = 300;

/** A user token and when it expires (unix seconds). */
export interface MintedToken {
  token: string;
  exp: number;
}

/** A verified user token. */
export interface VerifiedUserToken {
  claims: UserClaims;
  /** Whether `exp` has passed (possible only when the caller allowed a tolerance). */
  expired: boolean;
}

/** Options of `createTokenIssuer`. */
export interface TokenIssuerOptions {
  keys: KeyRing;
  /** Clock in milliseconds. */
  now: () => number;
  /** Source of service-token ids. */
  newId: () => string;
}

/** Mints and verifies core's tokens. */
export interface TokenIssuer {
  /** A user token for `session`, valid until `exp` (unix seconds), issued now. */
  mintUserToken(session: Session, exp: number): Promise<MintedToken>;
  /** A service token from `calling` for `target`. */
  mintServiceToken(calling: string, target: string): Promise<MintedToken>;
  /**
   * Verifies a user token. An expired token is accepted (with `expired: true`) only up to
   * `toleranceSec` after its `exp`; later it throws `token_expired`. Anything not genuine throws
   * `token_invalid`.
   */
  verifyUserToken(token: string, toleranceSec: number): Promise<VerifiedUserToken>;
}

/** Creates the token issuer over `keys`. */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const { keys, now } = options;
  const nowSec = (): number => Math.floor(now() / 1000);

  function sign(claims: JWTPayload): Promise<string> {
    const signer = keys.signer();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALG, kid: signer.kid, typ: 'JWT' })
      .sign(signer.privateKey);
  }

  return {
    async mintUserToken(session, exp) {
      const claims: Omit<UserClaims, 'aud'> & { aud: string } = {
        iss: PLATFORM_ISSUER,
        aud: PLATFORM_AUDIENCE,
        sub: session.sub,
        name: session.name,
        email: session.email,
        preferred_username: session.username,
        permission_level: session.permissionLevel,
        groups: session.groups,
        jti: session.id,
        iat: nowSec(),
        exp,
      };
      return { token: await sign(claims), exp };
    },

    async mintServiceToken(calling, target) {
      const iat = nowSec();
      const exp = iat + SERVICE_TOKEN_TTL_SEC;
      const token = await sign({
        iss: PLATFORM_ISSUER,
        aud: target,
        sub: `service:${calling}`,
        type: 'service',
        calling_service: calling,
        target_service: target,
        jti: options.newId(),
        iat,
        exp,
      });
      return { token, exp };
    },

    async verifyUserToken(token, toleranceSec) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys.keySet, {
          algorithms: [SIGNING_ALG],
          issuer: PLATFORM_ISSUER,
          audience: PLATFORM_AUDIENCE,
          requiredClaims: ['exp', 'iat', 'jti', 'sub'],
          clockTolerance: toleranceSec,
          currentDate: new Date(now()),
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired)
          throw new AppError('token_expired', 'The token has expired', { cause: error });
        throw new AppError('token_invalid', 'The token is invalid', { cause: error });
      }
      // A service token (or any other typed token) is not a user session token.
      if (payload['type'] !== undefined) throw new AppError('token_invalid', 'Not a user token');
      const parsed = UserClaimsSchema.safeParse(payload);
      if (!parsed.success) throw new AppError('token_invalid', 'Malformed user token');
      return { claims: parsed.data, expired: parsed.data.exp <= nowSec() };
    },
  };
}
