/**
 * The PostgreSQL session store: core's default when it has a database and no Redis. Sessions and
 * the revocation log live in core's own database (migrations in `src/db/migrations`), so a
 * restart of core, or of the whole platform, keeps every session and every revocation until the
 * revoked tokens expire: consumers that catch up from `since=0` after a restart learn again every
 * revoked token that could still be presented.
 *
 * A revocation is one transaction: mark the session, take the next number from the single
 * `revocation_seq` row (its row lock serialises revocations, so numbers commit in order) and log
 * it. Listeners hear it after the commit. Several core instances share sessions through this
 * database but hear only their own revocations; run several instances with Redis.
 */
import type { Database } from '@hivematrix/sdk/db';
import { AppError, PermissionLevelSchema } from '@hivematrix/sdk';
import { createRevocationFanout, tombstone } from './shared.js';
import {
  REVOCATION_RETAIN_SEC,
  type Revocation,
  type RevokeFallback,
  type RevokeOutcome,
  type Session,
  type SessionStore,
} from './types.js';

/** Options of `createPostgresSessionStore`. */
export interface PostgresStoreOptions {
  /** A pool on core's database, migrations applied. */
  pool: Database<Record<string, unknown>>['pool'];
  /** Clock in milliseconds. */
  now: () => number;
  /** How often expired sessions and log entries are deleted; 0 disables the timer. */
  cleanupIntervalMs?: number;
  logger?: { warn(obj: object, msg?: string): void };
}

/** The PostgreSQL store, with its sweep exposed for tests. */
export interface PostgresSessionStore extends SessionStore {
  /** Deletes sessions past their maximum age and log entries nobody needs any more. */
  sweep(): Promise<void>;
}

interface SessionRow {
  id: string;
  sub: string;
  username: string;
  name: string;
  email: string;
  permission_level: string;
  groups: string[];
  identity_sid: string | null;
  created_at: string;
  expires_at: string;
  last_refresh_at: string | null;
  token_exp: string;
  revoked_at: string | null;
}

const COLUMNS =
  'id, sub, username, name, email, permission_level, groups, identity_sid, created_at, expires_at, last_refresh_at, token_exp, revoked_at';

/** bigint columns arrive as strings (pg does not guess at precision); ours fit a double. */
function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    sub: row.sub,
    username: row.username,
    name: row.name,
    email: row.email,
    permissionLevel: PermissionLevelSchema.catch('client').parse(row.permission_level),
    groups: row.groups,
    identitySid: row.identity_sid,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    lastRefreshAt: row.last_refresh_at === null ? null : Number(row.last_refresh_at),
    tokenExp: Number(row.token_exp),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

const values = (session: Session): unknown[] => [
  session.id,
  session.sub,
  session.username,
  session.name,
  session.email,
  session.permissionLevel,
  session.groups,
  session.identitySid,
  session.createdAt,
  session.expiresAt,
  session.lastRefreshAt,
  session.tokenExp,
  session.revokedAt,
];

