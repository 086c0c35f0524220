/**
 * `hivematrix demo [--remove]`: runs codex's demo loader with codex's configuration from the
 * instance folder (here a throwaway database), relays what it did, and says what to do when codex
 * has no configuration yet.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '@hivematrix/sdk/testing';
import { main } from '../src/cli/main.js';

describe('hivematrix demo', () => {
  let instance: string;
  let database: { url: string; drop: () => Promise<void> };
  const output: string[] = [];
  const io = () => ({
    out: (text: string) => output.push(text),
    err: (text: string) => output.push(text),
    isTTY: false,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HIVEMATRIX_INSTANCE_DIR: instance },
  });
  const demoCompanies = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (
        await client.query<{ n: number }>("SELECT count(*)::int AS n FROM companies WHERE account_number LIKE 'DEMO-%'")
      ).rows[0]?.n;
    } finally {
      await client.end();
    }
  };

  before(async () => {
    instance = await mkdtemp(path.join(tmpdir(), 'hm-demo-'));
    database = await createTestDatabase('helm_demo');
  });
  after(async () => {
    await database.drop();
    await rm(instance, { recursive: true, force: true });
  });

  it('explains that codex needs its configuration first', async () => {
    output.length = 0;
    assert.equal(await main(['demo'], io()), 1);
    assert.match(output.join(''), /codex has no configuration yet: run \.\/start\.sh once/);
  });

  it('loads the demo into codex and removes it again', async () => {
    await mkdir(path.join(instance, 'codex'), { recursive: true });
    await writeFile(
      path.join(instance, 'codex', '.env'),
      `SERVICE_NAME=codex\nDATABASE_URL=${database.url}\nLOG_LEVEL=warn\n`,
      { mode: 0o600 },
    );
    output.length = 0;
    assert.equal(await main(['demo'], io()), 0, output.join(''));
    assert.match(output.join(''), /loaded the demo MSP: 6 companies/);
    assert.equal(await demoCompanies(), 6);
    output.length = 0;
    assert.equal(await main(['demo', '--remove'], io()), 0, output.join(''));
    assert.match(output.join(''), /removed the demo: 6 companies/);
    assert.equal(await demoCompanies(), 0);
  });
});
