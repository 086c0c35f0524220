/**
 * Backups an operator can open without HiveMatrix, and restores that cannot lose the live data:
 *
 * - a new backup is decrypted by the standard `age` command (Debian's `age` package), listed by
 *   `tar -tzf`, and checked by `sha256sum -c SHA256SUMS`; the decrypted tar.gz restores as it is;
 * - the `.hmbak` files written by the first format (test/fixtures/backup-v1) still restore;
 * - a database restore loads into a new database and swaps it in: one that fails in the middle
 *   of the load leaves the live database as it was, a good one replaces it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { databaseUrl, dropDatabase, dropRole, ensureDatabase, migrate } from '@hivematrix/sdk/db';
import { testServerUrl } from '@hivematrix/sdk/testing';
import { Decrypter, Encrypter } from 'age-encryption';
import { ScryptIdentity, ScryptRecipient } from '../src/backup/age-scrypt.js';
import { createBackup } from '../src/backup/create.js';
import { restoreDatabase } from '../src/backup/db-restore.js';
import { BackupError } from '../src/backup/errors.js';
import { extractVerified, restoreBackup } from '../src/backup/restore.js';
import type { DatabaseTarget } from '../src/backup/targets.js';
import { REPOSITORY_ROOT } from '../src/config.js';
import { helmPaths, type HelmPaths } from '../src/paths.js';

const FIXTURES = path.join(REPOSITORY_ROOT, 'services/helm/test/fixtures/backup-v1');

async function instance(): Promise<HelmPaths> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hm-backup-format-'));
  const paths = helmPaths(REPOSITORY_ROOT, dir);
  await mkdir(paths.configsDir, { recursive: true });
  await mkdir(paths.secretsDir, { recursive: true, mode: 0o700 });
  await writeFile(paths.masterConfig, '{"system":{"hostname":"box"}}\n', { mode: 0o600 });
  await writeFile(path.join(paths.secretsDir, 'admin-password'), 'secret-one\n', { mode: 0o600 });
  return paths;
}

async function notes(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ body: string }>('SELECT body FROM notes ORDER BY id')).rows.map((row) => row.body);
  } finally {
    await client.end();
  }
}

async function adminQuery<T extends pg.QueryResultRow>(adminUrl: string, sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The template's database, migrated, with `rows` notes. */
async function templateDatabase(adminUrl: string, rows: string[]): Promise<DatabaseTarget> {
  const name = `t_bk_fmt_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(24).toString('hex');
  await ensureDatabase(adminUrl, { database: name, role: name, password });
  const target: DatabaseTarget = {
    component: 'template',
    database: name,
    role: name,
    password,
    url: databaseUrl(adminUrl, { database: name, user: name, password }),
    adminUrl,
    migrationsDir: path.join(REPOSITORY_ROOT, 'services/template/src/db/migrations'),
  };
  const pool = new pg.Pool({ connectionString: target.url, max: 1 });
  try {
    await migrate(pool, { dir: target.migrationsDir });
    for (const body of rows)
      await pool.query(`INSERT INTO notes (author_sub, author_name, body) VALUES ('a', 'A', $1)`, [body]);
  } finally {
    await pool.end();
  }
  return target;
}

async function dropTarget(adminUrl: string, target: DatabaseTarget): Promise<void> {
  await dropDatabase(adminUrl, target.database);
  await dropRole(adminUrl, target.role);
}

/** Runs the `age` command as an operator would, typing the passphrase at each prompt (age reads it from a terminal only, so through script(1)'s pseudo-terminal). */
async function age(args: string, passphrase: string): Promise<{ code: number | null; out: string }> {
  const child = spawn('script', ['-qec', `age ${args}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let typed = 0;
  const onOutput = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    // Only the prompts ("Enter passphrase", "Confirm passphrase"), not an error that names the passphrase.
    const prompts = (out.match(/(enter|confirm) passphrase/gi) ?? []).length;
    for (; typed < prompts; typed++) if (child.stdin.writable) child.stdin.write(`${passphrase}\n`);
  };
  child.stdin.on('error', () => undefined); // age may have exited already
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const timer = setTimeout(() => child.kill(), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  return { code, out };
}

