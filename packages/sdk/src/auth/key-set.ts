/**
 * The set of public keys that token signatures are checked against: core's JWKS.
 *
 * Built on jose's remote key set so that caching, refetch-on-unknown-kid (key rotation) and the
 * rate limit on refetches are jose's tested code, not ours. A forged token with a random `kid`
 * therefore costs at most one JWKS request per cooldown, never one per request.
 */
import { createLocalJWKSet, createRemoteJWKSet, customFetch } from 'jose';
import type { CryptoKey, FlattenedJWSInput, JSONWebKeySet, JWSHeaderParameters } from 'jose';

/** Resolves the verification key for a token from its protected header (jose's key-set shape). */
export type KeySet = (protectedHeader: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** Options for a key set fetched from core's `/.well-known/jwks.json`. */
export interface RemoteKeySetOptions {
  /** Full URL of the JWKS, e.g. `http://127.0.0.1:5000/.well-known/jwks.json`. */
  jwksUrl: string | URL;
  /** The fetch to use (tests inject one). */
  fetch?: typeof globalThis.fetch;
  /** How long fetched keys are trusted before they are refetched. */
  cacheMaxAgeMs?: number;
  /** Minimum time between two refetches triggered by an unknown `kid`. */
  cooldownMs?: number;
  /** Abort the JWKS request after this long, so a hung core cannot hang every request. */
  timeoutMs?: number;
}

/** Options for a fixed, in-memory key set (tests, or keys known at boot). */
export interface LocalKeySetOptions {
  jwks: JSONWebKeySet;
}

/**
 * Creates the key set a token verifier checks signatures with: remote (core's JWKS, cached for
 * `cacheMaxAgeMs` = 10 min, refetched once on an unknown `kid` at most every `cooldownMs` = 30 s,
 * each fetch aborted after `timeoutMs` = 5 s) or local (a JWKS given in memory).
 */
export function createCoreKeySet(options: RemoteKeySetOptions | LocalKeySetOptions): KeySet {
  if ('jwks' in options) return createLocalKeySet(options.jwks);
  const fetchImpl = options.fetch;
  const remote = createRemoteJWKSet(new URL(options.jwksUrl), {
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
    ...(fetchImpl === undefined ? {} : { [customFetch]: (url: string, init: RequestInit) => fetchImpl(url, init) }),
  });
  return (header, token) => remote(header, token);
}

/** A key set over a JWKS held in memory (tests, or keys known at boot); never fetches. */
export function createLocalKeySet(jwks: JSONWebKeySet): KeySet {
  const local = createLocalJWKSet(jwks);
  return (header, token) => local(header, token);
}
