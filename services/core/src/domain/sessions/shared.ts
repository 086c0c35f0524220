/** Pieces both session stores share: the revocation listener list and tombstone records. */
import { REVOCATION_RETAIN_SEC, type Revocation, type RevokeFallback, type Session } from './types.js';

/** A list of revocation listeners; one failing listener does not stop the others. */
export interface RevocationFanout {
  subscribe(listener: (revocation: Revocation) => void): () => void;
  emit(revocation: Revocation): void;
}

/** Creates an empty listener list. */
export function createRevocationFanout(onError?: (error: unknown) => void): RevocationFanout {
  const listeners = new Set<(revocation: Revocation) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(revocation) {
      for (const listener of listeners) {
        try {
          listener(revocation);
        } catch (error) {
          onError?.(error);
        }
      }
    },
  };
}

/**
 * The revoked record kept for a token whose session the store had lost: it answers "already
 * revoked" to a second attempt and lives until the token could no longer be used anyway.
 */
export function tombstone(id: string, fallback: RevokeFallback, at: number): Session {
  return {
    id,
    sub: fallback.sub,
    username: '',
    name: '',
    email: '',
    permissionLevel: 'client',
    groups: [],
    identitySid: null,
    createdAt: at,
    expiresAt: (fallback.tokenExp + REVOCATION_RETAIN_SEC) * 1000,
    lastRefreshAt: null,
    tokenExp: fallback.tokenExp,
    revokedAt: at,
  };
}
