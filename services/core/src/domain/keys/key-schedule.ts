/**
 * Which key signs and which keys are published, as plain functions of the key list and the time
 * (unix seconds), so every core instance holding the same list decides the same.
 *
 * A rotation adds the new key with `signs_from` a little in the future: it is published at once
 * (every instance picks it up within the sync interval and serves it in its JWKS) but signs only
 * from then, so no verifier meets a token whose key its JWKS source does not know yet. The keys
 * that could sign until then get a `retire_after`: the moment the last token they can have
 * signed has expired. Until that moment they stay published (RFC 7517 §5 key sets).
 */

/** The public state of one key; times in unix seconds. */
export interface KeyEntry {
  kid: string;
  created_at: number;
  /** From when this key signs (the newest key whose time has come is the signer). */
  signs_from: number;
  /** Null for a key that may still sign; otherwise when its last token has surely expired. */
  retire_after: number | null;
  /** Order of insertion (the store assigns it): breaks ties of keys made in the same second. */
  serial: number;
}

/** A key as a change adds it, before the store numbered it. */
export type NewKeyEntry = Omit<KeyEntry, 'serial'>;

/** What a change to the key list does, applied atomically by the store. */
export interface KeyListChange {
  add: { entry: NewKeyEntry; privatePem: string }[];
  retire: { kid: string; retire_after: number }[];
  remove: string[];
}

/** Whether `entry` is still in the JWKS at `nowSec`. */
export function isPublished(entry: KeyEntry, nowSec: number): boolean {
  return entry.retire_after === null || entry.retire_after > nowSec;
}

/** Newest first: by `signs_from`, then by insertion. */
function newerFirst(a: KeyEntry, b: KeyEntry): number {
  return b.signs_from - a.signs_from || b.serial - a.serial;
}

/** The key that signs at `nowSec`: the newest published key whose `signs_from` has come. */
export function signerOf(entries: readonly KeyEntry[], nowSec: number): KeyEntry | undefined {
  return [...entries].sort(newerFirst).find((entry) => entry.signs_from <= nowSec && isPublished(entry, nowSec));
}

/** The newest key of the list (the signer, or the one about to become it). */
export function newestOf(entries: readonly KeyEntry[]): KeyEntry | undefined {
  return [...entries].sort(newerFirst)[0];
}

/**
 * The change a rotation makes at `nowSec`: add `key` signing from `nowSec + activationDelaySec`,
 * give every key that may still sign a `retire_after` (`retireAfterSec` after the new key takes
 * over), and drop keys whose time is up.
 */
export function planRotation(
  entries: readonly KeyEntry[],
  key: { kid: string; privatePem: string },
  nowSec: number,
  policy: { activationDelaySec: number; retireAfterSec: number },
): KeyListChange {
  const signsFrom = nowSec + policy.activationDelaySec;
  const retireAfter = signsFrom + policy.retireAfterSec;
  return {
    add: [
      {
        entry: { kid: key.kid, created_at: nowSec, signs_from: signsFrom, retire_after: null },
        privatePem: key.privatePem,
      },
    ],
    retire: entries
      .filter((entry) => entry.retire_after === null)
      .map((entry) => ({ kid: entry.kid, retire_after: retireAfter })),
    remove: entries.filter((entry) => !isPublished(entry, nowSec)).map((entry) => entry.kid),
  };
}

/**
 * How long a key must stay published after it stopped signing: the longest token lifetime, plus
 * the refresh grace (an expired token may still be refreshed), plus the time other instances take
 * to notice the rotation, plus verifiers' clock tolerance (30 s) with a margin.
 */
export function keyRetirementSec(policy: {
  tokenTtlSec: number;
  refreshGraceSec: number;
  syncIntervalMs: number;
}): number {
  return Math.max(policy.tokenTtlSec, 300) + policy.refreshGraceSec + Math.ceil(policy.syncIntervalMs / 1000) + 60;
}

/**
 * How long a new key is published before it signs: two sync intervals (every instance has
 * re-read the list at least once) plus a second of margin.
 */
export function keyActivationDelaySec(syncIntervalMs: number): number {
  return Math.ceil((2 * syncIntervalMs) / 1000) + 1;
}
