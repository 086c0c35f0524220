/**
 * Codex's syncs against fakes that behave as the vendors document (issue 16): Freshservice lists
 * deleted and spam tickets only through `filter=deleted` / `filter=spam` and only the primary
 * workspace without `workspace_id`; a department whose account number cannot be stored is skipped
 * and reported by name while the rest of the directory is imported; Datto's API base works as
 * Datto prints it (`…/api`, with or without a trailing slash).
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { companies, contacts, psaAgents, tickets } from '../src/db/schema.js';
import { findRun } from '../src/db/sync-runs.js';
import type { SyncJobName } from '../src/domain/sync-jobs.js';
import { startFakeDatto, DATTO_KEY, DATTO_SECRET } from './fakes/datto.js';
import {
  startFakeFreshservice,
  FRESHSERVICE_KEY,
  type FreshserviceState,
  type FsTicket,
} from './fakes/freshservice.js';
import type { FakeServer } from './fakes/server.js';
import { bearer, startCodex, type CodexHarness } from './harness.js';
import { addCompany } from './fixtures.js';

const FORTY = 'A'.repeat(40);

function ticket(id: number, departmentId: number, updatedAt: string, extra: Partial<FsTicket> = {}): FsTicket {
  return {
    id,
    subject: `Ticket ${id}`,
    status: 2,
    priority: 2,
    department_id: departmentId,
    requester_id: null,
    responder_id: null,
    created_at: '2026-11-01T10:00:00Z',
    updated_at: updatedAt,
    conversations: [],
    time_entries: [
      {
        id: id * 10,
        time_spent: '02:00',
        executed_at: '2026-11-03T15:00:00Z',
        billable: true,
        agent_id: null,
        created_at: '2026-11-03T16:00:00Z',
      },
    ],
    ...extra,
  };
}

function initialState(): FreshserviceState {
  return {
    workspaces: [
      { id: 2, name: 'IT', primary: true },
      { id: 5, name: 'Facilities', primary: false },
    ],
    departments: [
      { id: 101, name: 'Good Dental', custom_fields: { account_number: 'GD-1' } },
      { id: 102, name: 'Path Escape Ltd', custom_fields: { account_number: '../x' } },
      { id: 103, name: 'Long Number Inc', custom_fields: { account_number: FORTY } },
      { id: 104, name: 'Also Good', custom_fields: { account_number: 'AG-2' } },
    ],
    requesters: [
      { id: 201, first_name: 'Gina', last_name: 'Good', primary_email: 'gina@good.example', department_ids: [101] },
      {
        id: 202,
        first_name: 'Pat',
        last_name: 'Escape',
        primary_email: 'pat@escape.example',
        department_ids: [102, 104],
      },
    ],
    agents: [{ id: 301, first_name: 'Sam', last_name: 'Okafor', email: 'sam@msp.example', active: true }],
    tickets: [
      ticket(5001, 101, '2026-11-03T16:00:00Z'),
      ticket(5002, 101, '2026-11-03T16:00:00Z'),
      ticket(5003, 104, '2026-11-04T09:00:00Z', { workspace_id: 5 }),
    ],
  };
}

describe('sync: the vendors as documented', () => {
  let fake: FakeServer;
  let state: FreshserviceState;
  let t: CodexHarness;
  let clock = new Date('2026-11-25T12:00:00Z');

  before(async () => {
    state = initialState();
    fake = await startFakeFreshservice(state);
    t = await startCodex({
      now: () => clock,
      env: { FRESHSERVICE_URL: `${fake.url}/api/v2/`, FRESHSERVICE_API_KEY: FRESHSERVICE_KEY },
    });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => {
    clock = new Date(clock.getTime() + 3_600_000);
  });

  async function run(harness: CodexHarness, job: SyncJobName) {
    const started = await harness.runner.start(job, 'manual', 'test');
    assert.ok(started, 'the run started');
    await harness.runner.idle();
    const finished = await findRun(harness.db, started.id);
    assert.ok(finished);
    return finished;
  }

  async function billableMinutes(month: string): Promise<number> {
    const answer = await t.app.inject({
      url: `/api/tickets/time-entries/totals?month=${month}`,
      headers: bearer(await t.serviceToken('ledger')),
    });
    assert.equal(answer.statusCode, 200, answer.body);
    return (JSON.parse(answer.body) as { totals: { billable_minutes: number }[] }).totals.reduce(
      (sum, total) => sum + total.billable_minutes,
      0,
    );
  }

  it('skips departments whose account number cannot be stored, names them and why, and imports everything else', async () => {
    const result = await run(t, 'freshservice');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
    const skipped = Object.fromEntries(result.skipped.map((record) => [record.name, record.reason]));
    assert.match(skipped['Path Escape Ltd'] ?? '', /path/);
    assert.match(skipped['Long Number Inc'] ?? '', /40 characters/);
    assert.equal(result.skipped.length, 2);
    const stored = (await t.db.select({ account: companies.accountNumber }).from(companies))
      .map((row) => row.account)
      .sort();
    assert.deepEqual(stored, ['AG-2', 'GD-1'], 'the departments around the bad ones are imported');
    assert.equal((await t.db.select().from(contacts)).length, 2, 'every requester is imported');
    assert.equal((await t.db.select().from(psaAgents)).length, 1, 'and every agent');
    const admin = await t.token('admin');
    const page = await t.app.inject({ url: `/admin/runs/${result.id}`, headers: bearer(admin) });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Skipped records \(2\)/);
    assert.match(page.body, /Path Escape Ltd/);
    assert.match(page.body, /Long Number Inc/);
    const api = JSON.parse(
      (await t.app.inject({ url: `/api/sync/runs/${result.id}`, headers: bearer(admin) })).body,
    ) as { skipped: { name: string; external_id: string }[] };
    assert.deepEqual(api.skipped.map((record) => record.external_id).sort(), ['102', '103']);
  });

  it('reads every workspace, records it on the ticket, and reads deleted and spam tickets only through their filters', async () => {
    const result = await run(t, 'freshservice-tickets');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
    const rows = await t.db.select().from(tickets);
    assert.deepEqual(rows.map((row) => [row.externalId, row.workspaceId, row.workspaceName]).sort(), [
      ['5001', '2', 'IT'],
      ['5002', '2', 'IT'],
      ['5003', '5', 'Facilities'],
    ]);
    const asked = fake.log.filter((line) => line.startsWith('GET /api/v2/tickets?'));
    for (const workspace of ['2', '5']) {
      for (const filter of ['deleted', 'spam'])
        assert.ok(
          asked.some((line) => line.includes(`filter=${filter}`) && line.includes(`workspace_id=${workspace}`)),
          `${filter} of workspace ${workspace}`,
        );
    }
    assert.equal(await billableMinutes('2026-11'), 3 * 120);
    const api = JSON.parse(
      (
        await t.app.inject({
          url: `/api/tickets/${rows.find((row) => row.externalId === '5003')?.id ?? 0}`,
          headers: bearer(await t.token('admin')),
        })
      ).body,
    ) as { ticket: { workspace_name: string } };
    assert.equal(api.ticket.workspace_name, 'Facilities');
  });

  it('archives a ticket deleted in the PSA, even when deleting did not change its updated_at, and stops billing its time', async () => {
    state.tickets[0]!.deleted = true;
    state.tickets[1]!.spam = true;
    const result = await run(t, 'freshservice-tickets');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
    const byId = new Map((await t.db.select().from(tickets)).map((row) => [row.externalId, row]));
    assert.equal(byId.get('5001')?.discardedAs, 'deleted');
    assert.notEqual(byId.get('5001')?.archivedAt, null);
    assert.equal(byId.get('5002')?.discardedAs, 'spam');
    assert.notEqual(byId.get('5002')?.archivedAt, null);
    assert.equal(byId.get('5003')?.archivedAt, null);
    assert.equal(await billableMinutes('2026-11'), 120, 'only the ticket still in the PSA bills');
    const again = await run(t, 'freshservice-tickets');
    assert.equal(again.updated, 0, 'a rerun changes nothing');
  });

  it('restores a ticket taken out of the trash (looked up by id once it leaves the deleted list), and keeps a purged one archived', async () => {
    state.tickets[0]!.deleted = false; // restored; updated_at unchanged
    state.tickets = state.tickets.filter((entry) => entry.id !== 5002); // the spam one purged for good
    const result = await run(t, 'freshservice-tickets');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
    assert.ok(
      fake.log.includes('GET /api/v2/tickets/5001?include=requester,stats'),
      'the restored ticket is looked up by id',
    );
    const [restored] = await t.db.select().from(tickets).where(eq(tickets.externalId, '5001'));
    assert.equal(restored?.archivedAt, null);
    assert.equal(restored?.discardedAs, null);
    assert.equal(restored?.workspaceName, 'IT');
    const [purged] = await t.db.select().from(tickets).where(eq(tickets.externalId, '5002'));
    assert.notEqual(purged?.archivedAt, null, 'a purged ticket stays archived');
    assert.equal(await billableMinutes('2026-11'), 240);
  });

  it('reads only the configured workspaces', async () => {
    const only = await startCodex({
      now: () => clock,
      env: { FRESHSERVICE_URL: fake.url, FRESHSERVICE_API_KEY: FRESHSERVICE_KEY, FRESHSERVICE_WORKSPACES: '5' },
    });
    try {
      const result = await run(only, 'freshservice-tickets');
      assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
      assert.deepEqual(
        (await only.db.select().from(tickets)).map((row) => [row.externalId, row.workspaceId]),
        [['5003', '5']],
      );
      const unknown = await startCodex({
        env: { FRESHSERVICE_URL: fake.url, FRESHSERVICE_API_KEY: FRESHSERVICE_KEY, FRESHSERVICE_WORKSPACES: '9' },
      });
      try {
        const failed = await run(unknown, 'freshservice-tickets');
        assert.equal(failed.status, 'failed');
        assert.match(failed.errors.join(' '), /workspace 9/);
      } finally {
        await unknown.close();
      }
    } finally {
      await only.close();
    }
  });
});

describe('sync: Datto API base as Datto prints it', () => {
  for (const suffix of ['/api', '/api/', '/', '']) {
    it(`works with DATTO_API_URL ending in "${suffix}"`, async () => {
      const fake = await startFakeDatto({
        sites: [
          {
            uid: 'site-a',
            name: 'Acme HQ',
            accountNumber: '620547',
            devices: [
              {
                uid: 'dev-1',
                hostname: 'ACME-WS01',
                deviceType: { category: 'Desktop', type: 'Desktop' },
                online: true,
              },
            ],
          },
        ],
      });
      const t = await startCodex({
        env: { DATTO_API_URL: `${fake.url}${suffix}`, DATTO_API_KEY: DATTO_KEY, DATTO_API_SECRET: DATTO_SECRET },
      });
      try {
        await addCompany(t.db, { accountNumber: '620547', name: 'Acme' });
        const started = await t.runner.start('datto', 'manual', 'test');
        await t.runner.idle();
        const result = await findRun(t.db, started?.id ?? 0);
        assert.equal(result?.status, 'succeeded', JSON.stringify(result?.errors));
        assert.equal(result?.created, 1);
        assert.ok(fake.log.includes('POST /auth/oauth/token'), JSON.stringify(fake.log));
        assert.ok(fake.log.every((line) => !line.includes('/api/api') && !line.startsWith('POST /api/auth')));
      } finally {
        await t.close();
        await fake.close();
      }
    });
  }

  it('skips a device the database refuses, names it, and stores the rest of the page', async () => {
    const long = `WS-${'X'.repeat(300)}`;
    const fake = await startFakeDatto({
      sites: [
        {
          uid: 'site-a',
          name: 'Acme HQ',
          accountNumber: '620547',
          devices: [
            { uid: 'dev-1', hostname: long, deviceType: { category: 'Desktop', type: 'Desktop' }, online: true },
            { uid: 'dev-2', hostname: 'ACME-WS02', deviceType: { category: 'Desktop', type: 'Desktop' }, online: true },
          ],
        },
      ],
    });
    const t = await startCodex({
      env: { DATTO_API_URL: fake.url, DATTO_API_KEY: DATTO_KEY, DATTO_API_SECRET: DATTO_SECRET },
    });
    try {
      await addCompany(t.db, { accountNumber: '620547', name: 'Acme' });
      const started = await t.runner.start('datto', 'manual', 'test');
      await t.runner.idle();
      const result = await findRun(t.db, started?.id ?? 0);
      assert.equal(result?.status, 'succeeded', JSON.stringify(result?.errors));
      assert.equal(result?.created, 1);
      assert.deepEqual(
        result?.skipped.map((record) => [record.collection, record.externalId]),
        [['assets', 'dev-1']],
      );
      assert.match(result?.skipped[0]?.reason ?? '', /database refused/);
    } finally {
      await t.close();
      await fake.close();
    }
  });

  it('skips a site whose account number variable cannot be stored, and says why', async () => {
    const fake = await startFakeDatto({
      sites: [
        {
          uid: 'site-x',
          name: 'Sneaky Site',
          accountNumber: '../../etc',
          devices: [
            { uid: 'dev-9', hostname: 'SNEAKY', deviceType: { category: 'Desktop', type: 'Desktop' }, online: true },
          ],
        },
      ],
    });
    const t = await startCodex({
      env: { DATTO_API_URL: fake.url, DATTO_API_KEY: DATTO_KEY, DATTO_API_SECRET: DATTO_SECRET },
    });
    try {
      const started = await t.runner.start('datto', 'manual', 'test');
      await t.runner.idle();
      const result = await findRun(t.db, started?.id ?? 0);
      assert.equal(result?.status, 'succeeded', JSON.stringify(result?.errors));
      assert.deepEqual(
        result?.skipped.map((record) => [record.collection, record.name]),
        [['sites', 'Sneaky Site']],
      );
      assert.match(result?.skipped[0]?.reason ?? '', /path/);
    } finally {
      await t.close();
      await fake.close();
    }
  });
});
