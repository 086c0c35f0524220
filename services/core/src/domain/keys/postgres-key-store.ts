/**
 * The signing keys in core's PostgreSQL database (table `signing_keys`), shared by every core
 * instance: private keys sealed (`key-sealing.ts`), every change made in one transaction holding
 * an advisory lock, so two instances rotating at once change the list one after the other.
 */
import type pg from 'pg';
import { withTransactionLock } from '@hivematrix/sdk/db';
import type { KeyEntry } from './key-schedule.js';
import { openPrivateKey, sealPrivateKey, type SealingKey } from './key-sealing.js';
import type { KeyStore } from './key-store.js';

/** The advisory lock every change to the key list takes. */
export const SIGNING_KEYS_LOCK = 'core:signing-keys';

interface EntryRow {
  kid: string;
  created_at: string;
  signs_from: string;
  retire_after: string | null;
  serial: string;
}

const toEntry = (row: EntryRow): KeyEntry => ({
  kid: row.kid,
  created_at: Number(row.created_at),
  signs_from: Number(row.signs_from),
  retire_after: row.retire_after === null ? null : Number(row.retire_after),
  serial: Number(row.serial),
});

const SELECT_ENTRIES = 'SELECT kid, created_at, signs_from, retire_after, serial FROM signing_keys ORDER BY serial';

/** The store over core's migrated database. */
export function createPostgresKeyStore(options: { pool: pg.Pool; sealing: SealingKey }): KeyStore {
  const { pool, sealing } = options;
  return {
    kind: 'postgres',
    async entries() {
      return (await pool.query<EntryRow>(SELECT_ENTRIES)).rows.map(toEntry);
    },
    async privateKey(kid) {
      const { rows } = await pool.query<{ private_key: Buffer; sealed_with: string }>(
        'SELECT private_key, sealed_with FROM signing_keys WHERE kid = $1',
        [kid],
      );
      const row = rows[0];
      if (row === undefined) throw new Error(`no signing key ${kid}`);
      if (row.sealed_with !== sealing.check) {
        throw new Error(
          `signing key ${kid} was sealed under another secret than core's current one (SERVICE_SECRET, or KEYS_ENCRYPTION_SECRET when set): ` +
            'give core the secret it had when the key was made, or delete the rows of signing_keys to start with a new key (every user signs in again)',
        );
      }
      return openPrivateKey(sealing, kid, row.private_key);
    },
    update(decide) {
      return withTransactionLock(pool, SIGNING_KEYS_LOCK, async (client) => {
        const before = (await client.query<EntryRow>(SELECT_ENTRIES)).rows.map(toEntry);
        const change = await decide(before);
        if (change === null) return before;
        if (change.remove.length > 0)
          await client.query('DELETE FROM signing_keys WHERE kid = ANY($1::text[])', [change.remove]);
        for (const { kid, retire_after } of change.retire) {
          await client.query('UPDATE signing_keys SET retire_after = $2 WHERE kid = $1', [kid, retire_after]);
        }
        for (const { entry, privatePem } of change.add) {
          await client.query(
            'INSERT INTO signing_keys (kid, created_at, signs_from, retire_after, private_key, sealed_with) VALUES ($1, $2, $3, $4, $5, $6)',
            [
              entry.kid,
              entry.created_at,
              entry.signs_from,
              entry.retire_after,
              sealPrivateKey(sealing, entry.kid, privatePem),
              sealing.check,
            ],
          );
        }
        return (await client.query<EntryRow>(SELECT_ENTRIES)).rows.map(toEntry);
      });
    },
  };
}
