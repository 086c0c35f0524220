/**
 * oidc-provider's storage in PostgreSQL: the adapter it calls for every model (Session,
 * Interaction, AuthorizationCode, AccessToken, RefreshToken, ClientCredentials, Grant, ...), plus
 * the queries identity itself needs on those records (a user's sessions, pruning).
 *
 * A row is live until `expires_at`; expired rows are invisible to `find` at once and deleted by
 * `pruneExpired` later. Because all state is here, a restart keeps everyone logged in and several
 * instances can serve the same realm.
 */
import { and, eq, gt, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { loginFailures, oidcPayloads, type IdentityDb } from './schema.js';

/** Row fields the provider looks records up by, copied out of the payload. */
function indexedFields(payload: AdapterPayload): { grantId: string | null; uid: string | null; userCode: string | null } {
  return {
    grantId: typeof payload.grantId === 'string' ? payload.grantId : null,
    uid: typeof payload.uid === 'string' ? payload.uid : null,
    userCode: typeof payload.userCode === 'string' ? payload.userCode : null,
  };
}

/** The payload as the provider expects it back: `consumed` set once the record was consumed. */
function withConsumed(row: { payload: unknown; consumedAt: Date | null }): AdapterPayload {
  const payload = { ...(row.payload as AdapterPayload) };
  if (row.consumedAt !== null) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
  return payload;
}

/**
 * The adapter for one model (`kind`), as oidc-provider's `adapter` option builds it:
 * `adapter: (name) => createPgAdapter(db, name, now)`.
 */
export function createPgAdapter(db: IdentityDb, kind: string, now: () => Date): Adapter {
  const live = () => or(isNull(oidcPayloads.expiresAt), gt(oidcPayloads.expiresAt, now()));

  async function findWhere(condition: SQL): Promise<AdapterPayload | undefined> {
    const [row] = await db
      .select({ payload: oidcPayloads.payload, consumedAt: oidcPayloads.consumedAt })
      .from(oidcPayloads)
      .where(and(eq(oidcPayloads.kind, kind), condition, live()))
      .limit(1);
    return row === undefined ? undefined : withConsumed(row);
  }

  return {
    async upsert(id, payload, expiresIn) {
      const expiresAt = expiresIn > 0 ? new Date(now().getTime() + expiresIn * 1000) : null;
      const fields = { ...indexedFields(payload), payload, expiresAt, consumedAt: null };
      // A re-saved record replaces the stored one entirely, as the provider's memory adapter does.
      await db
        .insert(oidcPayloads)
        .values({ kind, id, ...fields })
        .onConflictDoUpdate({ target: [oidcPayloads.kind, oidcPayloads.id], set: fields });
    },
    find: (id) => findWhere(eq(oidcPayloads.id, id)),
    findByUid: (uid) => findWhere(eq(oidcPayloads.uid, uid)),
    findByUserCode: (userCode) => findWhere(eq(oidcPayloads.userCode, userCode)),
    async consume(id) {
      await db
        .update(oidcPayloads)
        .set({ consumedAt: now() })
        .where(and(eq(oidcPayloads.kind, kind), eq(oidcPayloads.id, id)));
    },
    async destroy(id) {
      await db.delete(oidcPayloads).where(and(eq(oidcPayloads.kind, kind), eq(oidcPayloads.id, id)));
    },
    async revokeByGrantId(grantId) {
      await db.delete(oidcPayloads).where(and(eq(oidcPayloads.kind, kind), eq(oidcPayloads.grantId, grantId)));
    },
  };
}

/** Ids of the live sessions of an account (the session's `jti`, which `Session.find` takes). */
export async function sessionIdsOf(db: IdentityDb, accountId: string, now: Date): Promise<string[]> {
  const rows = await db
    .select({ id: oidcPayloads.id })
    .from(oidcPayloads)
    .where(
      and(
        eq(oidcPayloads.kind, 'Session'),
        sql`${oidcPayloads.payload} ->> 'accountId' = ${accountId}`,
        or(isNull(oidcPayloads.expiresAt), gt(oidcPayloads.expiresAt, now)),
      ),
    );
  return rows.map((row) => row.id);
}

/**
 * Deletes every provider record that belongs to an account: sessions, grants, codes and tokens.
 * After it, no token of the user works anywhere the provider is asked (userinfo, introspection,
 * refresh). Returns how many records went.
 */
export async function deleteAccountRecords(db: IdentityDb, accountId: string): Promise<number> {
  const deleted = await db
    .delete(oidcPayloads)
    .where(sql`${oidcPayloads.payload} ? 'accountId' AND ${oidcPayloads.payload} ->> 'accountId' = ${accountId}`)
    .returning({ id: oidcPayloads.id });
  return deleted.length;
}

/** How long an unknown username's failure count is kept after its last failure (and lock). */
const FAILURE_RECORD_RETENTION_MS = 24 * 3_600_000;

/**
 * Deletes expired provider records and stale failure counts of unknown usernames. Run
 * periodically; correctness never depends on it (expired rows are already invisible).
 */
export async function pruneExpired(db: IdentityDb, now: Date): Promise<{ records: number; failures: number }> {
  const records = await db
    .delete(oidcPayloads)
    .where(lt(oidcPayloads.expiresAt, now))
    .returning({ id: oidcPayloads.id });
  const staleBefore = new Date(now.getTime() - FAILURE_RECORD_RETENTION_MS);
  const failures = await db
    .delete(loginFailures)
    .where(
      and(
        lt(loginFailures.updatedAt, staleBefore),
        or(isNull(loginFailures.lockedUntil), lt(loginFailures.lockedUntil, now)),
      ),
    )
    .returning({ username: loginFailures.username });
  return { records: records.length, failures: failures.length };
}
