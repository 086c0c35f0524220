/**
 * Codex and ledger together on PostgreSQL: codex runs from its own test harness and listens on
 * port 0; ledger reads it over real HTTP through the SDK's service client (answers zod-parsed).
 * Core's /service-token is answered by a token minted with codex's test keys, as core would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addCompany, addContact, addAsset, addPlan, addTicket, addTimeEntry } from '../../codex/test/fixtures.js';
import { startCodex, type CodexHarness } from '../../codex/test/harness.js';
import { psaAgents } from '../../codex/src/db/schema.js';
import { startLedger, type LedgerHarness } from './harness.js';
import { codexOverHttp } from './real-codex.js';

describe('ledger with codex', () => {
  let codex: CodexHarness;
  let ledger: LedgerHarness;
  let billing: string;
  before(async () => {
    codex = await startCodex();
    const acme = await addCompany(codex.db, {
      accountNumber: '620547',
      name: 'Acme, Inc.',
      planName: 'Basic Support',
      contractTerm: '1 Year',
    });
    await addCompany(codex.db, { accountNumber: '777', name: 'No Plan Co' });
    await addPlan(codex.db, 'Basic Support', '1 Year', { perUserCents: 5000, perWorkstationCents: 7500 });
    await addContact(codex.db, { name: 'Jane Doe', email: 'jane@acme.test', companyIds: [acme] });
    await addContact(codex.db, { name: 'Joe Roe', email: 'joe@acme.test', companyIds: [acme] });
    await addContact(codex.db, { name: 'Gone Person', email: 'gone@acme.test', companyIds: [acme], active: false });
    // An MSP technician who is also a contact of the client: never billed.
    await addContact(codex.db, { name: 'Tech Agent', email: 'Agent@MSP.test', companyIds: [acme] });
    await codex.db
      .insert(psaAgents)
      .values({ provider: 'freshservice', externalId: 'a1', name: 'Tech Agent', email: 'agent@msp.test' });
    await addAsset(codex.db, { companyId: acme, hostname: 'WS1' });
    await addAsset(codex.db, { companyId: acme, hostname: 'SRV1', derived: 'server' });
    const ticket = await addTicket(codex.db, { companyId: acme, externalId: '1301', subject: 'Printer' });
    await addTimeEntry(codex.db, ticket, { externalId: 'e1', entryDate: '2025-10-03', minutes: 60 });
    await addTimeEntry(codex.db, ticket, { externalId: 'e2', entryDate: '2025-10-31', minutes: 30 });
    await addTimeEntry(codex.db, ticket, { externalId: 'e3', entryDate: '2025-11-01', minutes: 600 });
    await addTimeEntry(codex.db, ticket, { externalId: 'e4', entryDate: '2025-10-10', minutes: 600, billable: false });
    ledger = await startLedger(await codexOverHttp(codex));
    billing = await ledger.token('billing');
  });
  after(async () => {
    await ledger.close();
    await codex.close();
  });

  const get = (url: string) =>
    ledger.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${billing}` } });
  const post = (url: string, payload: object) =>
    ledger.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${billing}` } });

  it('bills codex data: active contacts, billing types, dated billable entries; flags a client without a plan', async () => {
    const res = await get('/api/billing/dashboard?month=2025-10');
    assert.equal(res.statusCode, 200, res.body);
    const rows = res.json<{
      clients: {
        account_number: string;
        users: number;
        hours: string;
        flags: string[];
        devices: Record<string, number>;
      }[];
    }>().clients;
    const acme = rows.find((row) => row.account_number === '620547');
    assert.deepEqual([acme?.users, acme?.hours, acme?.flags, acme?.devices.server], [2, '1.50', [], 1]);
    assert.deepEqual(rows.find((row) => row.account_number === '777')?.flags, ['cannot bill: no plan']);
  });

  it('accepts a bill into a snapshot whose CSV matches the bill, refuses a second accept, and versions a correction', async () => {
    const bill = (await get('/api/billing/clients/620547?month=2025-10')).json<{
      total_cents: number;
      result: { lines: { description: string; amountCents: number }[] };
    }>();
    assert.ok(bill.result.lines.some((line) => line.description === 'Billable Hours (1.50 hrs)'));
    assert.ok(
      !bill.result.lines.some(
        (line) => line.description.includes('Gone Person') || line.description.includes('Tech Agent'),
      ),
    );

    const accepted = await post('/api/bills/620547/accept', { month: '2025-10' });
    assert.equal(accepted.statusCode, 201, accepted.body);
    assert.equal(accepted.json<{ total_cents: number }>().total_cents, bill.total_cents);
    const csv = (await get('/api/archive/620547-202510/csv')).body.trim().split('\r\n').slice(1);
    const charged = bill.result.lines.filter((line) => line.amountCents !== 0);
    assert.equal(csv.length, charged.length);
    csv.forEach((row, i) => {
      assert.ok(row.startsWith('620547-202510,"Acme, Inc.",2025-10-31,2025-11-30,'), row);
      assert.equal(Math.round(Number(row.split(',').at(-1)) * 100), charged[i]?.amountCents);
    });

    const again = await post('/api/bills/620547/accept', { month: '2025-10' });
    assert.equal(again.statusCode, 409);

    const corrected = await post('/api/bills/620547/correct', {
      month: '2025-10',
      supersedes: '620547-202510',
      notes: 're-issue',
    });
    assert.equal(corrected.statusCode, 201, corrected.body);
    assert.equal(corrected.json<{ invoice_number: string; version: number }>().invoice_number, '620547-202510-v2');
  });
});
