/** The /backups console: admins only, create (303), list, download, restore one component, refusals as problem+json, the audit trail. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBackup } from '../src/backup/create.js';
import { restoreBackup } from '../src/backup/restore.js';
import { listAudit } from '../src/db/audit.js';
import { helmPaths, type HelmPaths } from '../src/paths.js';
import { REPOSITORY_ROOT } from '../src/config.js';
import { startConsole, type Console } from './console-harness.js';

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const form = (token: string) => ({
  ...as(token),
  origin: 'https://hive.example',
  'content-type': 'application/x-www-form-urlencoded',
});

describe('backups console', () => {
  let c: Console;
  let paths: HelmPaths;
  before(async () => {
    paths = helmPaths(REPOSITORY_ROOT, await mkdtemp(path.join(tmpdir(), 'hm-backup-console-')));
    await mkdir(paths.secretsDir, { recursive: true });
    await writeFile(path.join(paths.secretsDir, 'admin-password'), 'original\n', { mode: 0o600 });
    c = await startConsole(undefined, {
      backups: {
        backupsDir: paths.backupsDir,
        components: () => ['files'],
        create: (passphrase) =>
          createBackup({ paths, targets: [], trigger: 'manual', ...(passphrase === undefined ? {} : { passphrase }) }),
        restore: (file, only, passphrase) =>
          restoreBackup({
            paths,
            file,
            only,
            ...(passphrase === undefined ? {} : { passphrase }),
            targets: () => Promise.resolve([]),
          }),
      },
    });
  });
  after(async () => {
    await c.close();
    await rm(paths.instance, { recursive: true, force: true });
  });

  it('refuses a technician everything', async () => {
    for (const [method, url] of [
      ['GET', '/backups'],
      ['POST', '/backups'],
      ['POST', '/backups/restore'],
      ['GET', '/backups/x.hmbak'],
    ] as const) {
      const res = await c.app.inject({
        method,
        url,
        headers: method === 'POST' ? form(c.tech) : as(c.tech),
        ...(method === 'POST' ? { payload: '' } : {}),
      });
      assert.equal(res.statusCode, 403, `${method} ${url}`);
    }
  });

  it('creates, lists, downloads and restores, each recorded', async () => {
    const created = await c.app.inject({
      method: 'POST',
      url: '/backups',
      headers: form(c.admin),
      payload: 'passphrase=',
    });
    assert.equal(created.statusCode, 303);
    assert.match(String(created.headers.location), /^\/backups\?notice=Backup/);
    const [backup] = await readdirBackups(paths);
    assert.ok(backup !== undefined);

    const page = await c.app.inject({ url: '/backups?notice=%3Cb%3Ehi%3C%2Fb%3E', headers: as(c.admin) });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(backup));
    assert.ok(page.body.includes('&lt;b') && !page.body.includes('<b>hi'), 'the notice is escaped');
    assert.ok(page.body.includes('Create backup'));

    const download = await c.app.inject({ url: `/backups/${backup}`, headers: as(c.admin) });
    assert.equal(download.statusCode, 200);
    assert.match(String(download.headers['content-disposition']), /attachment/);
    assert.deepEqual(download.rawPayload, await readFile(path.join(paths.backupsDir, backup)));

    await writeFile(path.join(paths.secretsDir, 'admin-password'), 'changed\n');
    const restored = await c.app.inject({
      method: 'POST',
      url: '/backups/restore',
      headers: form(c.admin),
      payload: `file=${backup}&component=files&confirm=yes`,
    });
    assert.equal(restored.statusCode, 303, restored.body);
    assert.equal(await readFile(path.join(paths.secretsDir, 'admin-password'), 'utf8'), 'original\n');

    const actions = (await listAudit(c.database.db)).map((row) => [row.action, row.result, row.actor]);
    assert.deepEqual(
      actions.slice(0, 3).sort(),
      [
        ['backup.create', 'success', 'alice'],
        ['backup.download', 'success', 'alice'],
        ['backup.restore', 'success', 'alice'],
      ].sort(),
    );
  });

  it('answers a corrupt archive with problem+json and records the failure', async () => {
    await mkdir(paths.backupsDir, { recursive: true });
    await writeFile(path.join(paths.backupsDir, 'broken.hmbak'), 'HIVEMATRIX-BACKUP\n\x00\x00\x00\x02{}');
    const res = await c.app.inject({
      method: 'POST',
      url: '/backups/restore',
      headers: form(c.admin),
      payload: 'file=broken.hmbak&component=files&confirm=yes',
    });
    assert.equal(res.statusCode, 422);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.match(res.json<{ detail: string }>().detail, /unsupported format|corrupt/);
    const [last] = await listAudit(c.database.db, 1);
    assert.equal(last?.action, 'backup.restore');
    assert.equal(last?.result, 'failure');
  });

  it('refuses paths outside the folder and components it may not restore', async () => {
    assert.equal(
      (await c.app.inject({ url: '/backups/..%2F..%2Fetc%2Fpasswd', headers: as(c.admin) })).statusCode,
      400,
    );
    assert.equal((await c.app.inject({ url: '/backups/missing.hmbak', headers: as(c.admin) })).statusCode, 404);
    const helm = await c.app.inject({
      method: 'POST',
      url: '/backups/restore',
      headers: form(c.admin),
      payload: 'file=broken.hmbak&component=helm&confirm=yes',
    });
    assert.equal(helm.statusCode, 422);
  });
});

async function readdirBackups(paths: HelmPaths): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  return (await readdir(paths.backupsDir)).filter((name) => name.endsWith('.tar.gz'));
}
