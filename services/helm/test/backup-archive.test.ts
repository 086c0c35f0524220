/**
 * The archive refuses what it must (a foreign file, a truncated, corrupted or tampered archive,
 * a wrong or missing passphrase, another installation's backup), restores one component alone,
 * and retention keeps the right scheduled backups.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { databaseUrl, dropDatabase, dropRole, ensureDatabase, migrate } from '@hivematrix/sdk/db';
import { testServerUrl } from '@hivematrix/sdk/testing';
import { readArchive } from '../src/backup/archive.js';
import { createBackup } from '../src/backup/create.js';
import { BackupError } from '../src/backup/errors.js';
import { listBackups } from '../src/backup/list.js';
import { restoreBackup } from '../src/backup/restore.js';
import { chooseRetained, isoWeek } from '../src/backup/retention.js';
import { runScheduledBackup, scheduledBackupDue } from '../src/backup/scheduler.js';
import { platformIdFile, type DatabaseTarget } from '../src/backup/targets.js';
import { helmPaths, type HelmPaths } from '../src/paths.js';
import { REPOSITORY_ROOT } from '../src/config.js';

async function instance(): Promise<HelmPaths> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hm-backup-archive-'));
  const paths = helmPaths(REPOSITORY_ROOT, dir);
  await mkdir(paths.configsDir, { recursive: true });
  await mkdir(paths.secretsDir, { recursive: true });
  await writeFile(paths.masterConfig, '{"system":{"hostname":"box"}}\n', { mode: 0o600 });
  await writeFile(path.join(paths.secretsDir, 'admin-password'), 'secret-one\n', { mode: 0o600 });
  return paths;
}

const noTargets = (): Promise<DatabaseTarget[]> => Promise.resolve([]);

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BackupError, `a BackupError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('archive integrity', () => {
  let paths: HelmPaths;
  let plain: string;
  let sealed: string;
  before(async () => {
    paths = await instance();
    plain = (await createBackup({ paths, targets: [], trigger: 'manual' })).file;
    // A low scrypt cost keeps the decryptions below fast; the default is exercised by the schedule's tests.
    sealed = (
      await createBackup({
        paths,
        targets: [],
        trigger: 'manual',
        passphrase: 'pass phrase',
        scryptWorkFactor: 10,
        output: path.join(paths.backupsDir, 'sealed.tar.gz.age'),
      })
    ).file;
  });
  after(() => rm(paths.instance, { recursive: true, force: true }));

  it('restores an intact archive, plain and encrypted, and lists both', async () => {
    await writeFile(path.join(paths.secretsDir, 'admin-password'), 'changed\n');
    await restoreBackup({ paths, file: plain, targets: noTargets });
    assert.equal(await readFile(path.join(paths.secretsDir, 'admin-password'), 'utf8'), 'secret-one\n');
    await writeFile(path.join(paths.secretsDir, 'admin-password'), 'changed\n');
    await restoreBackup({ paths, file: sealed, passphrase: 'pass phrase', targets: noTargets });
    assert.equal(await readFile(path.join(paths.secretsDir, 'admin-password'), 'utf8'), 'secret-one\n');
    const listed = await listBackups(paths.backupsDir);
    assert.deepEqual(
      listed.map((item) => [item.name, item.encrypted]).sort(),
      [
        [path.basename(plain), false],
        ['sealed.tar.gz.age', true],
      ].sort(),
    );
    assert.ok(listed.every((item) => item.size > 0));
  });

  it('refuses a file that is not a backup', async () => {
    const foreign = path.join(paths.instance, 'foreign.tar.gz');
    await writeFile(foreign, 'PK\x03\x04 this is a zip file, not ours');
    await refused(restoreBackup({ paths, file: foreign, targets: noTargets }), /not a HiveMatrix backup/);
  });

  it('refuses a truncated archive', async () => {
    const copy = path.join(paths.instance, 'truncated.tar.gz');
    await writeFile(copy, await readFile(plain));
    await truncate(copy, (await stat(copy)).size - 40);
    await refused(restoreBackup({ paths, file: copy, targets: noTargets }), /truncated|corrupt/);
  });

  it('refuses a corrupted archive and touches nothing', async () => {
    const copy = path.join(paths.instance, 'corrupt.tar.gz');
    const bytes = await readFile(plain);
    const at = bytes.length - 30;
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    await writeFile(copy, bytes);
    await writeFile(path.join(paths.secretsDir, 'admin-password'), 'current\n');
    await refused(restoreBackup({ paths, file: copy, targets: noTargets }), /corrupt|truncated/);
    assert.equal(await readFile(path.join(paths.secretsDir, 'admin-password'), 'utf8'), 'current\n');
  });

  it('refuses a tampered encrypted archive, a wrong and a missing passphrase', async () => {
    const copy = path.join(paths.instance, 'tampered.tar.gz.age');
    const bytes = await readFile(sealed);
    const at = bytes.length - 60;
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    await writeFile(copy, bytes);
    await refused(
      restoreBackup({ paths, file: copy, passphrase: 'pass phrase', targets: noTargets }),
      /tampered|corrupt/,
    );
    await refused(
      restoreBackup({ paths, file: sealed, passphrase: 'wrong phrase', targets: noTargets }),
      /wrong passphrase/,
    );
    await refused(restoreBackup({ paths, file: sealed, targets: noTargets }), /encrypted/);
  });

  it("refuses another installation's backup unless asked", async () => {
    const other = await instance();
    try {
      await writeFile(platformIdFile(other), 'some-other-platform\n');
      await refused(
        restoreBackup({ paths: other, file: plain, targets: noTargets }),
        /another HiveMatrix installation/,
      );
      await restoreBackup({ paths: other, file: plain, targets: noTargets, allowOtherPlatform: true });
    } finally {
      await rm(other.instance, { recursive: true, force: true });
    }
  });

  it('refuses an unknown component', async () => {
    await refused(
      restoreBackup({ paths, file: plain, only: 'nope', targets: noTargets }),
      /no component "nope"; it has files/,
    );
  });
});

describe('one component', { timeout: 120_000 }, () => {
  const name = `t_bk_one_${randomBytes(4).toString('hex')}`;
  let adminUrl: string;
  let target: DatabaseTarget;
  let paths: HelmPaths;
  before(async () => {
    adminUrl = await testServerUrl();
    const password = randomBytes(24).toString('hex');
    await ensureDatabase(adminUrl, { database: name, role: name, password });
    target = {
      component: 'template',
      database: name,
      role: name,
      password,
      url: databaseUrl(adminUrl, { database: name, user: name, password }),
      adminUrl,
      migrationsDir: path.join(REPOSITORY_ROOT, 'services/template/src/db/migrations'),
    };
    const pool = new pg.Pool({ connectionString: target.url, max: 1 });
    await migrate(pool, { dir: target.migrationsDir });
    await pool.query(`INSERT INTO notes (author_sub, author_name, body) VALUES ('a', 'A', 'kept')`);
    await pool.end();
    paths = await instance();
  });
  after(async () => {
    await dropDatabase(adminUrl, name);
    await dropRole(adminUrl, name);
    await rm(paths.instance, { recursive: true, force: true });
  });

  it('restores only the named database and leaves the files alone', async () => {
    const backup = await createBackup({ paths, targets: [target], trigger: 'manual' });
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await client.query(`INSERT INTO notes (author_sub, author_name, body) VALUES ('b', 'B', 'after the backup')`);
    await client.end();
    await writeFile(path.join(paths.secretsDir, 'admin-password'), 'newer\n');

    const steps: string[] = [];
    const result = await restoreBackup({
      paths,
      file: backup.file,
      only: 'template',
      targets: () => Promise.resolve([target]),
      onProgress: (text) => steps.push(text),
    });
    assert.deepEqual(result.restored, ['template']);
    assert.ok(
      steps.some((step) => step.includes('template: 1 tables, 1 rows')),
      steps.join('\n'),
    );
    const check = new pg.Client({ connectionString: target.url });
    await check.connect();
    const rows = await check.query<{ body: string }>('SELECT body FROM notes ORDER BY id');
    await check.end();
    assert.deepEqual(
      rows.rows.map((row) => row.body),
      ['kept'],
    );
    assert.equal(await readFile(path.join(paths.secretsDir, 'admin-password'), 'utf8'), 'newer\n');
  });
});

describe('retention', () => {
  const at = (iso: string): Date => new Date(iso);
  it('keeps the newest per day, ISO week and month, and drops the rest', () => {
    // One backup a day at 02:00 for 120 days, plus a second one on the newest day.
    const backups = Array.from({ length: 120 }, (_, index) => {
      const date = new Date(Date.UTC(2026, 10, 25, 2) - index * 86_400_000);
      return { file: `d${index}`, createdAt: date };
    });
    backups.push({ file: 'late', createdAt: at('2026-11-25T23:00:00Z') });
    const { keep, remove } = chooseRetained(backups, { daily: 7, weekly: 4, monthly: 3 });
    const kept = new Set(keep.map((backup) => backup.file));
    // Daily: the newest of each of the last 7 days (the late one wins its day).
    assert.ok(kept.has('late'));
    assert.ok(!kept.has('d0'));
    for (let day = 1; day < 7; day += 1) assert.ok(kept.has(`d${day}`), `day ${day}`);
    // Monthly: November (late), October (31 Oct = d25), September (30 Sep = d56).
    assert.ok(kept.has('d25') && kept.has('d56'));
    assert.ok(!kept.has('d87'));
    // Weekly: the newest of 4 weeks: W48 (late), W47 ends Sunday 22 Nov (d3), W46 (d10), W45 (d17).
    assert.ok(kept.has('d10') && kept.has('d17'));
    assert.equal(keep.length + remove.length, backups.length);
    assert.equal(keep.length, 7 + 2 + 2);
    assert.ok(remove.every((backup) => !kept.has(backup.file)));
  });

  it('counts ISO weeks across a year end', () => {
    assert.equal(isoWeek(at('2026-12-31T12:00:00Z')), '2026-W53');
    assert.equal(isoWeek(at('2027-01-03T12:00:00Z')), '2026-W53');
    assert.equal(isoWeek(at('2027-01-04T12:00:00Z')), '2027-W01');
  });

  it('keeps nothing when every count is zero', () => {
    assert.equal(
      chooseRetained([{ file: 'a', createdAt: at('2026-01-01T00:00:00Z') }], { daily: 0, weekly: 0, monthly: 0 }).keep
        .length,
      0,
    );
  });
});

describe('scheduled backups', () => {
  const settings = { schedule: true, hour_utc: 2, keep_daily: 2, keep_weekly: 0, keep_monthly: 0, encrypt: false };
  it('makes one a day after the hour, and prunes the scheduled ones only', async () => {
    const paths = await instance();
    try {
      assert.equal(scheduledBackupDue(new Date('2026-11-20T01:59:00Z'), settings, []), false);
      assert.equal(scheduledBackupDue(new Date('2026-11-20T02:00:00Z'), { ...settings, schedule: false }, []), false);
      const manual = await createBackup({
        paths,
        targets: [],
        trigger: 'manual',
        now: () => new Date('2026-11-01T10:00:00Z'),
      });
      const made: string[] = [];
      for (const day of ['2026-11-20', '2026-11-21', '2026-11-22']) {
        const first = await runScheduledBackup(paths, settings, () => [], new Date(`${day}T03:00:00Z`));
        assert.ok(first.created !== undefined);
        made.push(path.basename(first.created.file));
        const again = await runScheduledBackup(paths, settings, () => [], new Date(`${day}T05:00:00Z`));
        assert.equal(again.created, undefined, 'one a day');
      }
      const names = (await listBackups(paths.backupsDir)).map((backup) => backup.name).sort();
      assert.deepEqual(names, [path.basename(manual.file), made[1] ?? '', made[2] ?? ''].sort());
    } finally {
      await rm(paths.instance, { recursive: true, force: true });
    }
  });

  it('copies each to backups.copy_to, verified, and prunes the copies of the pruned ones only', async () => {
    const paths = await instance();
    const offsite = await mkdtemp(path.join(tmpdir(), 'hm-offsite-'));
    try {
      await writeFile(path.join(offsite, 'notes.txt'), 'not a backup');
      const copying = { ...settings, copy_to: offsite };
      const manual = await createBackup({
        paths,
        targets: [],
        trigger: 'manual',
        copyTo: offsite,
        now: () => new Date('2026-11-01T10:00:00Z'),
      });
      assert.equal(manual.copy, path.join(offsite, path.basename(manual.file)));
      const made: string[] = [];
      for (const day of ['2026-11-20', '2026-11-21', '2026-11-22']) {
        const result = await runScheduledBackup(paths, copying, () => [], new Date(`${day}T03:00:00Z`));
        assert.ok(result.created?.copy !== undefined);
        assert.deepEqual(await readFile(result.created.copy), await readFile(result.created.file));
        assert.equal((await stat(result.created.copy)).mode & 0o777, 0o600);
        made.push(path.basename(result.created.file));
      }
      const names = (await readdir(offsite)).sort();
      assert.deepEqual(
        names,
        [path.basename(manual.file), made[1] ?? '', made[2] ?? '', 'notes.txt'].sort(),
        'the oldest scheduled copy pruned; manual and foreign files kept',
      );

      // A copy that cannot be made fails the run, naming the backup that was made locally.
      const blocked = path.join(offsite, 'notes.txt');
      await assert.rejects(
        runScheduledBackup(paths, { ...copying, copy_to: blocked }, () => [], new Date('2026-11-23T03:00:00Z')),
        (error: Error) =>
          error instanceof BackupError &&
          /^the backup hivematrix-2026-11-23T03-00-00Z-scheduled\.tar\.gz was made but not copied to /.test(
            error.message,
          ),
      );
      assert.ok(
        (await listBackups(paths.backupsDir)).some((backup) => backup.name.startsWith('hivematrix-2026-11-23')),
      );
      assert.ok(!(await readdir(offsite)).some((name) => name.endsWith('.partial')));
    } finally {
      await rm(paths.instance, { recursive: true, force: true });
      await rm(offsite, { recursive: true, force: true });
    }
  });

  it('encrypts them with the passphrase file, and makes none rather than an unencrypted one when that file is unsafe', async () => {
    const paths = await instance();
    try {
      const encrypted = { ...settings, encrypt: true, passphrase_file: 'secrets/backup-passphrase' };
      await mkdir(path.join(paths.instance, 'secrets'), { recursive: true });
      await writeFile(path.join(paths.instance, 'secrets/backup-passphrase'), 'short\n', { mode: 0o600 });
      await assert.rejects(
        runScheduledBackup(paths, encrypted, () => [], new Date('2026-11-20T03:00:00Z')),
        /at least 8 characters/,
      );
      await writeFile(path.join(paths.instance, 'secrets/backup-passphrase'), 'a long enough passphrase\n', {
        mode: 0o644,
      });
      await chmod(path.join(paths.instance, 'secrets/backup-passphrase'), 0o644);
      await assert.rejects(
        runScheduledBackup(paths, encrypted, () => [], new Date('2026-11-20T03:00:00Z')),
        /can be read by others; run chmod 600/,
      );
      assert.deepEqual(await listBackups(paths.backupsDir), [], 'no unencrypted backup instead');

      await chmod(path.join(paths.instance, 'secrets/backup-passphrase'), 0o600);
      const made = await runScheduledBackup(paths, encrypted, () => [], new Date('2026-11-20T03:00:00Z'));
      assert.ok(made.created !== undefined);
      assert.equal((await listBackups(paths.backupsDir))[0]?.encrypted, true);
      // The trailing newline of the file is not part of the passphrase.
      const names: string[] = [];
      const drain = async (name: string, _size: number, content: AsyncIterable<Uint8Array>) => {
        names.push(name);
        for await (const chunk of content) void chunk;
      };
      await assert.rejects(readArchive(made.created.file, 'a long enough passphrase\n', drain), /wrong passphrase/);
      await readArchive(made.created.file, 'a long enough passphrase', drain);
      assert.deepEqual(names.slice(0, 2), ['manifest.json', 'SHA256SUMS']);
      assert.match(path.basename(made.created.file), /-scheduled\.tar\.gz\.age$/);
    } finally {
      await rm(paths.instance, { recursive: true, force: true });
    }
  });

  it('by default generates a passphrase file (0600) at the first backup and encrypts with it', async () => {
    const paths = await instance();
    try {
      const defaults = { schedule: true, hour_utc: 2, keep_daily: 2, keep_weekly: 0, keep_monthly: 0, encrypt: true };
      const made = await runScheduledBackup(paths, defaults, () => [], new Date('2026-11-20T03:00:00Z'));
      assert.ok(made.created !== undefined);
      const file = path.join(paths.secretsDir, 'backup-passphrase');
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const passphrase = (await readFile(file, 'utf8')).trim();
      assert.ok(passphrase.length >= 32, 'a long random passphrase');
      assert.equal((await listBackups(paths.backupsDir))[0]?.encrypted, true);
      await refused(
        restoreBackup({ paths, file: made.created.file, targets: noTargets }),
        /encrypted: give its passphrase/,
      );
      await restoreBackup({ paths, file: made.created.file, passphrase, targets: noTargets });
      // On its own machine a scheduled backup opens with the passphrase file (the console and the CLI pass it).
      await restoreBackup({ paths, file: made.created.file, defaultPassphrase: passphrase, targets: noTargets });
      await refused(
        restoreBackup({ paths, file: made.created.file, defaultPassphrase: 'another passphrase', targets: noTargets }),
        /encrypted, but not with the passphrase of scheduled backups: give its passphrase/,
      );
      const again = await runScheduledBackup(paths, defaults, () => [], new Date('2026-11-21T03:00:00Z'));
      assert.ok(again.created !== undefined);
      assert.equal((await readFile(file, 'utf8')).trim(), passphrase, 'made once, then kept');
    } finally {
      await rm(paths.instance, { recursive: true, force: true });
    }
  });
});
