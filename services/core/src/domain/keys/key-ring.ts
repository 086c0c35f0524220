/**
 * Core's signing keys in memory: the current signer, the public keys still needed to verify
 * (published as the JWKS), and rotation.
 *
 * Rotation makes a new key the signer and gives the old one a `retire_after`: the moment the last
 * token it can have signed has expired (token lifetime + refresh grace + the time other instances
 * need to notice the rotation + verifiers' clock tolerance). Until then it stays in the JWKS, so
 * tokens signed before the rotation keep validating until they expire (RFC 7517 §5 key sets).
 * Several core instances may share the key directory: each re-reads the manifest when it changes.
 */
import { errors as joseErrors, importJWK, importPKCS8, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import type { KeySet } from '@hivematrix/sdk';
import {
  ensureKeyDir,
  generateKeyFile,
  manifestStamp,
  publicJwkOf,
  readKeyFile,
  readManifest,
  removeKeyFile,
  writeManifest,
  type KeyEntry,
  type Manifest,
} from './key-files.js';

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
}

/** The public state of one key, for the admin API and tests. */
export interface KeyInfo extends KeyEntry {
  signing: boolean;
}

/** Options of `openKeyRing`. */
export interface KeyRingOptions {
  dir: string;
  /** Clock in milliseconds. */
  now: () => number;
  /** How long a key stays published after it stopped signing. */
  retireAfterSec: number;
  /** How often the manifest is checked for changes made by another instance; 0 disables the timer. */
  syncIntervalMs?: number;
  logger?: { warn(obj: object, msg?: string): void };
}

/** Core's signing keys. */
export interface KeyRing {
  /** The key new tokens are signed with. */
  signer(): LoadedKey;
  /** Every key still needed for verification, public parts only. */
  jwks(): JSONWebKeySet;
  /** Resolves a token's verification key from its header (for jose's `jwtVerify`). */
  readonly keySet: KeySet;
  /** Makes a freshly generated key the signer. */
  rotate(): Promise<RotationResult>;
  /** Re-reads the manifest if it changed on disk; true when it did. */
  sync(): Promise<boolean>;
  /** The manifest's keys, for inspection. */
  keys(): KeyInfo[];
  /** Stops the sync timer. */
  close(): void;
}

/** Minimum time between two manifest checks triggered by a token with an unknown kid. */
const UNKNOWN_KID_COOLDOWN_MS = 5_000;

/**
 * Opens the key ring in `dir`, generating the first key on the very first start. Two instances
 * starting together on an empty directory agree on one manifest: the loser of the race adopts the
 * winner's and deletes its own key.
 */
export async function openKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  const { dir, now } = options;
  await ensureKeyDir(dir);
  const loaded = new Map<string, LoadedKey>();
  let manifest = await readManifest(dir);
  if (manifest === null) manifest = await createFirstKey(dir, Math.floor(now() / 1000));
  let stamp = await manifestStamp(dir);
  await load(manifest);
  let lastUnknownKidSync = 0;

  async function load(next: Manifest): Promise<void> {
    const nowSec = Math.floor(now() / 1000);
    for (const entry of next.keys) {
      if (loaded.has(entry.kid) || !isPublished(entry, nowSec)) continue;
      loaded.set(entry.kid, await loadKey(dir, entry.kid));
    }
    for (const kid of loaded.keys()) if (!next.keys.some((entry) => entry.kid === kid)) loaded.delete(kid);
    manifest = next;
  }

  async function sync(): Promise<boolean> {
    const current = await manifestStamp(dir);
    if (current === stamp || current === null) return false;
    const next = await readManifest(dir);
    if (next === null) return false;
    await load(next);
    stamp = current;
    return true;
  }

  function publishedKeys(): LoadedKey[] {
    const nowSec = Math.floor(now() / 1000);
    const current = manifest;
    if (current === null) return [];
    return current.keys
      .filter((entry) => isPublished(entry, nowSec))
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
      const kid = manifest?.signer;
      const key = kid === undefined ? undefined : loaded.get(kid);
      if (key === undefined) throw new Error('no signing key is loaded');
      return key;
    },
    jwks: () => ({ keys: publishedKeys().map((key) => key.publicJwk) }),
    keySet,
    async rotate() {
      await sync();
      const base = manifest;
      if (base === null) throw new Error('no key manifest');
      const kid = await generateKeyFile(dir);
      const nowSec = Math.floor(now() / 1000);
      const retireAfter = nowSec + options.retireAfterSec;
      const keys: KeyEntry[] = [];
      for (const entry of base.keys) {
        const retire_after = entry.kid === base.signer ? retireAfter : entry.retire_after;
        if (retire_after !== null && retire_after <= nowSec) await removeKeyFile(dir, entry.kid);
        else keys.push({ ...entry, retire_after });
      }
      keys.push({ kid, created_at: nowSec, retire_after: null });
      const next: Manifest = { version: 1, signer: kid, keys };
      await writeManifest(dir, next);
      stamp = await manifestStamp(dir);
      await load(next);
      return { kid, previous: { kid: base.signer, retire_after: retireAfter } };
    },
    sync,
    keys: () => (manifest?.keys ?? []).map((entry) => ({ ...entry, signing: entry.kid === manifest?.signer })),
    close() {
      clearInterval(timer);
    },
  };
}

function isPublished(entry: KeyEntry, nowSec: number): boolean {
  return entry.retire_after === null || entry.retire_after > nowSec;
}

async function createFirstKey(dir: string, nowSec: number): Promise<Manifest> {
  const kid = await generateKeyFile(dir);
  const manifest: Manifest = { version: 1, signer: kid, keys: [{ kid, created_at: nowSec, retire_after: null }] };
  try {
    await writeManifest(dir, manifest, true);
    return manifest;
  } catch (error) {
    if (!(typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST')) throw error;
    // Another instance created the manifest first: use its key, drop ours.
    await removeKeyFile(dir, kid);
    const theirs = await readManifest(dir);
    if (theirs === null) throw error;
    return theirs;
  }
}

async function loadKey(dir: string, kid: string): Promise<LoadedKey> {
  const pem = await readKeyFile(dir, kid);
  const bare = publicJwkOf(pem);
  const publicJwk: JWK = { ...bare, kid, alg: SIGNING_ALG, use: 'sig' };
  return {
    kid,
    privateKey: await importPKCS8(pem, SIGNING_ALG),
    publicKey: (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey,
    publicJwk,
  };
}

/**
 * Makes a freshly generated key the signer. The former signer stays published (and verifying)
 * until `retire_after`, when every token it signed has expired.
 */
export function rotateSigningKey(ring: KeyRing): Promise<RotationResult> {
  return ring.rotate();
}

/**
 * How long a key must stay published after it stopped signing: the longest token lifetime, plus
 * the refresh grace (an expired token may still be refreshed), plus the time other instances
 * sharing the key directory take to notice the rotation, plus verifiers' clock tolerance (30 s)
 * with a margin.
 */
export function keyRetirementSec(policy: { tokenTtlSec: number; refreshGraceSec: number; syncIntervalMs: number }): number {
  return Math.max(policy.tokenTtlSec, 300) + policy.refreshGraceSec + Math.ceil(policy.syncIntervalMs / 1000) + 60;
}
