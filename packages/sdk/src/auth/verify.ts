/**
 * Verifying the platform's JWTs: the one place a token turns into a `Principal`.
 *
 * Discipline (DESIGN.md §6): the algorithm is pinned to RS256 (so neither `alg: none` nor an HS256
 * token "signed" with the public key as HMAC secret can pass), the key comes only from core's key
 * set, the issuer and audience are checked by jose, and no claim is read before the signature is
 * verified. Only then is the payload's shape parsed, and the audience rule for its kind applied:
 * a user token is for the whole platform, a service token only for the one service it names.
 */
import { errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { AppError } from '../errors.js';
import { PLATFORM_AUDIENCE, PLATFORM_ISSUER, ServiceClaimsSchema, UserClaimsSchema, audiences } from './claims.js';
import type { Principal } from './claims.js';
import type { KeySet } from './key-set.js';
import type { RevocationPolicy } from './revocation-policy.js';
import type { CheckResult } from '../health.js';

/** Options of `createTokenVerifier`. */
export interface TokenVerifierOptions {
  /** Where signature keys come from (`createCoreKeySet`). */
  keySet: KeySet;
  /** This service's name: the only audience a service token may carry to be accepted here. */
  serviceName: string;
  issuer?: string;
  platformAudience?: string;
  /** Whether a token id was revoked (usually a revocation feed's `isRevoked`). */
  isRevoked?: (jti: string) => boolean;
  /**
   * The revocation feed's policy for user tokens (see `createRevocationPolicy`): it replaces
   * `isRevoked` for them, refusing tokens while the feed has not caught up and asking core about
   * old tokens while it has been down too long. Service tokens still use `isRevoked`.
   */
  revocationPolicy?: RevocationPolicy;
  /** Clock in milliseconds, so tests can verify tokens "in the future". */
  now?: () => number;
  /** Allowed clock skew between core and this host for `exp`/`nbf`/`iat`. */
  clockToleranceSec?: number;
}

/** Verifies a bearer token and returns who it belongs to. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
  /** The revocation feed's `/health` check, when the verifier has a revocation policy. */
  revocationHealth?: () => CheckResult;
}

/**
 * Creates a verifier for user and service tokens minted by core. `verify` throws
 * `AppError('token_expired' | 'token_invalid' | 'token_revoked')`, or `service_unavailable` when the
 * key set cannot be fetched (that is core's fault, not the token's, and must not log anyone out).
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const issuer = options.issuer ?? PLATFORM_ISSUER;
  const platformAudience = options.platformAudience ?? PLATFORM_AUDIENCE;
  const now = options.now ?? Date.now;
  const isRevoked = options.isRevoked ?? (() => false);
  const { serviceName, keySet } = options;

  async function verifySignature(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        algorithms: ['RS256'],
        issuer,
        // Either audience may pass here; the rule per token kind is applied below.
        audience: [platformAudience, serviceName],
        requiredClaims: ['exp', 'iat'],
        clockTolerance: options.clockToleranceSec ?? 30,
        currentDate: new Date(now()),
      });
      return payload;
    } catch (error) {
      throw mapJoseError(error);
    }
  }

  const policy = options.revocationPolicy;
  return {
    async verify(token) {
      const payload = await verifySignature(token);
      const principal = toPrincipal(payload, serviceName, platformAudience);
      if (principal.kind === 'user' && policy !== undefined) {
        await policy.check(principal.user, token);
        return principal;
      }
      const jti = principal.kind === 'user' ? principal.user.jti : principal.claims.jti;
      if (jti !== undefined && isRevoked(jti)) throw new AppError('token_revoked', 'The token has been revoked');
      return principal;
    },
    ...(policy === undefined ? {} : { revocationHealth: () => policy.health() }),
  };
}

/** Applies the shape and audience rules of each token kind to a verified payload. */
function toPrincipal(payload: JWTPayload, serviceName: string, platformAudience: string): Principal {
  if (payload['type'] === 'service') {
    const parsed = ServiceClaimsSchema.safeParse(payload);
    if (!parsed.success) throw new AppError('token_invalid', 'Malformed service token');
    const claims = parsed.data;
    const aud = audiences(claims.aud);
    // A service token is for exactly one receiver; one minted for another service is replayable
    // against us only if we accept it, so we do not.
    if (aud.length !== 1 || aud[0] !== serviceName || claims.target_service !== serviceName) {
      throw new AppError('token_invalid', 'Service token is for another service');
    }
    return { kind: 'service', service: claims.calling_service, claims };
  }
  // Any other declared type (a refresh or id token, say) is not a user access token.
  if (payload['type'] !== undefined) throw new AppError('token_invalid', 'Unexpected token type');
  const parsed = UserClaimsSchema.safeParse(payload);
  if (!parsed.success) throw new AppError('token_invalid', 'Malformed user token');
  if (!audiences(parsed.data.aud).includes(platformAudience)) {
    throw new AppError('token_invalid', 'User token is not for this platform');
  }
  return { kind: 'user', user: parsed.data };
}

/** Translates jose's errors into our codes; detail stays generic so we leak nothing to callers. */
function mapJoseError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof joseErrors.JWTExpired) {
    return new AppError('token_expired', 'The token has expired', { cause: error });
  }
  if (
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    !(error instanceof joseErrors.JOSEError) ||
    error.code === 'ERR_JOSE_GENERIC'
  ) {
    // Network failure, timeout, non-200 or garbage from the JWKS endpoint.
    return new AppError('service_unavailable', 'Signing keys are unavailable', { cause: error, retryAfter: 5 });
  }
  return new AppError('token_invalid', 'The token is invalid', { cause: error });
}
