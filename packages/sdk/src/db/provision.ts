/**
 * Provisioning a service's database: one login role and one database it owns, per service
 * (DESIGN.md §1), on the embedded cluster or any PostgreSQL reached with an admin URL.
 *
 * DDL takes no bind parameters, so names and passwords are validated and quoted with pg's
 * `escapeIdentifier`/`escapeLiteral`, never concatenated raw. ASCII passwords are sent as a
 * SCRAM-SHA-256 verifier computed here, so the clear password never reaches the server (nor its
 * statement log).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes as cryptoRandomBytes } from 'node:crypto';
import pg from 'pg';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export interface DatabaseGrant {
  database: string;
  role: string;
  password: string;
}

export interface ProvisionOptions {
  /** Source of the SCRAM salt; injectable so tests can freeze it. */
  randomBytes?: (size: number) => Buffer;
}

/** Throws unless `name` is a plain lower-case SQL identifier (at most 63 bytes, PostgreSQL's limit). */
export function assertIdentifier(name: string, what = 'identifier'): void {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`invalid ${what} ${JSON.stringify(name)}: expected ${IDENTIFIER.source}`);
  }
}

/**
 * Makes sure `role` (LOGIN, with `password`) and `database` (owned by `role`, UTF-8) exist.
 * Idempotent: an existing role gets the new password, an existing database the owner. CONNECT is
 * revoked from PUBLIC so other services' roles cannot even connect. Refuses to touch a superuser.
 */
export async function ensureDatabase(
  adminUrl: string,
  grant: DatabaseGrant,
  options: ProvisionOptions = {},
): Promise<void> {
  assertIdentifier(grant.database, 'database name');
  assertIdentifier(grant.role, 'role name');
  if (grant.password === '') throw new Error(`empty password for role ${grant.role}`);
  const role = pg.escapeIdentifier(grant.role);
  const database = pg.escapeIdentifier(grant.database);
  const password = passwordLiteral(grant.password, options.randomBytes ?? cryptoRandomBytes);

  await withAdmin(adminUrl, async (client) => {
    const existing = await client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [
      grant.role,
    ]);
    if (existing.rows[0]?.rolsuper === true) throw new Error(`refusing to provision superuser role ${grant.role}`);
    const alter = `ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${password}`;
    if (existing.rowCount === 0) {
      // Another provisioner may create it between our check and here: then we just update it.
      const created = await ignoring('42710', () =>
        client.query(`CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${password}`),
      );
      if (!created) await client.query(alter);
    } else {
      await client.query(alter);
    }

    const hasDatabase = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [grant.database]);
    // template0 + UTF8: correct encoding even on a server whose template1 is SQL_ASCII.
    const created =
      hasDatabase.rowCount !== 0
        ? false
        : await ignoring('42P04', () =>
            client.query(`CREATE DATABASE ${database} OWNER ${role} ENCODING 'UTF8' TEMPLATE template0`),
          );
    if (!created) await client.query(`ALTER DATABASE ${database} OWNER TO ${role}`);
    await client.query(`REVOKE CONNECT ON DATABASE ${database} FROM PUBLIC`);
  });
}

/** Drops `name` if it exists, terminating its open connections first (PostgreSQL 13+). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  assertIdentifier(name, 'database name');
  await withAdmin(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  });
}

/** Drops the login role `name` if it exists (drop the databases it owns first). */
export async function dropRole(adminUrl: string, name: string): Promise<void> {
  assertIdentifier(name, 'role name');
  await withAdmin(adminUrl, async (client) => {
    await client.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(name)}`);
  });
}

/**
 * The URL of `database` on the server of `baseUrl`, as `user`/`password` when given (else the
 * base URL's credentials). Host, port and query parameters (e.g. sslmode) are kept.
 */
export function databaseUrl(baseUrl: string, target: { database: string; user?: string; password?: string }): string {
  assertIdentifier(target.database, 'database name');
  const url = new URL(baseUrl);
  // The URL setters leave '%' as is; encoding first keeps any password byte-exact through pg's decoding.
  if (target.user !== undefined) url.username = encodeURIComponent(target.user);
  if (target.password !== undefined) url.password = encodeURIComponent(target.password);
  url.pathname = `/${target.database}`;
  return url.toString();
}

async function withAdmin(adminUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'hivematrix-provision' });
  client.on('error', () => undefined); // a dropped admin connection surfaces as the query's rejection
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `query`; true when it succeeded, false when it failed with SQLSTATE `code` (any other error is thrown). */
async function ignoring(code: string, query: () => Promise<unknown>): Promise<boolean> {
  try {
    await query();
    return true;
  } catch (error: unknown) {
    if ((error as { code?: unknown }).code === code) return false;
    throw error;
  }
}

/**
 * The PASSWORD clause's literal. For printable ASCII (what helm generates) a SCRAM-SHA-256 verifier
 * per RFC 5802/7677 in PostgreSQL's format, which the server stores as given. Anything else is
 * sent quoted, because the server's SASLprep of non-ASCII text is not ours to reproduce.
 */
function passwordLiteral(password: string, randomBytes: (size: number) => Buffer): string {
  if (!/^[\x20-\x7e]+$/.test(password)) return pg.escapeLiteral(password);
  const iterations = 4096;
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const verifier = `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
  return pg.escapeLiteral(verifier);
}
