/**
 * The round trip of issue 6: records written into the real service databases (identity, helm,
 * the template, codex, ledger, by their own migrations and code), a backup, the databases and
 * the whole instance folder wiped, a restore from the archive, and everything is back: rows,
 * generated columns, sequences, triggers, the admin's password file, and the admin logs in.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createLogger } from '@hivematrix/sdk';
import { dropDatabase, dropRole, migrate, openDatabase } from '@hivematrix/sdk/db';
import { testServerUrl } from '@hivematrix/sdk/testing';
import { schema as identitySchema } from '../../identity/src/db/schema.js';
import { ensureInitialAdmin } from '../../identity/src/domain/initial-admin.js';
import { attemptLogin } from '../../identity/src/domain/login.js';
import { createPasswordHasher, generatePassword } from '../../identity/src/domain/passwords.js';
import { backupPlatform, restorePlatform } from '../src/backup/operations.js';
import { main } from '../src/cli/main.js';
import { databaseTargets, type DatabaseTarget } from '../src/backup/targets.js';
import { platformPaths, REPOSITORY_ROOT } from '../src/config.js';
import { provisionDatabases } from '../src/daemon/postgres.js';
import { loadPlatform } from '../src/generate/sync.js';
import type { HelmPaths } from '../src/paths.js';

const logger = createLogger({ service: 'backup-test', level: 'silent' });

/** A platform on the test server: the repository's apps, a temporary instance, unique database names. */
async function testPlatform(): Promise<{
  paths: HelmPaths;
  targets: DatabaseTarget[];
  names: string[];
  adminUrl: string;
}> {
  const instance = await mkdtemp(path.join(tmpdir(), 'hm-backup-'));
  const paths = platformPaths({
    HIVEMATRIX_ROOT: REPOSITORY_ROOT,
    HIVEMATRIX_INSTANCE_DIR: instance,
    HIVEMATRIX_APPS_DIR: path.join(instance, 'apps'),
  });
  await loadPlatform(paths);
  const config = JSON.parse(await readFile(paths.masterConfig, 'utf8')) as {
    databases: { mode: string; admin_url?: string; apps: Record<string, { database: string; role: string }> };
    apps?: Record<string, Record<string, unknown>>;
  };
  // The template's notes are the simplest records to follow through; it may be off by default.
  config.apps = { ...config.apps, template: { ...config.apps?.template, enabled: true } };
  const adminUrl = await testServerUrl();
  const suffix = randomBytes(4).toString('hex');
  config.databases.mode = 'external';
  config.databases.admin_url = adminUrl;
  const names: string[] = [];
  for (const [app, grant] of Object.entries(config.databases.apps)) {
    grant.database = `t_bk_${app}_${suffix}`;
    grant.role = `t_bk_${app}_${suffix}`;
    names.push(grant.database);
  }
  await writeFile(paths.masterConfig, JSON.stringify(config), { mode: 0o600 });
  const loaded = await loadPlatform(paths);
  await provisionDatabases(loaded, logger);
  const targets = databaseTargets(loaded);
  for (const target of targets) {
    const pool = new pg.Pool({ connectionString: target.url, max: 1 });
    try {
      await migrate(pool, { dir: target.migrationsDir });
    } finally {
      await pool.end();
    }
  }
  return { paths, targets, names, adminUrl };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function urlOf(targets: readonly DatabaseTarget[], component: string): string {
  const target = targets.find((candidate) => candidate.component === component);
  assert.ok(target, `${component} has a database`);
  return target.url;
}

async function adminLogsIn(url: string, password: string): Promise<string> {
  const database = openDatabase({ url, applicationName: 'backup-test', schema: identitySchema });
  try {
    const outcome = await attemptLogin(
      {
        db: database.db,
        passwords: await createPasswordHasher(),
        policy: { maxFailures: 5, lockoutMs: 60_000 },
        now: () => new Date(),
      },
      'admin',
      password,
    );
    return outcome.kind;
  } finally {
    await database.close();
  }
}

describe('backup → wipe → restore', { timeout: 240_000 }, () => {
  let platform: Awaited<ReturnType<typeof testPlatform>>;
  const outside = path.join(tmpdir(), `hm-backup-copy-${randomBytes(4).toString('hex')}.tar.gz.age`);

  before(async () => {
    platform = await testPlatform();
  });
  after(async () => {
    for (const name of platform.names) {
      await dropDatabase(platform.adminUrl, name);
      await dropRole(platform.adminUrl, name);
    }
    await rm(platform.paths.instance, { recursive: true, force: true });
    await rm(outside, { force: true });
  });

  it('brings back every record, the secrets and the admin login', async () => {
    const { paths, targets } = platform;
    const identityUrl = urlOf(targets, 'identity');

    // Identity: the first admin exactly as identity creates it at its first start.
    const identity = openDatabase({ url: identityUrl, applicationName: 'backup-test', schema: identitySchema });
    let adminPassword: string;
    try {
      const created = await ensureInitialAdmin({
        db: identity.db,
        passwords: await createPasswordHasher(),
        secretsDir: paths.secretsDir,
        generatePassword: () => generatePassword(),
        announce: () => undefined,
      });
      assert.equal(created.created, true);
      adminPassword = created.password ?? '';
    } finally {
      await identity.close();
    }
    assert.equal(await adminLogsIn(identityUrl, adminPassword), 'ok');
    await query(identityUrl, `INSERT INTO groups (name) VALUES ('night-shift')`);

    const templateUrl = urlOf(targets, 'template');
    await query(
      templateUrl,
      `INSERT INTO notes (author_sub, author_name, body) VALUES ('s1', 'Ann', 'first'), ('s2', 'Bob', 'second, with "quotes" and\nnewline ✓')`,
    );
    const codexUrl = urlOf(targets, 'codex');
    await query(
      codexUrl,
      `INSERT INTO companies (account_number, name, contract_term, contract_start, domains) VALUES ('ACME-1', 'Acme', '1 Year', '2024-02-29', '{acme.example,acme.test}')`,
    );
    const ledgerUrl = urlOf(targets, 'ledger');
    const snapshot = `INSERT INTO snapshots (account_number, company_name, period, version, invoice_number, supersedes_id, total_cents, inputs, result, csv, sha256, accepted_by, accepted_at)
      VALUES ('ACME-1', 'Acme', '2026-10', $1, $2, $3, 12345, '{"a":1}', '{"total":123.45}', 'x,y', 'abc', 'admin', now()) RETURNING id`;
    const [first] = await query<{ id: string }>(ledgerUrl, snapshot, [1, 'INV-1', null]);
    await query(ledgerUrl, snapshot, [2, 'INV-2', first?.id]);
    await query(
      urlOf(targets, 'helm'),
      `INSERT INTO audit_trail (at, actor, action, target, result, detail) VALUES (now(), 'admin', 'service.restart', 'codex', 'success', NULL)`,
    );

    const before = {
      users: await query(
        identityUrl,
        'SELECT id, username, password_hash, created_at::text FROM users ORDER BY username',
      ),
      groups: await query(identityUrl, 'SELECT id, name FROM groups ORDER BY name'),
      notes: await query(templateUrl, 'SELECT id, author_sub, body, created_at::text FROM notes ORDER BY id'),
      companies: await query(
        codexUrl,
        'SELECT id, account_number, contract_end::text, domains FROM companies ORDER BY id',
      ),
      snapshots: await query(ledgerUrl, 'SELECT id, supersedes_id, inputs, result FROM snapshots ORDER BY id'),
    };

    const lines: string[] = [];
    const backup = await backupPlatform(paths, {
      trigger: 'manual',
      passphrase: 'correct horse battery staple',
      onProgress: (text) => lines.push(text),
    });
    assert.equal((await stat(backup.file)).mode & 0o777, 0o600);
    assert.equal((await stat(paths.backupsDir)).mode & 0o777, 0o700);
    const everything = ['files', ...targets.map((target) => target.component)].sort();
    assert.ok(
      ['codex', 'helm', 'identity', 'ledger', 'template'].every((name) => everything.includes(name)),
      everything.join(', '),
    );
    assert.deepEqual(backup.manifest.components.map((component) => component.name).sort(), everything);
    assert.ok(lines.some((line) => line.includes('database identity')));
    await copyFile(backup.file, outside);

    // Wipe: every database and role, and the whole instance folder.
    for (const target of targets) {
      await dropDatabase(platform.adminUrl, target.database);
      await dropRole(platform.adminUrl, target.role);
    }
    await rm(paths.instance, { recursive: true, force: true });

    const restored = await restorePlatform(paths, { file: outside, passphrase: 'correct horse battery staple' });
    assert.deepEqual(restored.restored.sort(), everything);

    // The secrets are back, with their modes, and the admin logs in with the restored password file.
    const passwordFile = path.join(paths.secretsDir, 'admin-password');
    assert.equal((await readFile(passwordFile, 'utf8')).trim(), adminPassword);
    assert.equal((await stat(passwordFile)).mode & 0o777, 0o600);
    assert.equal(await adminLogsIn(identityUrl, adminPassword), 'ok');
    assert.equal(await adminLogsIn(identityUrl, 'not the password at all'), 'invalid');

    assert.deepEqual(
      await query(identityUrl, 'SELECT id, username, password_hash, created_at::text FROM users ORDER BY username'),
      before.users,
    );
    assert.deepEqual(await query(identityUrl, 'SELECT id, name FROM groups ORDER BY name'), before.groups);
    assert.deepEqual(
      await query(templateUrl, 'SELECT id, author_sub, body, created_at::text FROM notes ORDER BY id'),
      before.notes,
    );
    assert.deepEqual(
      await query(codexUrl, 'SELECT id, account_number, contract_end::text, domains FROM companies ORDER BY id'),
      before.companies,
    );
    assert.equal((before.companies[0] as { contract_end: string }).contract_end, '2025-02-28');
    assert.deepEqual(
      await query(ledgerUrl, 'SELECT id, supersedes_id, inputs, result FROM snapshots ORDER BY id'),
      before.snapshots,
    );
    assert.equal((await query(urlOf(targets, 'helm'), 'SELECT count(*)::int AS n FROM audit_trail'))[0]?.n, 1);

    // Sequences continue after the restored rows; ledger's immutability trigger is in force again.
    const [next] = await query<{ id: string }>(
      templateUrl,
      `INSERT INTO notes (author_sub, author_name, body) VALUES ('s3', 'Cy', 'after') RETURNING id`,
    );
    assert.ok(Number(next?.id) > Math.max(...before.notes.map((note) => Number((note as { id: string }).id))));
    await assert.rejects(query(ledgerUrl, `UPDATE snapshots SET notes = 'changed'`), /immutable/);
  });

  it('works from the CLI: backup with progress, list, restore one service, refuse a corrupt file', async () => {
    const { paths, targets } = platform;
    const env = {
      HIVEMATRIX_ROOT: paths.root,
      HIVEMATRIX_INSTANCE_DIR: paths.instance,
      HIVEMATRIX_APPS_DIR: paths.appsDir,
    };
    const run = async (argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> => {
      let out = '';
      let err = '';
      const code = await main(argv, {
        out: (text) => (out += text),
        err: (text) => (err += text),
        isTTY: false,
        env,
        readStdin: () => Promise.resolve(stdin),
      });
      return { code, out, err };
    };
    const templateUrl = urlOf(targets, 'template');
    const made = await run(['backup', '--passphrase-stdin'], 'a long passphrase\n');
    assert.equal(made.code, 0, made.err);
    assert.match(made.out, /… database template/);
    assert.match(made.out, /✓ backup written: .*\.tar\.gz\.age/);
    const listed = await run(['backups']);
    assert.equal(listed.code, 0);
    assert.match(listed.out, /FILE +CREATED +SIZE +MADE +ENCRYPTED/);
    const file = path.join(paths.backupsDir, /(hivematrix-\S+\.tar\.gz\.age)/.exec(listed.out)?.[1] ?? '');

    await query(templateUrl, 'DELETE FROM notes');
    const wrong = await run(['restore', file, '--only', 'template', '--passphrase-stdin'], 'not the passphrase\n');
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /restore refused: wrong passphrase/);
    const restored = await run(['restore', file, '--only', 'template', '--passphrase-stdin'], 'a long passphrase\n');
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, /✓ restored template/);
    assert.equal((await query<{ n: number }>(templateUrl, 'SELECT count(*)::int AS n FROM notes'))[0]?.n, 3);

    // Without --passphrase-stdin the passphrase of scheduled backups (backups.passphrase_file) is tried.
    await query(templateUrl, 'DELETE FROM notes');
    await writeFile(path.join(paths.secretsDir, 'backup-passphrase'), 'a long passphrase\n', { mode: 0o600 });
    const unattended = await run(['restore', file, '--only', 'template']);
    assert.equal(unattended.code, 0, unattended.err);
    assert.equal((await query<{ n: number }>(templateUrl, 'SELECT count(*)::int AS n FROM notes'))[0]?.n, 3);

    const junk = path.join(paths.instance, 'junk.tar.gz');
    await writeFile(junk, 'not a backup');
    const refused = await run(['restore', junk]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /not a HiveMatrix backup/);
  });
});
