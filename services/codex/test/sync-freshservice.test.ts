/**
 * The Freshservice adapter against a fake Freshservice on port 0: paging by Link header, mapping,
 * idempotence, Codex edits surviving a sync, 429 with Retry-After, a failure half-way that archives
 * nothing, and tickets with dated time entries booked in the business time zone.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { companies, contacts, tickets, timeEntries } from '../src/db/schema.js';
import { findRun } from '../src/db/sync-runs.js';
import type { SyncJobName } from '../src/domain/sync-jobs.js';
import { startFakeFreshservice, FRESHSERVICE_KEY, type FreshserviceState } from './fakes/freshservice.js';
import type { FakeServer } from './fakes/server.js';
import { bearer, startCodex, type CodexHarness } from './harness.js';
import { addPlan } from './fixtures.js';

function initialState(): FreshserviceState {
  return {
    departments: [
      {
        id: 101,
        name: 'Acme Dental',
        description: 'Dentists',
        domains: ['Acme.example'],
        custom_fields: {
          account_number: 620547,
          plan_selected: 'Basic',
          contract_term: '1-Year',
          contract_start_date: '2024-03-01',
          address: '1 Main St',
          managed_users: '12',
        },
      },
      { id: 102, name: 'Contoso Law', custom_fields: { account_number: '700001', contract_term: 'monthly' } },
      { id: 103, name: 'No Number Ltd', custom_fields: { account_number: null } },
    ],
    requesters: [
      {
        id: 201,
        first_name: 'Ana',
        last_name: 'Trujillo',
        primary_email: 'Ana@Acme.example',
        active: true,
        department_ids: [101],
      },
      {
        id: 202,
        first_name: 'Tom',
        last_name: 'Law',
        primary_email: 'tom@contoso.example',
        active: true,
        department_ids: [102, 101],
      },
      {
        id: 203,
        first_name: 'Old',
        last_name: 'Timer',
        primary_email: 'old@acme.example',
        active: false,
        department_ids: [101],
      },
    ],
    agents: [{ id: 301, first_name: 'Sam', last_name: 'Okafor', email: 'sam@msp.example', active: true }],
    tickets: [
      {
        id: 5001,
        subject: 'Printer on fire',
        status: 2,
        priority: 4,
        department_id: 101,
        requester_id: 201,
        responder_id: 301,
        created_at: '2026-10-30T15:00:00Z',
        updated_at: '2026-11-02T10:00:00Z',
        conversations: [
          {
            id: 1,
            body_text: 'It is on fire',
            private: false,
            incoming: true,
            from_email: 'ana@acme.example',
            created_at: '2026-10-30T15:00:00Z',
          },
          {
            id: 2,
            body_text: 'Internal: bring an extinguisher',
            private: true,
            incoming: false,
            created_at: '2026-10-30T16:00:00Z',
          },
        ],
        time_entries: [
          // 03:30 UTC on 1 November is still 31 October in Chicago: it counts in October.
          {
            id: 9001,
            time_spent: '01:30',
            executed_at: '2026-11-01T03:30:00Z',
            billable: true,
            agent_id: 301,
            note: 'Onsite',
            created_at: '2026-11-01T04:00:00Z',
          },
          {
            id: 9002,
            time_spent: '00:45',
            executed_at: '2026-11-02T09:00:00Z',
            billable: false,
            agent_id: 301,
            created_at: '2026-11-02T09:30:00Z',
          },
          {
            id: 9003,
            time_spent: '02:00',
            executed_at: '2026-11-02T11:00:00Z',
            billable: true,
            agent_id: 301,
            created_at: '2026-11-02T11:30:00Z',
          },
        ],
      },
      {
        id: 5002,
        subject: 'Buy cheap pills',
        status: 2,
        spam: true,
        priority: 1,
        department_id: 102,
        requester_id: null,
        responder_id: null,
        created_at: '2026-11-01T00:00:00Z',
        updated_at: '2026-11-01T00:00:00Z',
        conversations: [],
        time_entries: [],
      },
      {
        id: 5003,
        subject: 'Customer wrote back',
        status: 26,
        priority: 2,
        department_id: 102,
        requester_id: 202,
        responder_id: null,
        created_at: '2026-11-01T00:00:00Z',
        updated_at: '2026-11-03T00:00:00Z',
        conversations: [],
        time_entries: [],
      },
    ],
  };
}

describe('sync: Freshservice', () => {
  let fake: FakeServer;
  let state: FreshserviceState;
  let t: CodexHarness;
  let clock = new Date('2026-11-25T12:00:00Z');

  before(async () => {
    state = initialState();
    fake = await startFakeFreshservice(state);
    t = await startCodex({
      now: () => clock,
      env: {
        FRESHSERVICE_URL: fake.url,
        FRESHSERVICE_API_KEY: FRESHSERVICE_KEY,
        BUSINESS_TIMEZONE: 'America/Chicago',
        FRESHSERVICE_STATUS_MAP: '26=customer_replied',
      },
    });
    await addPlan(t.db, 'Basic', '1 Year');
  });
  after(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    clock = new Date(clock.getTime() + 3_600_000);
  });

  async function run(job: SyncJobName) {
    const started = await t.runner.start(job, 'manual', 'test');
    assert.ok(started, 'the run started');
    await t.runner.idle();
    const finished = await findRun(t.db, started.id);
    assert.ok(finished);
    return finished;
  }

  it('imports departments, requesters and agents across pages announced by Link headers', async () => {
    const result = await run('freshservice');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
    assert.deepEqual([result.created, result.updated, result.archived], [2 + 3 + 1, 0, 0]);
    assert.deepEqual(
      result.skipped.map((record) => [record.name, record.reason]),
      [['No Number Ltd', 'it has no account number']],
      'a department without account number is reported',
    );
    assert.ok(
      fake.log.some((line) => line.startsWith('GET /api/v2/departments?') && line.includes('page=2')),
      'page 2 was followed',
    );
    const [acme] = await t.db.select().from(companies).where(eq(companies.accountNumber, '620547'));
    assert.ok(acme);
    assert.equal(acme.name, 'Acme Dental');
    assert.equal(acme.contractTerm, '1 Year', 'the PSA spelling "1-Year" is normalised');
    assert.equal(acme.contractStart, '2024-03-01');
    assert.equal(acme.contractEnd, '2025-02-28');
    assert.equal(acme.managedUsers, 12);
    assert.deepEqual(acme.domains, ['acme.example']);
    const res = await t.app.inject({
      url: '/api/contacts?company=620547&active=all',
      headers: bearer(await t.token('admin')),
    });
    const names = (JSON.parse(res.body) as { items: { name: string; email: string }[] }).items
      .map((contact) => contact.name)
      .sort();
    assert.deepEqual(names, ['Ana Trujillo', 'Old Timer', 'Tom Law'], 'a requester of two departments belongs to both');
  });

  it('is idempotent: a second run changes nothing', async () => {
    const result = await run('freshservice');
    assert.equal(result.status, 'succeeded');
    assert.deepEqual([result.created, result.updated, result.archived], [0, 0, 0]);
  });

  it('keeps Codex edits to the plan and compliance level, and takes the name from the PSA', async () => {
    const admin = await t.token('admin');
    await addPlan(t.db, 'Premium', '2 Year');
    const plan = await t.app.inject({
      method: 'PUT',
      url: '/api/companies/620547/plan',
      headers: bearer(admin),
      payload: { plan_name: 'Premium', contract_term: '2 years', contract_start: '2025-01-01' },
    });
    assert.equal(plan.statusCode, 200, plan.body);
    state.departments[0] = {
      ...state.departments[0]!,
      name: 'Acme Dental Group',
      custom_fields: { ...state.departments[0]!.custom_fields, plan_selected: 'Legacy' },
    };
    const result = await run('freshservice');
    assert.equal(result.updated, 1);
    const [acme] = await t.db.select().from(companies).where(eq(companies.accountNumber, '620547'));
    assert.equal(acme?.name, 'Acme Dental Group');
    assert.equal(acme?.planName, 'Premium');
    assert.equal(acme?.contractTerm, '2 Year');
  });

  it('waits as long as a 429 Retry-After says, then carries on', async () => {
    const before = t.sleeps.length;
    fake.faults.push({
      match: (request) => request.path === '/api/v2/requesters',
      times: 1,
      response: { status: 429, headers: { 'retry-after': '7' }, json: { message: 'rate limited' } },
    });
    const result = await run('freshservice');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
    assert.ok(t.sleeps.slice(before).includes(7000), `slept ${JSON.stringify(t.sleeps.slice(before))}`);
  });

  it('retries a transient 503 and succeeds', async () => {
    fake.faults.push({
      match: (request) => request.path === '/api/v2/agents',
      times: 2,
      response: { status: 503, json: {} },
    });
    const result = await run('freshservice');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
  });

  it('archives nothing when a fetch fails half-way, and archives what vanished after a complete fetch', async () => {
    state.requesters = [
      ...state.requesters.filter((requester) => requester.id !== 203),
      { id: 204, first_name: 'New', last_name: 'Hire', primary_email: 'new@acme.example', department_ids: [101] },
    ];
    state.departments = state.departments.filter((department) => department.id !== 102);
    fake.faults.push({
      match: (request) => request.path === '/api/v2/requesters' && request.query.get('page') === '2',
      times: Infinity,
      response: { status: 500, json: {} },
    });
    const failed = await run('freshservice');
    assert.equal(failed.status, 'partial');
    assert.match(failed.errors.join(' '), /contacts: .*requesters.*500/);
    const [old] = await t.db.select().from(contacts).where(eq(contacts.name, 'Old Timer'));
    assert.equal(old?.archivedAt, null, 'the contact missing from a failed fetch is kept');
    const [contoso] = await t.db.select().from(companies).where(eq(companies.accountNumber, '700001'));
    assert.notEqual(contoso?.archivedAt, null, 'the company fetch was complete, so the vanished company is archived');
    fake.faults.length = 0;
    const complete = await run('freshservice');
    assert.equal(complete.status, 'succeeded');
    const [gone] = await t.db.select().from(contacts).where(eq(contacts.name, 'Old Timer'));
    assert.notEqual(gone?.archivedAt, null, 'now the fetch completed, the vanished contact is archived (not deleted)');
    state.departments.push({ id: 102, name: 'Contoso Law', custom_fields: { account_number: '700001' } });
    await run('freshservice');
    const [back] = await t.db.select().from(companies).where(eq(companies.accountNumber, '700001'));
    assert.equal(back?.archivedAt, null, 'a company that comes back is restored');
  });

  it('imports tickets with conversations and dated time entries, archiving spam', async () => {
    const result = await run('freshservice-tickets');
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
    assert.equal(result.created, 3);
    const [fire] = await t.db.select().from(tickets).where(eq(tickets.externalId, '5001'));
    assert.equal(fire?.priority, 'urgent');
    assert.equal(fire?.requesterName, 'Ana Trujillo', 'the requester comes from the synced contact');
    const [spam] = await t.db.select().from(tickets).where(eq(tickets.externalId, '5002'));
    assert.notEqual(spam?.archivedAt, null);
    const [replied] = await t.db.select().from(tickets).where(eq(tickets.externalId, '5003'));
    assert.equal(replied?.status, 'customer_replied', 'custom status ids come from configuration');
    const ledger = await t.serviceToken('ledger');
    const october = JSON.parse(
      (await t.app.inject({ url: '/api/tickets/time-entries?month=2026-10', headers: bearer(ledger) })).body,
    ) as {
      entries: { minutes: number; entry_date: string; agent_name: string }[];
      totals: { billable_minutes: number }[];
    };
    assert.deepEqual(
      october.entries.map((entry) => [entry.entry_date, entry.minutes, entry.agent_name]),
      [['2026-10-31', 90, 'Sam Okafor']],
    );
    const november = JSON.parse(
      (await t.app.inject({ url: '/api/tickets/time-entries?month=2026-11&company=620547', headers: bearer(ledger) }))
        .body,
    ) as { totals: { billable_minutes: number; non_billable_minutes: number }[] };
    assert.deepEqual(
      november.totals.map((total) => [total.billable_minutes, total.non_billable_minutes]),
      [[120, 45]],
    );
    // The totals-only answer (summed by the database) agrees with the totals of the full one.
    for (const month of ['2026-10', '2026-11']) {
      const full = JSON.parse(
        (await t.app.inject({ url: `/api/tickets/time-entries?month=${month}`, headers: bearer(ledger) })).body,
      ) as { totals: unknown[] };
      const summed = JSON.parse(
        (await t.app.inject({ url: `/api/tickets/time-entries/totals?month=${month}`, headers: bearer(ledger) })).body,
      ) as { totals: unknown[] };
      assert.ok(summed.totals.length > 0);
      assert.deepEqual(summed.totals, full.totals);
    }
  });

  it('fetches only tickets updated since the last successful run, and archives a deleted time entry', async () => {
    const ticket = state.tickets[0]!;
    ticket.time_entries = ticket.time_entries.filter((entry) => entry.id !== 9003);
    ticket.updated_at = new Date(clock.getTime() - 60_000).toISOString();
    const result = await run('freshservice-tickets');
    assert.equal(result.fetched, 2, 'the ticket updated since the watermark, and the spam list (read in full)');
    const since =
      fake.log.filter((line) => line.startsWith('GET /api/v2/tickets?') && line.includes('updated_since')).at(-1) ?? '';
    assert.match(decodeURIComponent(since), /updated_since=2026-11-2\dT/);
    const entries = await t.db.select().from(timeEntries).where(eq(timeEntries.externalId, '9003'));
    assert.notEqual(entries[0]?.archivedAt, null);
  });

  it('fails cleanly with the wrong API key and never logs or stores it', async () => {
    const result = await run('freshservice');
    assert.equal(result.status, 'succeeded');
    const wrong = await startCodex({ env: { FRESHSERVICE_URL: fake.url, FRESHSERVICE_API_KEY: 'wrong-key-123' } });
    try {
      const started = await wrong.runner.start('freshservice', 'manual', 'test');
      await wrong.runner.idle();
      const failed = await findRun(wrong.db, started?.id ?? 0);
      assert.equal(failed?.status, 'failed');
      assert.match(failed?.errors.join(' ') ?? '', /401/);
      assert.doesNotMatch(JSON.stringify(failed), /wrong-key-123/);
    } finally {
      await wrong.close();
    }
  });
});
