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
function indexedFields(payload: AdapterPayload): {
  grantId: string | null;
  uid: string | null;
  userCode: string | null;
} {
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

/** A session record's fields identity reads itself (the provider's Session payload). */
export interface SessionPayload {
  id: string;
  accountId: string;
  loginTs: number | null;
  /** Client id → that client's `sid` for this session. */
  authorizations: Record<string, { sid: string }>;
}

function sessionPayload(id: string, raw: unknown): SessionPayload | undefined {
  const payload = raw as { accountId?: unknown; loginTs?: unknown; authorizations?: unknown };
  if (typeof payload.accountId !== 'string') return undefined;
  const authorizations: Record<string, { sid: string }> = {};
  if (typeof payload.authorizations === 'object' && payload.authorizations !== null) {
    for (const [clientId, value] of Object.entries(payload.authorizations as Record<string, { sid?: unknown }>)) {
      if (typeof value?.sid === 'string') authorizations[clientId] = { sid: value.sid };
    }
  }
  return {
    id,
    accountId: payload.accountId,
    loginTs: typeof payload.loginTs === 'number' ? payload.loginTs : null,
    authorizations,
  };
}

/** The live sessions of an account, with each client's `sid`. */
export async function liveSessionsOf(db: IdentityDb, accountId: string, now: Date): Promise<SessionPayload[]> {
  const rows = await db
    .select({ id: oidcPayloads.id, payload: oidcPayloads.payload })
    .from(oidcPayloads)
    .where(
      and(
        eq(oidcPayloads.kind, 'Session'),
        sql`${oidcPayloads.payload} ->> 'accountId' = ${accountId}`,
        or(isNull(oidcPayloads.expiresAt), gt(oidcPayloads.expiresAt, now)),
      ),
    );
  return rows
    .map((row) => sessionPayload(row.id, row.payload))
    .filter((row): row is SessionPayload => row !== undefined);
}

/**
 * Deletes sessions that reached their end and returns them, so their back-channel logout can be
 * sent. The DELETE … RETURNING claims each one for exactly one instance.
 */
export async function claimEndedSessions(db: IdentityDb, now: Date, limit = 500): Promise<SessionPayload[]> {
  const rows = await db.execute<{ id: string; payload: unknown }>(sql`
    DELETE FROM oidc_payloads WHERE kind = 'Session' AND id IN (
      SELECT id FROM oidc_payloads WHERE kind = 'Session' AND expires_at <= ${now} LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ) RETURNING id, payload`);
  return rows.rows
    .map((row) => sessionPayload(row.id, row.payload))
    .filter((row): row is SessionPayload => row !== undefined);
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
  // Sessions are left to `claimEndedSessions`, which sends their back-channel logout first.
  const records = await db
    .delete(oidcPayloads)
    .where(and(lt(oidcPayloads.expiresAt, now), sql`${oidcPayloads.kind} <> 'Session'`))
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