describe('a backup an operator opens with standard tools', { timeout: 180_000 }, () => {
  let adminUrl: string;
  let target: DatabaseTarget;
  let paths: HelmPaths;
  let work: string;
  before(async () => {
    adminUrl = await testServerUrl();
    target = await templateDatabase(adminUrl, ['first note', 'second note']);
    paths = await instance();
    work = await mkdtemp(path.join(tmpdir(), 'hm-backup-by-hand-'));
  });
  after(async () => {
    await dropTarget(adminUrl, target);
    await rm(paths.instance, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('decrypts with age, lists with tar -tzf, checks with sha256sum -c, and restores once decrypted', async () => {
    const made = await createBackup({ paths, targets: [target], trigger: 'manual', passphrase: 'operator passphrase' });
    assert.match(path.basename(made.file), /^hivematrix-.*-manual\.tar\.gz\.age$/);
    assert.equal((await readFile(made.file)).subarray(0, 22).toString('ascii'), 'age-encryption.org/v1\n');

    const plain = path.join(work, 'backup.tar.gz');
    const wrong = await age(`-d -o '${path.join(work, 'wrong.tar.gz')}' '${made.file}'`, 'not the passphrase');
    assert.notEqual(wrong.code, 0, 'age refuses a wrong passphrase');
    const decrypted = await age(`-d -o '${plain}' '${made.file}'`, 'operator passphrase');
    assert.equal(decrypted.code, 0, decrypted.out);

    const listed = spawnSync('tar', ['-tzf', plain], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    const names = listed.stdout.split('\n').filter((line) => line !== '');
    assert.deepEqual(names.slice(0, 2), ['manifest.json', 'SHA256SUMS']);
    for (const name of [
      'files/configs/master_config.json',
      'files/configs/platform_id',
      'files/secrets/admin-password',
      'db/template/0000.ndjson',
    ]) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }

    const unpacked = path.join(work, 'unpacked');
    await mkdir(unpacked);
    const extracted = spawnSync('tar', ['-xzf', plain, '-C', unpacked], { encoding: 'utf8' });
    assert.equal(extracted.status, 0, extracted.stderr);
    const checked = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: unpacked, encoding: 'utf8' });
    assert.equal(checked.status, 0, checked.stdout + checked.stderr);
    assert.equal(await readFile(path.join(unpacked, 'files/secrets/admin-password'), 'utf8'), 'secret-one\n');
    assert.equal(
      (await stat(path.join(unpacked, 'files/secrets/admin-password'))).mode & 0o077,
      0,
      'a secret keeps its private mode',
    );
    const manifest = JSON.parse(await readFile(path.join(unpacked, 'manifest.json'), 'utf8')) as {
      kind: string;
      components: { name: string }[];
    };
    assert.equal(manifest.kind, 'hivematrix-backup');
    assert.deepEqual(
      manifest.components.map((component) => component.name),
      ['files', 'template'],
    );
    const rows = (await readFile(path.join(unpacked, 'db/template/0000.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { body: string }).body);
    assert.deepEqual(rows, ['first note', 'second note']);

    // The decrypted file is itself a backup `hivematrix restore` takes.
    await writeFile(path.join(paths.secretsDir, 'admin-password'), 'changed\n');
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await client.query('DELETE FROM notes');
    await client.end();
    const result = await restoreBackup({ paths, file: plain, targets: () => Promise.resolve([target]) });
    assert.deepEqual(result.restored, ['files', 'template']);
    assert.equal(await readFile(path.join(paths.secretsDir, 'admin-password'), 'utf8'), 'secret-one\n');
    assert.deepEqual(await notes(target.url), ['first note', 'second note']);
  });
});

describe('backups of the first format (.hmbak)', { timeout: 120_000 }, () => {
  let adminUrl: string;
  before(async () => {
    adminUrl = await testServerUrl();
  });

  for (const [file, passphrase] of [
    ['plain.hmbak', undefined],
    ['encrypted.hmbak', 'fixture passphrase'],
  ] as const) {
    it(`restores ${file}, made by the writer before this format`, async () => {
      const target = await templateDatabase(adminUrl, ['written later, replaced by the restore']);
      const paths = await instance();
      try {
        if (passphrase !== undefined) {
          await assert.rejects(
            restoreBackup({ paths, file: path.join(FIXTURES, file), targets: () => Promise.resolve([target]) }),
            /encrypted: give its passphrase/,
          );
          await assert.rejects(
            restoreBackup({
              paths,
              file: path.join(FIXTURES, file),
              passphrase: 'wrong phrase',
              targets: () => Promise.resolve([target]),
            }),
            /wrong passphrase/,
          );
        }
        const result = await restoreBackup({
          paths,
          file: path.join(FIXTURES, file),
          ...(passphrase === undefined ? {} : { passphrase }),
          targets: () => Promise.resolve([target]),
        });
        assert.deepEqual(result.restored, ['files', 'template']);
        assert.equal(result.manifest.platform_id, 'fixture-platform-v1');
        assert.equal(await readFile(path.join(paths.secretsDir, 'admin-password'), 'utf8'), 'fixture-secret\n');
        assert.deepEqual(await notes(target.url), ['from the hmbak era', 'second note']);
      } finally {
        await dropTarget(adminUrl, target);
        await rm(paths.instance, { recursive: true, force: true });
      }
    });
  }
});

describe('a database restore loads beside the live database and swaps', { timeout: 120_000 }, () => {
  let adminUrl: string;
  let target: DatabaseTarget;
  let paths: HelmPaths;
  let backup: string;
  const leftovers = async (): Promise<string[]> =>
    (
      await adminQuery<{ datname: string }>(
        adminUrl,
        `SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_rs\\_%' OR datname LIKE $1 || '\\_old\\_%'`,
        [target.database],
      )
    ).map((row) => row.datname);
  const oid = async (): Promise<number | undefined> =>
    (
      await adminQuery<{ oid: number }>(adminUrl, 'SELECT oid::int AS oid FROM pg_database WHERE datname = $1', [
        target.database,
      ])
    )[0]?.oid;

  before(async () => {
    adminUrl = await testServerUrl();
    target = await templateDatabase(adminUrl, ['kept']);
    paths = await instance();
    backup = (await createBackup({ paths, targets: [target], trigger: 'manual' })).file;
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await client.query(`INSERT INTO notes (author_sub, author_name, body) VALUES ('b', 'B', 'after the backup')`);
    await client.end();
  });
  after(async () => {
    await dropTarget(adminUrl, target);
    await rm(paths.instance, { recursive: true, force: true });
  });

  it('leaves the live data in place when the load fails in the middle', async () => {
    const archive = await extractVerified(backup, undefined, paths.backupsDir);
    try {
      const component = archive.manifest.components.find((candidate) => candidate.type === 'database');
      assert.ok(component?.type === 'database');
      const table = component.tables[0];
      assert.ok(table);
      // A second row the table's CHECK refuses: the load stops after the first row went in.
      const broken = path.join(archive.dir, 'broken.ndjson');
      const good = (await readFile(archive.fileOf(table.entry), 'utf8')).trim();
      await writeFile(broken, `${good}\n${JSON.stringify({ ...(JSON.parse(good) as object), id: 99, body: '' })}\n`);
      const damaged = { ...component, tables: [{ ...table, rows: 2 }] };
      const before = await oid();
      await assert.rejects(
        restoreDatabase(target, damaged, (entry) => (entry === table.entry ? broken : archive.fileOf(entry))),
        /notes_body_check|check constraint/,
      );
      assert.deepEqual(await notes(target.url), ['kept', 'after the backup'], 'the live database is untouched');
      assert.equal(await oid(), before, 'the same database, not a copy');
      assert.deepEqual(await leftovers(), [], 'the half-loaded database is dropped');

      // A row count that differs from the manifest is refused the same way.
      await assert.rejects(
        restoreDatabase(target, { ...component, tables: [{ ...table, rows: table.rows + 1 }] }, archive.fileOf),
        (error: unknown) =>
          error instanceof BackupError && /holds 1 rows in the archive, the manifest says 2/.test(error.message),
      );
      assert.deepEqual(await notes(target.url), ['kept', 'after the backup']);
      assert.deepEqual(await leftovers(), []);
    } finally {
      await rm(archive.dir, { recursive: true, force: true });
    }
  });

  it('swaps the loaded database in when the load succeeds, and drops the old one', async () => {
    const before = await oid();
    const idle = new pg.Client({ connectionString: target.url });
    idle.on('error', () => undefined);
    await idle.connect(); // a straggling connection to the live database is ended, not waited for
    const result = await restoreBackup({
      paths,
      file: backup,
      only: 'template',
      targets: () => Promise.resolve([target]),
    });
    assert.deepEqual(result.restored, ['template']);
    await idle.end().catch(() => undefined);
    assert.deepEqual(await notes(target.url), ['kept']);
    assert.notEqual(await oid(), before, 'a new database under the same name');
    assert.deepEqual(await leftovers(), []);
    const owner = await adminQuery<{ owner: string }>(
      adminUrl,
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [target.database],
    );
    assert.equal(owner[0]?.owner, target.role);
  });
});

describe("age's passphrase stanza with scrypt on the thread pool", { timeout: 120_000 }, () => {
  const text = 'the same bytes either way\n';
  const decryptWith = async (identity: ScryptIdentity | string, ciphertext: Uint8Array): Promise<string> => {
    const decrypter = new Decrypter();
    if (typeof identity === 'string') decrypter.addPassphrase(identity);
    else decrypter.addIdentity(identity);
    return decrypter.decrypt(ciphertext, 'text');
  };

  it("is read by the package's own passphrase decrypter, and reads what the package writes", async () => {
    const ours = new Encrypter();
    ours.addRecipient(new ScryptRecipient('pass phrase', 10));
    assert.equal(await decryptWith('pass phrase', await ours.encrypt(text)), text);
    const theirs = new Encrypter();
    theirs.setScryptWorkFactor(10);
    theirs.setPassphrase('pass phrase');
    const sealed = await theirs.encrypt(text);
    assert.equal(await decryptWith(new ScryptIdentity('pass phrase'), sealed), text);
    await assert.rejects(decryptWith(new ScryptIdentity('another phrase'), sealed), /no identity matched/);
  });

  it('reads a file the age command encrypted with a passphrase', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hm-age-cli-'));
    try {
      await writeFile(path.join(dir, 'plain.txt'), text);
      const sealed = await age(
        `-p -o '${path.join(dir, 'sealed.age')}' '${path.join(dir, 'plain.txt')}'`,
        'typed by an operator',
      );
      assert.equal(sealed.code, 0, sealed.out);
      assert.equal(
        await decryptWith(new ScryptIdentity('typed by an operator'), await readFile(path.join(dir, 'sealed.age'))),
        text,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves the event loop free while the key is derived at the default cost', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const stanzas = await new ScryptRecipient('pass phrase', 18).wrapFileKey(new Uint8Array(16));
      assert.equal(stanzas[0]?.args[0], 'scrypt');
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks >= 2, `timers ran ${ticks} times during the derivation (a synchronous scrypt lets none run)`);
  });
});
