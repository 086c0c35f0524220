/**
 * Issue 16, end to end: a ticket deleted in Freshservice stops counting in ledger's bill. Codex
 * syncs from a fake Freshservice that lists deleted tickets only through `filter=deleted` (as the
 * vendor documents) and ledger reads codex over real HTTP. Deleting the ticket does not change its
 * `updated_at`, the case an incremental fetch alone would never see.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findRun } from '../../codex/src/db/sync-runs.js';
import type { SyncJobName } from '../../codex/src/domain/sync-jobs.js';
import {
  startFakeFreshservice,
  FRESHSERVICE_KEY,
  type FreshserviceState,
  type FsTicket,
} from '../../codex/test/fakes/freshservice.js';
import type { FakeServer } from '../../codex/test/fakes/server.js';
import { addPlan } from '../../codex/test/fixtures.js';
import { startCodex, type CodexHarness } from '../../codex/test/harness.js';
import { startLedger, type LedgerHarness } from './harness.js';
import { codexOverHttp } from './real-codex.js';

function ticketWith(id: number, minutes: string): FsTicket {
  return {
    id,
    subject: `Ticket ${id}`,
    status: 4,
    priority: 2,
    department_id: 101,
    requester_id: 201,
    responder_id: null,
    created_at: '2026-11-02T10:00:00Z',
    updated_at: '2026-11-05T10:00:00Z',
    conversations: [],
    time_entries: [
      {
        id: id * 10,
        time_spent: minutes,
        executed_at: '2026-11-04T15:00:00Z',
        billable: true,
        agent_id: null,
        created_at: '2026-11-04T16:00:00Z',
      },
    ],
  };
}

describe('ledger: a ticket deleted in the PSA no longer bills', () => {
  let clock = new Date('2026-11-20T12:00:00Z');
  let fake: FakeServer;
  let codex: CodexHarness;
  let ledger: LedgerHarness;
  let billing: string;
  const state: FreshserviceState = {
    departments: [
      {
        id: 101,
        name: 'Deleted Tickets LLC',
        custom_fields: { account_number: 'DT-1', plan_selected: 'Basic Support', contract_term: '1 Year' },
      },
    ],
    requesters: [
      { id: 201, first_name: 'Dee', last_name: 'Lete', primary_email: 'dee@dt.example', department_ids: [101] },
    ],
    agents: [],
    tickets: [ticketWith(7001, '02:00'), ticketWith(7002, '01:30')],
  };

  async function sync(job: SyncJobName): Promise<void> {
    clock = new Date(clock.getTime() + 3_600_000);
    const started = await codex.runner.start(job, 'manual', 'test');
    await codex.runner.idle();
    const run = await findRun(codex.db, started?.id ?? 0);
    assert.equal(run?.status, 'succeeded', JSON.stringify(run?.errors));
  }

  async function hours(): Promise<string | undefined> {
    const res = await ledger.app.inject({
      url: '/api/billing/dashboard?month=2026-11',
      headers: { authorization: `Bearer ${billing}` },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res
      .json<{ clients: { account_number: string; hours: string }[] }>()
      .clients.find((row) => row.account_number === 'DT-1')?.hours;
  }

  before(async () => {
    fake = await startFakeFreshservice(state);
    codex = await startCodex({
      now: () => clock,
      env: { FRESHSERVICE_URL: fake.url, FRESHSERVICE_API_KEY: FRESHSERVICE_KEY },
    });
    await addPlan(codex.db, 'Basic Support', '1 Year', { perUserCents: 5000 });
    await sync('freshservice');
    await sync('freshservice-tickets');
    ledger = await startLedger(await codexOverHttp(codex));
    billing = await ledger.token('billing');
  });
  after(async () => {
    await ledger.close();
    await codex.close();
    await fake.close();
  });

  it('bills both tickets while they exist, then only the one left after the other is deleted', async () => {
    assert.equal(await hours(), '3.50');
    state.tickets[0]!.deleted = true;
    await sync('freshservice-tickets');
    assert.equal(await hours(), '1.50');
    const bill = await ledger.app.inject({
      url: '/api/billing/clients/DT-1?month=2026-11',
      headers: { authorization: `Bearer ${billing}` },
    });
    assert.equal(bill.statusCode, 200, bill.body);
    const lines = bill
      .json<{ result: { lines: { description: string }[] } }>()
      .result.lines.map((line) => line.description);
    assert.ok(lines.includes('Billable Hours (1.50 hrs)'), JSON.stringify(lines));
  });
});
