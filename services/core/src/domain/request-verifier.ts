/**
 * How core authenticates its own callers' bearer tokens (service tokens for `core`, admin user
 * tokens): the SDK verifier over core's own key ring, so the checks are exactly those every other
 * service applies, plus one only core can make: a user token's session must still be live in
 * the store (core is the source of truth; it needs no revocation feed of its own).
 */
import { AppError, createTokenVerifier, type TokenVerifier } from '@hivematrix/sdk';
import type { KeyRing } from './keys/key-ring.js';
import type { SessionStore } from './sessions/types.js';

/** Options of `createRequestVerifier`. */
export interface RequestVerifierOptions {
  keys: KeyRing;
  store: SessionStore;
  /** Clock in milliseconds. */
  now: () => number;
  serviceName: string;
}

/** The verifier behind core's route guards. */
export function createRequestVerifier(options: RequestVerifierOptions): TokenVerifier {
  const base = createTokenVerifier({
    keySet: options.keys.keySet,
    serviceName: options.serviceName,
    now: options.now,
    // Core signs with its own clock: no skew to tolerate.
    clockToleranceSec: 0,
  });
  return {
    async verify(token) {
      const principal = await base.verify(token);
      if (principal.kind === 'user') {
        const session = await options.store.get(principal.user.jti);
        if (session === null || session.revokedAt !== null || session.sub !== principal.user.sub) {
          throw new AppError('token_revoked', 'The session has ended');
        }
      }
      return principal;
    },
  };
}
