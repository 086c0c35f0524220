/** The seed at a small scale: counts, links, a refused second run, and the lists answering on it. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedDatabase, seededRandom } from '../src/db/seed.js';
import { bearer, startCodex, type CodexHarness } from './harness.js';

describe('seed', () => {
  let t: CodexHarness;
  before(async () => {
    t = await startCodex();
  });
  after(() => t.close());

  it('fills an empty database and refuses a second time', async () => {
    const messages: string[] = [];
    await seedDatabase(t.pool, { companies: 40, contacts: 200, assets: 400 }, seededRandom(1), (message) =>
      messages.push(message),
    );
    const count = async (table: string) =>
      Number((await t.pool.query<{ count: string }>(`SELECT count(*) FROM ${table}`)).rows[0]?.count);
    assert.deepEqual(
      [
        await count('companies'),
        await count('contacts'),
        await count('assets'),
        await count('contact_companies'),
        await count('billing_plans'),
      ],
      [40, 200, 400, 200, 16],
    );
    assert.equal(messages.length, 5);
    await assert.rejects(
      seedDatabase(t.pool, { companies: 1, contacts: 1, assets: 1 }, seededRandom(1)),
      /already holds companies/,
    );
    const types = await t.pool.query<{ billing_type: string }>('SELECT DISTINCT billing_type FROM assets ORDER BY 1');
    assert.ok(types.rows.length >= 4, 'a realistic mix of billing types');
  });

  it('leaves identity sequences past the seeded ids, so new rows insert', async () => {
    await t.pool.query(`INSERT INTO companies (account_number, name) VALUES ('NEW-1', 'New')`);
    const list = JSON.parse(
      (
        await t.app.inject({
          url: '/api/companies?per_page=5&sort=account_number',
          headers: bearer(await t.token('admin')),
        })
      ).body,
    ) as { total: number };
    assert.equal(list.total, 41);
    const assets = JSON.parse(
      (await t.app.inject({ url: '/api/assets?q=-srv', headers: bearer(await t.token('admin')) })).body,
    ) as { items: { hostname: string }[] };
    assert.ok(assets.items.every((asset) => asset.hostname.includes('-SRV')));
  });
});