/** Creates the store over an open, migrated pool. */
export function createPostgresSessionStore(options: PostgresStoreOptions): PostgresSessionStore {
  const { pool, now, logger } = options;
  const fanout = createRevocationFanout((error) => logger?.warn({ err: error }, 'revocation listener failed'));

  /** Database trouble is an outage of core (503), never a client error. */
  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'session database error');
      throw new AppError('service_unavailable', 'The session store is unavailable', { cause: error, retryAfter: 5 });
    }
  }

  async function select(where: string, params: unknown[], suffix = ''): Promise<Session[]> {
    const result = await pool.query<SessionRow>(
      `SELECT ${COLUMNS} FROM sessions WHERE expires_at > $1 AND ${where} ${suffix}`,
      [now(), ...params],
    );
    return result.rows.map(toSession);
  }

  async function revokeOne(id: string, at: number, fallback?: RevokeFallback): Promise<RevokeOutcome> {
    const client = await pool.connect();
    let revocation: Revocation | undefined;
    try {
      await client.query('BEGIN');
      const found = await client.query<{ token_exp: string; revoked_at: string | null }>(
        'SELECT token_exp, revoked_at FROM sessions WHERE id = $1 AND expires_at > $2 FOR UPDATE',
        [id, now()],
      );
      const row = found.rows[0];
      let exp: number;
      if (row !== undefined) {
        if (row.revoked_at !== null) {
          await client.query('ROLLBACK');
          return { status: 'already_revoked' };
        }
        exp = Math.max(Number(row.token_exp), fallback?.tokenExp ?? 0);
        await client.query('UPDATE sessions SET revoked_at = $2 WHERE id = $1', [id, at]);
      } else {
        if (fallback === undefined || (fallback.tokenExp + REVOCATION_RETAIN_SEC) * 1000 <= now()) {
          await client.query('ROLLBACK');
          return { status: 'not_found' };
        }
        // The session is gone (pruned, or from before this store); keep a revoked record so a
        // second revocation answers "already revoked".
        exp = fallback.tokenExp;
        await client.query(
          `INSERT INTO sessions (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
           ON CONFLICT (id) DO UPDATE SET revoked_at = EXCLUDED.revoked_at, expires_at = EXCLUDED.expires_at, token_exp = EXCLUDED.token_exp`,
          values(tombstone(id, fallback, at)),
        );
      }
      const seq = await client.query<{ seq: string }>(
        'UPDATE revocation_seq SET seq = seq + 1 WHERE id = 1 RETURNING seq',
      );
      revocation = { seq: Number(seq.rows[0]?.seq), jti: id, exp };
      await client.query('INSERT INTO revocations (seq, jti, exp) VALUES ($1, $2, $3)', [revocation.seq, id, exp]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    fanout.emit(revocation);
    return { status: 'revoked', revocation };
  }

  async function revokeAll(sessions: Session[], at: number): Promise<number> {
    let count = 0;
    // One at a time: each takes the sequence row's lock anyway.
    for (const session of sessions)
      if (session.revokedAt === null && (await revokeOne(session.id, at)).status === 'revoked') count += 1;
    return count;
  }

  async function sweep(): Promise<void> {
    const nowMs = now();
    await pool.query('DELETE FROM sessions WHERE expires_at <= $1', [nowMs]);
    await pool.query('DELETE FROM revocations WHERE exp <= $1', [Math.floor(nowMs / 1000) - REVOCATION_RETAIN_SEC]);
  }

  const interval = options.cleanupIntervalMs ?? 60_000;
  const timer =
    interval > 0
      ? setInterval(() => {
          sweep().catch((error: unknown) =>
            logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'session sweep failed'),
          );
        }, interval)
      : undefined;
  timer?.unref();

  return {
    create: (session) =>
      guarded(async () => {
        await pool.query(
          `INSERT INTO sessions (${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
          values(session),
        );
      }),
    get: (id) => guarded(async () => (await select('id = $2', [id]))[0] ?? null),
    recordRefresh: (id, at, tokenExp, claims) =>
      guarded(async () => {
        const result = await pool.query<SessionRow>(
          `UPDATE sessions SET last_refresh_at = $3, token_exp = GREATEST(token_exp, $4),
             permission_level = COALESCE($5, permission_level), groups = COALESCE($6, groups)
           WHERE id = $1 AND expires_at > $2 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
          [id, now(), at, tokenExp, claims?.permissionLevel ?? null, claims?.groups ?? null],
        );
        const row = result.rows[0];
        return row === undefined ? null : toSession(row);
      }),
    listByUser: (sub) => guarded(() => select('sub = $2', [sub], 'ORDER BY created_at')),
    listAll: (limit) =>
      guarded(() => select('true', [], `ORDER BY created_at LIMIT ${Math.max(0, Math.floor(limit))}`)),
    revoke: (id, at, fallback) => guarded(() => revokeOne(id, at, fallback)),
    revokeUser: (sub, at) => guarded(async () => revokeAll(await select('sub = $2', [sub]), at)),
    revokeByIdentitySid: (sid, at) => guarded(async () => revokeAll(await select('identity_sid = $2', [sid]), at)),
    revocationsSince: (since) =>
      guarded(async () => {
        const keepAfter = Math.floor(now() / 1000) - REVOCATION_RETAIN_SEC;
        const [seq, log] = await Promise.all([
          pool.query<{ seq: string }>('SELECT seq FROM revocation_seq WHERE id = 1'),
          pool.query<{ seq: string; jti: string; exp: string }>(
            'SELECT seq, jti, exp FROM revocations WHERE seq > $1 AND exp > $2 ORDER BY seq',
            [since, keepAfter],
          ),
        ]);
        return {
          seq: Number(seq.rows[0]?.seq ?? 0),
          revocations: log.rows.map((row) => ({ seq: Number(row.seq), jti: row.jti, exp: Number(row.exp) })),
        };
      }),
    onRevocation: (listener) => fanout.subscribe(listener),
    async health() {
      try {
        await pool.query('SELECT 1');
        return { status: 'healthy', type: 'postgres' };
      } catch (error) {
        return { status: 'unhealthy', type: 'postgres', error: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {
      clearInterval(timer);
    },
    sweep,
  };
}
