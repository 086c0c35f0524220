import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrl, dropDatabase, dropRole, ensureDatabase } from '../../src/db/provision.js';
import { testServerUrl } from '../../src/testing/test-db.js';

/** Roles are cluster-wide, so every test uses fresh random names and drops them. */
function names(label: string): { database: string; role: string } {
  const suffix = randomBytes(5).toString('hex');
  return { database: `t_${label}_${suffix}`, role: `r_${label}_${suffix}` };
}

/** How pg itself reads a URL (no connection is made). */
function parse(url: string): {
  host: string;
  port: number;
  database?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  ssl: unknown;
} {
  const { host, port, database, user, password, ssl } = new pg.Client({ connectionString: url });
  return { host, port, database, user, password, ssl };
}

async function asRole(url: string, query: string): Promise<Record<string, unknown> | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(query)).rows[0];
  } finally {
    await client.end();
  }
}

describe('ensureDatabase', () => {
  it('creates a login role and a database it owns; idempotent, and the password can change', async () => {
    const admin = await testServerUrl();
    const { database, role } = names('prov');
    try {
      await ensureDatabase(admin, { database, role, password: 'first-Secret_1' });
      const url = databaseUrl(admin, { database, user: role, password: 'first-Secret_1' });
      assert.deepEqual(await asRole(url, 'SELECT current_user AS who, current_database() AS db'), {
        who: role,
        db: database,
      });
      // It owns the database, so it can create its tables.
      await asRole(url, 'CREATE TABLE mine (id int)');

      const catalog = await asRole(
        admin,
        `SELECT pg_get_userbyid(d.datdba) AS owner, pg_encoding_to_char(d.encoding) AS encoding,
                r.rolsuper AS super, r.rolcreatedb AS createdb, r.rolcanlogin AS login,
                r.rolpassword LIKE 'SCRAM-SHA-256$4096:%' AS scram
           FROM pg_database d, pg_authid r WHERE d.datname = '${database}' AND r.rolname = '${role}'`,
      );
      assert.deepEqual(catalog, {
        owner: role,
        encoding: 'UTF8',
        super: false,
        createdb: false,
        login: true,
        scram: true,
      });

      await ensureDatabase(admin, { database, role, password: 'second-Secret_2' });
      await ensureDatabase(admin, { database, role, password: 'second-Secret_2' });
      const secondUrl = databaseUrl(admin, { database, user: role, password: 'second-Secret_2' });
      assert.equal((await asRole(secondUrl, 'SELECT count(*)::int AS n FROM mine'))?.n, 0, 'data kept');
    } finally {
      await dropDatabase(admin, database);
      await dropRole(admin, role);
    }
  });

  it("revokes CONNECT from PUBLIC: another service's role cannot open the database", async () => {
    const admin = await testServerUrl();
    const a = names('prova');
    const b = names('provb');
    try {
      await ensureDatabase(admin, { ...a, password: 'pw-a' });
      await ensureDatabase(admin, { ...b, password: 'pw-b' });
      const intruder = databaseUrl(admin, { database: a.database, user: b.role, password: 'pw-b' });
      await assert.rejects(asRole(intruder, 'SELECT 1'), (error: unknown) => {
        assert.equal((error as { code?: string }).code, '42501'); // insufficient_privilege
        return true;
      });
    } finally {
      for (const n of [a, b]) {
        await dropDatabase(admin, n.database);
        await dropRole(admin, n.role);
      }
    }
  });

  it('rejects names that are not plain identifiers, before touching the server', async () => {
    // An unreachable admin URL proves validation happens first.
    const admin = 'postgres://nobody@127.0.0.1:1/postgres';
    for (const bad of [
      'Upper',
      'has-dash',
      '1starts_with_digit',
      'x"; DROP DATABASE postgres; --',
      '',
      'a'.repeat(64),
    ]) {
      await assert.rejects(
        ensureDatabase(admin, { database: bad, role: 'ok_role', password: 'pw' }),
        /invalid database name/,
      );
      await assert.rejects(
        ensureDatabase(admin, { database: 'ok_db', role: bad, password: 'pw' }),
        /invalid role name/,
      );
    }
    await assert.rejects(dropDatabase(admin, 'bad name'), /invalid database name/);
    await assert.rejects(dropRole(admin, 'bad name'), /invalid role name/);
    await assert.rejects(ensureDatabase(admin, { database: 'ok_db', role: 'ok_role', password: '' }), /empty password/);
  });

  it('refuses to provision a superuser role', async () => {
    const admin = await testServerUrl();
    const superuser = await asRole(admin, 'SELECT current_user AS who');
    await assert.rejects(
      ensureDatabase(admin, { database: 't_never_created', role: String(superuser?.who), password: 'x' }),
      /refusing to provision superuser/,
    );
  });

  it('passes quotes and backslashes in a password through safely', async () => {
    const admin = await testServerUrl();
    const { database, role } = names('quote');
    const password = "it's \\ \"tricky\" ünïcode ' OR '1'='1";
    try {
      await ensureDatabase(admin, { database, role, password });
      const url = databaseUrl(admin, { database, user: role, password });
      assert.equal((await asRole(url, 'SELECT current_user AS who'))?.who, role);
    } finally {
      await dropDatabase(admin, database);
      await dropRole(admin, role);
    }
  });
});

describe('databaseUrl', () => {
  it('keeps host, port and query, and encodes credentials so pg decodes them exactly', () => {
    const password = 'p@ss:w/rd%41#?&=';
    const url = databaseUrl('postgres://admin:secret@db.example:6543/postgres?sslmode=require', {
      database: 'codex',
      user: 'codex_user',
      password,
    });
    const parsed = parse(url);
    assert.equal(parsed.host, 'db.example');
    assert.equal(parsed.port, 6543);
    assert.equal(parsed.database, 'codex');
    assert.equal(parsed.user, 'codex_user');
    assert.equal(parsed.password, password);
    assert.match(url, /\?sslmode=require$/);
    assert.ok(parsed.ssl, 'sslmode=require turns TLS on');

    const sameCredentials = parse(
      databaseUrl('postgres://admin:secret@127.0.0.1:5432/postgres', { database: 'other' }),
    );
    assert.equal(sameCredentials.user, 'admin');
    assert.equal(sameCredentials.password, 'secret');
    assert.equal(sameCredentials.database, 'other');
    assert.throws(() => databaseUrl('postgres://x@h/postgres', { database: '../etc' }), /invalid database name/);
  });
});
