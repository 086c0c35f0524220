/**
 * Core's signing keys in memory: the current signer, the public keys still needed to verify
 * (published as the JWKS), and rotation, over a key store (`key-store.ts`) that every core
 * instance shares.
 *
 * Each instance re-reads the store's key list every `syncIntervalMs` (and at once when a token
 * names a kid it does not know), so a rotation made by one instance is served by all within that
 * interval; the new key signs only after `activationDelaySec` (`key-schedule.ts`), when every
 * instance publishes it.
 */
import { errors as joseErrors, importJWK, importPKCS8, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import type { KeySet } from '@hivematrix/sdk';
import { generateSigningKey, publicJwkOf } from './key-material.js';
import { isPublished, newestOf, planRotation, signerOf, type KeyEntry, type NewKeyEntry } from './key-schedule.js';
import type { KeyStore } from './key-store.js';

export { keyActivationDelaySec, keyRetirementSec } from './key-schedule.js';

/** The only signature algorithm core uses (and verifiers accept). */
export const SIGNING_ALG = 'RS256';

/** A key ready to use. */
export interface LoadedKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Public JWK with `kid`, `alg` and `use`, as published. */
  publicJwk: JWK;
}

/** What a rotation did. */
export interface RotationResult {
  kid: string;
  /** The former signer and when it leaves the JWKS (unix seconds). */
  previous: { kid: string; retire_after: number };
  /** When the new key starts signing (unix seconds). */
  signs_from: number;
}

/** The public state of one key, for the admin API and tests. */
export interface KeyInfo {
  kid: string;
  created_at: number;
  signs_from: number;
  retire_after: number | null;
  signing: boolean;
}

/** Options of `openKeyRing`. */
export interface KeyRingOptions {
  store: KeyStore;
  /** Clock in milliseconds. */
  now: () => number;
  /** How long a key stays published after it stopped signing. */
  retireAfterSec: number;
  /** How long a new key is published before it signs; 0 for a single instance. */
  activationDelaySec: number;
  /** How often the store is re-read for changes made by another instance; 0 disables the timer. */
  syncIntervalMs?: number;
  /** Keys to start with when the store is empty (the key files of an older install); else one is generated. */
  initialKeys?: () => Promise<{ entry: NewKeyEntry; privatePem: string }[] | null>;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** Core's signing keys. */
export interface KeyRing {
  /** The key new tokens are signed with. */
  signer(): LoadedKey;
  /** Every key still needed for verification, public parts only. */
  jwks(): JSONWebKeySet;
  /** Resolves a token's verification key from its header (for jose's `jwtVerify`). */
  readonly keySet: KeySet;
  /**
   * Adds a freshly generated key that signs after the activation delay. When another instance
   * rotated while this one was asked to (concurrent requests), that rotation is the answer: one
   * new key, not two.
   */
  rotate(): Promise<RotationResult>;
  /** Re-reads the store's key list; true when it changed. */
  sync(): Promise<boolean>;
  /** Every key of the list, for inspection. */
  keys(): KeyInfo[];
  /** Stops the sync timer. */
  close(): void;
}

/** Minimum time between two store reads triggered by a token with an unknown kid. */
const UNKNOWN_KID_COOLDOWN_MS = 5_000;

/** Opens the key ring on `store`, creating the first key (or importing `initialKeys`) on the very first start. */
export async function openKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  const { store, now } = options;
  const nowSec = (): number => Math.floor(now() / 1000);
  const loaded = new Map<string, LoadedKey>();
  let entries = await store.entries();
  if (entries.length === 0) entries = await createFirstKeys(options);
  let stamp = stampOf(entries);
  await load(entries);
  let lastUnknownKidSync = 0;

  async function load(next: KeyEntry[]): Promise<void> {
    const at = nowSec();
    for (const entry of next) {
      if (loaded.has(entry.kid) || !isPublished(entry, at)) continue;
      loaded.set(entry.kid, await loadKey(entry.kid, await store.privateKey(entry.kid)));
    }
    for (const kid of loaded.keys()) if (!next.some((entry) => entry.kid === kid)) loaded.delete(kid);
    entries = next;
    stamp = stampOf(next);
  }

  async function sync(): Promise<boolean> {
    const next = await store.entries();
    if (stampOf(next) === stamp) return false;
    await load(next);
    return true;
  }

