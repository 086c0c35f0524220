/**
 * Where the signing keys are kept. PostgreSQL in production (`postgres-key-store.ts`: shared by
 * every core instance, private keys sealed); memory for tests and a core without a database.
 */
import type { KeyEntry, KeyListChange } from './key-schedule.js';

/** A key list backend. */
export interface KeyStore {
  readonly kind: 'postgres' | 'memory';
  /** The public state of every key; polled by every instance, so cheap. */
  entries(): Promise<KeyEntry[]>;
  /** The private PEM of `kid`. */
  privateKey(kid: string): Promise<string>;
  /**
   * Under the store's exclusive lock (one instance at a time across the cluster), reads the
   * list, lets `decide` plan a change (null: none) and applies it atomically; returns the list
   * after the change.
   */
  update(decide: (entries: KeyEntry[]) => Promise<KeyListChange | null>): Promise<KeyEntry[]>;
}

/** The in-memory store: one process only. */
export function createMemoryKeyStore(): KeyStore {
  const keys = new Map<string, { entry: KeyEntry; privatePem: string }>();
  let serial = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const list = (): KeyEntry[] => [...keys.values()].map((key) => ({ ...key.entry }));
  return {
    kind: 'memory',
    entries: async () => list(),
    async privateKey(kid) {
      const key = keys.get(kid);
      if (key === undefined) throw new Error(`no signing key ${kid}`);
      return key.privatePem;
    },
    update(decide) {
      const next = queue.then(async () => {
        const change = await decide(list());
        if (change !== null) {
          for (const kid of change.remove) keys.delete(kid);
          for (const { kid, retire_after } of change.retire) {
            const key = keys.get(kid);
            if (key !== undefined) key.entry.retire_after = retire_after;
          }
          for (const added of change.add)
            keys.set(added.entry.kid, { entry: { ...added.entry, serial: ++serial }, privatePem: added.privatePem });
        }
        return list();
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
