import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { databaseUrl, ensureDatabase } from '../../src/db/provision.js';
import { recordingLogger } from './helpers.js';

// These tests run their own clusters (whatever TEST_DATABASE_URL says): the server's life cycle
// is what they test.

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A pid that certainly belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid;
  await once(child, 'exit');
  assert.ok(pid !== undefined);
  return pid;
}

describe('startEmbeddedPostgres', () => {
  it('starts on a free loopback port, restarts on the same data keeping it, and recovers from a stale pid file', async () => {
    // mkdtemp's own directory: its 0700 parent-to-be would keep the postgres user out when we are root.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'hivematrix-embedded-'));
    const superuserPassword = 'super-secret';
    const logger = recordingLogger();
    try {
      const first = await startEmbeddedPostgres({ dataDir, superuserPassword, logger });
      assert.ok(first.port > 0);
      assert.equal(first.url, `postgres://postgres:super-secret@127.0.0.1:${first.port}/postgres`);
      const [settings] = await query<{ listen: string; version: string; encoding: string }>(
        first.url,
        "SELECT current_setting('listen_addresses') AS listen, current_setting('server_version_num') AS version, pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = 'postgres'",
      );
      assert.equal(settings?.listen, '127.0.0.1');
      assert.ok(Number(settings?.version) >= 180000, 'PostgreSQL 18');
      assert.equal(settings?.encoding, 'UTF8');
      await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives restarts')");
      assert.ok(
        logger.records.some((r) => r.level === 'debug' && /ready to accept connections/.test(r.msg ?? '')),
        'server log routed to debug',
      );
      if (process.getuid?.() === 0) {
        const owner = (await stat(path.join(dataDir, 'PG_VERSION'))).uid;
        assert.notEqual(owner, 0, 'as root, the cluster belongs to the postgres user');
      }
      await first.stop();
      await first.stop(); // idempotent

      const second = await startEmbeddedPostgres({ dataDir, superuserPassword, logger });
      assert.equal(logger.records.filter((r) => /initialising/.test(r.msg ?? '')).length, 1, 'initialised only once');
      assert.deepEqual(await query(second.url, 'SELECT v FROM kept'), [{ v: 'survives restarts' }]);
      const pidFile = path.join(dataDir, 'postmaster.pid');
      const livePidFile = await readFile(pidFile, 'utf8');
      await second.stop();

      // What a crash leaves behind: the running server's pid file, naming a process now gone, or
      // (after a container restart) a pid reused by an unrelated live program, which postgres
      // alone would take for a running server.
      const unrelated = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)']);
      try {
        for (const pid of [await deadPid(), unrelated.pid]) {
          const lines = livePidFile.split('\n');
          lines[0] = String(pid);
          await writeFile(pidFile, lines.join('\n'));
          const warnings = logger.records.filter((r) => r.level === 'warn').length;
          const again = await startEmbeddedPostgres({ dataDir, superuserPassword, logger });
          try {
            const stale = logger.records.filter((r) => r.level === 'warn').slice(warnings);
            assert.ok(
              stale.some((r) => /stale postmaster\.pid/.test(r.msg ?? '')),
              `pid ${String(pid)} treated as stale`,
            );
            assert.deepEqual(await query(again.url, 'SELECT v FROM kept'), [{ v: 'survives restarts' }]);
          } finally {
            await again.stop();
          }
        }
      } finally {
        unrelated.kill();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('authenticates provisioned roles by password (SCRAM), and a throwaway cluster deletes its data on stop', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'hivematrix-embedded-'));
    const server = await startEmbeddedPostgres({ dataDir, superuserPassword: 'admin-pw', persistent: false, port: 0 });
    try {
      await ensureDatabase(server.url, { database: 'codex', role: 'codex', password: 'right-password' });
      const good = databaseUrl(server.url, { database: 'codex', user: 'codex', password: 'right-password' });
      assert.deepEqual(await query(good, 'SELECT current_user AS who'), [{ who: 'codex' }]);
      const bad = databaseUrl(server.url, { database: 'codex', user: 'codex', password: 'wrong-password' });
      await assert.rejects(query(bad, 'SELECT 1'), (error: unknown) => {
        assert.equal((error as { code?: string }).code, '28P01'); // invalid_password
        return true;
      });
      const wrongSuperuser = databaseUrl(server.url, { database: 'postgres', password: 'guess' });
      await assert.rejects(query(wrongSuperuser, 'SELECT 1'), /password authentication failed/);
    } finally {
      await server.stop();
    }
    await assert.rejects(stat(dataDir), { code: 'ENOENT' });
  });
});