  function publishedKeys(): LoadedKey[] {
    const at = nowSec();
    return entries
      .filter((entry) => isPublished(entry, at))
      .map((entry) => loaded.get(entry.kid))
      .filter((key): key is LoadedKey => key !== undefined);
  }

  const keySet: KeySet = async (header) => {
    const find = (): LoadedKey | undefined => publishedKeys().find((key) => key.kid === header.kid);
    let key = header.alg === SIGNING_ALG ? find() : undefined;
    if (key === undefined && header.alg === SIGNING_ALG && now() - lastUnknownKidSync >= UNKNOWN_KID_COOLDOWN_MS) {
      // Perhaps another instance rotated a moment ago.
      lastUnknownKidSync = now();
      await sync().catch(() => false);
      key = find();
    }
    if (key === undefined) throw new joseErrors.JWKSNoMatchingKey();
    return key.publicKey;
  };

  const timer =
    (options.syncIntervalMs ?? 0) > 0
      ? setInterval(() => {
          sync().catch((error: unknown) => options.logger?.warn({ err: error }, 'could not re-read the signing keys'));
        }, options.syncIntervalMs)
      : undefined;
  timer?.unref();

  return {
    signer() {
      const entry = signerOf(entries, nowSec());
      const key = entry === undefined ? undefined : loaded.get(entry.kid);
      if (key === undefined) throw new Error('no signing key is loaded');
      return key;
    },
    jwks: () => ({ keys: publishedKeys().map((key) => key.publicJwk) }),
    keySet,
    async rotate() {
      await sync();
      const seen = newestOf(entries)?.kid;
      const fresh = await generateSigningKey();
      const after = await store.update(async (current) => {
        // Another instance rotated since this one last read the list: its key is the answer.
        if (newestOf(current)?.kid !== seen) return null;
        return planRotation(current, fresh, nowSec(), {
          activationDelaySec: options.activationDelaySec,
          retireAfterSec: options.retireAfterSec,
        });
      });
      await load(after);
      const newest = newestOf(after);
      const previous = newest === undefined ? undefined : newestOf(after.filter((entry) => entry.kid !== newest.kid));
      if (newest === undefined || previous?.retire_after == null) throw new Error('the rotation left no previous key');
      return {
        kid: newest.kid,
        signs_from: newest.signs_from,
        previous: { kid: previous.kid, retire_after: previous.retire_after },
      };
    },
    sync,
    keys: () => {
      const signing = signerOf(entries, nowSec())?.kid;
      return entries.map(({ serial: _serial, ...entry }) => ({ ...entry, signing: entry.kid === signing }));
    },
    close() {
      clearInterval(timer);
    },
  };
}

/** A value that changes whenever the list does. */
function stampOf(entries: readonly KeyEntry[]): string {
  return entries
    .map((entry) => `${entry.kid}:${entry.signs_from}:${entry.retire_after ?? ''}`)
    .sort()
    .join(',');
}

/** The first keys, under the store's lock: two instances starting on an empty store agree on one. */
async function createFirstKeys(options: KeyRingOptions): Promise<KeyEntry[]> {
  return options.store.update(async (current) => {
    if (current.length > 0) return null;
    const imported = (await options.initialKeys?.()) ?? null;
    if (imported !== null && imported.length > 0) {
      options.logger?.info(
        { kids: imported.map((key) => key.entry.kid) },
        'imported the signing keys from the key directory into the database',
      );
      return { add: imported, retire: [], remove: [] };
    }
    const key = await generateSigningKey();
    const at = Math.floor(options.now() / 1000);
    return {
      add: [
        { entry: { kid: key.kid, created_at: at, signs_from: at, retire_after: null }, privatePem: key.privatePem },
      ],
      retire: [],
      remove: [],
    };
  });
}

async function loadKey(kid: string, pem: string): Promise<LoadedKey> {
  const publicJwk: JWK = { ...publicJwkOf(pem), kid, alg: SIGNING_ALG, use: 'sig' };
  return {
    kid,
    privateKey: await importPKCS8(pem, SIGNING_ALG),
    publicKey: (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey,
    publicJwk,
  };
}

/**
 * Makes a freshly generated key the signer (after the activation delay). The former signer stays
 * published (and verifying) until `retire_after`, when every token it signed has expired.
 */
export function rotateSigningKey(ring: KeyRing): Promise<RotationResult> {
  return ring.rotate();
}
