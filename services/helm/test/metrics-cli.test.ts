/** `hivematrix metrics [service]`: the newest samples, read from helm's database. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, type TestDatabase } from '@hivematrix/sdk/testing';
import { main } from '../src/cli/main.js';
import { insertSamples } from '../src/db/metrics.js';
import { schema } from '../src/db/schema.js';
import { loadPlatform, syncAll } from '../src/generate/sync.js';
import { GeneratedWriter } from '../src/generate/writer.js';
import { createFixture } from './platform-fixture.js';

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text), isTTY: false, env },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('hivematrix metrics', () => {
  let testDb: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    testDb = await createTestDatabase('helm');
    const database = openDatabase({ url: testDb.url, applicationName: 'helm-test', schema });
    try {
      await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
      const at = (seconds: number) => new Date(Date.now() - seconds * 1000);
      await insertSamples(database.db, [
        {
          at: at(30),
          serviceName: 'template',
          state: 'running',
          health: 'healthy',
          pid: 10,
          cpuPercent: 1.5,
          memoryMb: 60,
          restarts: 0,
        },
        {
          at: at(15),
          serviceName: 'template',
          state: 'running',
          health: 'degraded',
          pid: 10,
          cpuPercent: 12.25,
          memoryMb: 64.5,
          restarts: 1,
        },
        { at: at(15), serviceName: 'codex', state: 'stopped', health: 'unknown', restarts: 0 },
      ]);
    } finally {
      await database.close();
    }
    const fixture = await createFixture();
    env = fixture.env;
    await syncAll(await loadPlatform(fixture.paths), new GeneratedWriter(fixture.paths));
    // Helm's generated env file names the embedded server; this test's database stands in for it.
    const envFile = fixture.paths.envFile('helm');
    await writeFile(
      envFile,
      (await readFile(envFile, 'utf8')).replace(/^DATABASE_URL=.*$/m, `DATABASE_URL="${testDb.url}"`),
    );
  });
  after(async () => testDb.drop());

  it('prints the newest sample of every service, and the recent samples of one', async () => {
    const all = capture(env);
    assert.equal(await main(['metrics'], all.io), 0, all.err());
    assert.match(all.out(), /^SERVICE\s+AT\s+STATE\s+HEALTH\s+CPU\s+MEMORY\s+RESTARTS/);
    assert.match(all.out(), /codex\s+\S+\s+stopped\s+unknown\s+-\s+-\s+0/);
    assert.match(all.out(), /template\s+\S+\s+running\s+degraded\s+12\.3 %\s+64\.5 MB\s+1/);
    assert.doesNotMatch(all.out(), /1\.5 %/);

    const one = capture(env);
    assert.equal(await main(['metrics', 'template', '--json'], one.io), 0, one.err());
    const samples = JSON.parse(one.out()) as { cpuPercent: number; health: string }[];
    assert.deepEqual(
      samples.map((sample) => [sample.cpuPercent, sample.health]),
      [
        [1.5, 'healthy'],
        [12.25, 'degraded'],
      ],
    );

    const none = capture(env);
    assert.equal(await main(['metrics', 'ghost'], none.io), 1);
    assert.match(none.err(), /no samples of ghost/);
  });
});
