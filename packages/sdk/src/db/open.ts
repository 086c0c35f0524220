/**
 * Opening a service's database: one `pg` pool with per-connection limits, and Drizzle over it.
 *
 * Limits are sent in the connection's startup packet (no extra round trip per connection), so a
 * runaway query is cancelled by the server itself after `statementTimeoutMs`, and every session is
 * named in `pg_stat_activity` by its service.
 */
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';

/** The logger shape the database layer needs; a pino logger fits it. */
export interface DbLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OpenDatabaseOptions<TSchema extends Record<string, unknown>> {
  /** postgres://user:password@host:port/database (query parameters such as sslmode are honoured). */
  url: string;
  poolMax?: number;
  /** Server-side limit per statement; 0 leaves the server's default (none unless configured). */
  statementTimeoutMs?: number;
  /** A transaction left open (a bug, a hung request) holds its locks; the server ends it after this. 0: server default. */
  idleInTransactionTimeoutMs?: number;
  /** How long an unused pooled connection is kept. */
  idleTimeoutMs?: number;
  /** How long to wait for a connection (TCP + authentication) before failing. */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity and the server log; use the service name. */
  applicationName: string;
  /** Drizzle schema object, for the relational query API (`db.query.<table>`). */
  schema?: TSchema;
  /** Schemas to resolve unqualified names in, in order (each a plain identifier). */
  searchPath?: readonly string[];
  logger?: DbLogger;
}

export interface Database<TSchema extends Record<string, unknown>> {
  pool: pg.Pool;
  db: NodePgDatabase<TSchema>;
  /** Runs `SELECT 1`; throws when the database cannot answer (health checks). */
  ping: () => Promise<void>;
  /** Closes every connection; idempotent. */
  close: () => Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens a pool on `url` and wraps it in Drizzle. Connections are made lazily, on first use. */
export function openDatabase<TSchema extends Record<string, unknown> = Record<string, never>>(
  options: OpenDatabaseOptions<TSchema>,
): Database<TSchema> {
  const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
  const serverOptions: string[] = [];
  if (options.searchPath !== undefined) {
    for (const name of options.searchPath) {
      if (!IDENTIFIER.test(name)) throw new Error(`invalid schema name in searchPath: ${JSON.stringify(name)}`);
    }
    serverOptions.push(`-c search_path=${options.searchPath.join(',')}`);
  }

  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    application_name: options.applicationName,
    // pg leaves a falsy timeout out of the startup packet: 0 means "the server's default".
    statement_timeout: statementTimeoutMs,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    ...(serverOptions.length > 0 ? { options: serverOptions.join(' ') } : {}),
  });
  // An idle connection dropped by the server (restart, failover, terminate) is reported here; the
  // pool discards it and reconnects on next use. Without a listener Node would crash the process.
  pool.on('error', (error) => {
    options.logger?.warn({ err: error, application: options.applicationName }, 'idle PostgreSQL connection failed');
  });

  const db =
    options.schema === undefined
      ? drizzle<TSchema>({ client: pool })
      : drizzle<TSchema>({ client: pool, schema: options.schema });

  let closing: Promise<void> | undefined;
  return {
    pool,
    db,
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => {
      closing ??= pool.end();
      return closing;
    },
  };
}
