/** The SuperOps adapter against a fake GraphQL endpoint: clients, assets and tickets, paging by hasMore, GraphQL errors. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { assets, companies, tickets } from '../src/db/schema.js';
import { findRun } from '../src/db/sync-runs.js';
import type { SyncJobName } from '../src/domain/sync-jobs.js';
import { startFakeSuperOps, SUPEROPS_SUBDOMAIN, SUPEROPS_TOKEN, type SuperOpsState } from './fakes/superops.js';
import { startCodex, type CodexHarness } from './harness.js';

describe('sync: SuperOps', () => {
  const state: SuperOpsState = {
    clients: [
      { accountId: 'c-1', name: 'Northwind', customFields: { account_number: 'NW-001' } },
      { accountId: 'c-2', name: 'Fabrikam', customFields: { account_number: 'FB-002' } },
      { accountId: 'c-3', name: 'Nameless', customFields: {} },
    ],
    assets: [
      {
        assetId: 'a-1',
        name: 'NW-LAPTOP-1',
        hostName: 'nw-laptop-1',
        assetClass: { name: 'Laptop' },
        status: 'Online',
        client: { accountId: 'c-1' },
      },
      {
        assetId: 'a-2',
        name: 'NW-DC',
        assetClass: { name: 'Server' },
        status: 'Offline',
        client: { accountId: 'c-1' },
      },
      {
        assetId: 'a-3',
        name: 'FB-VM',
        assetClass: { name: 'Virtual Machine' },
        status: 'Online',
        client: { accountId: 'c-2' },
      },
    ],
    tickets: [
      {
        ticketId: 't-1',
        displayId: 'T-100',
        subject: 'VPN down',
        status: 'In Progress',
        priority: 'Critical',
        client: { accountId: 'c-1' },
        createdTime: '2026-11-20T08:00:00Z',
        updatedTime: '2026-11-21T08:00:00Z',
      },
    ],
  };
  let fake: Awaited<ReturnType<typeof startFakeSuperOps>>;
  let t: CodexHarness;
  let clock = new Date('2026-11-25T12:00:00Z');

  before(async () => {
    fake = await startFakeSuperOps(state);
    t = await startCodex({
      now: () => clock,
      env: { SUPEROPS_API_URL: `${fake.url}/msp`, SUPEROPS_API_TOKEN: SUPEROPS_TOKEN, SUPEROPS_SUBDOMAIN },
    });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  async function run(job: SyncJobName) {
    clock = new Date(clock.getTime() + 3_600_000);
    const started = await t.runner.start(job, 'manual', 'test');
    assert.ok(started);
    await t.runner.idle();
    const finished = await findRun(t.db, started.id);
    assert.ok(finished);
    return finished;
  }

  it('imports clients with an account number and their assets over several pages', async () => {
    const result = await run('superops');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
    assert.ok(
      result.skipped.some((record) => record.name.includes('Nameless') && record.reason === 'it has no account number'),
      JSON.stringify(result.skipped),
    );
    const rows = await t.db.select({ account: companies.accountNumber }).from(companies);
    assert.deepEqual(rows.map((row) => row.account).sort(), ['FB-002', 'NW-001']);
    const hosts = Object.fromEntries((await t.db.select().from(assets)).map((asset) => [asset.hostname, asset]));
    assert.equal(hosts['nw-laptop-1']?.billingTypeDerived, 'workstation');
    assert.equal(hosts['NW-DC']?.billingTypeDerived, 'server');
    assert.equal(hosts['NW-DC']?.online, false);
    assert.equal(hosts['FB-VM']?.billingTypeDerived, 'virtual_machine');
    assert.ok(
      fake.variables.some((variables) => (variables as { input: { page: number } }).input.page === 2),
      'page 2 was asked for',
    );
  });

  it('imports tickets, then asks only for those updated since the last successful run', async () => {
    const first = await run('superops-tickets');
    assert.equal(first.status, 'succeeded', JSON.stringify(first.errors));
    const [ticket] = await t.db.select().from(tickets).where(eq(tickets.externalId, 't-1'));
    assert.equal(ticket?.status, 'in_progress');
    assert.equal(ticket?.priority, 'urgent');
    assert.equal(ticket?.ticketNumber, 'T-100');
    assert.notEqual(ticket?.companyId, null);
    await run('superops-tickets');
    const last = fake.variables.at(-1) as { input: { condition?: { attribute: string; operator: string } } };
    assert.deepEqual([last.input.condition?.attribute, last.input.condition?.operator], ['updatedTime', 'gt']);
  });

  it('fails a run on a GraphQL error without archiving anything', async () => {
    fake.faults.push({
      match: () => true,
      times: 1,
      response: { json: { errors: [{ message: 'Too many requests for this tenant' }] } },
    });
    const result = await run('superops');
    assert.equal(result.status, 'failed');
    assert.match(result.errors.join(' '), /Too many requests/);
    const archived = (await t.db.select().from(companies)).filter((company) => company.archivedAt !== null);
    assert.equal(archived.length, 0);
  });
});
