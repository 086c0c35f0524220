/**
 * The dashboard's totals equal the line-by-line bills: codex (real, on PostgreSQL, over HTTP) sums
 * a month per company for the dashboard, and lists every item for a client's bill; for every
 * client, `totalsMonth` must give what `billMonth` gives in the same fields. The month mixes what
 * changes a bill: inactive, archived and agent contacts, a contact of two companies, assets of every
 * billing type with and without backup, archived ones, ledger's user and device overrides (free,
 * custom with and without an amount, retyped), manual users and devices, line items, rate
 * overrides, prepaid hours (monthly and yearly with earlier months), archived and zero-minute
 * entries, and a client without a plan.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq, inArray } from 'drizzle-orm';
import { addAsset, addCompany, addContact, addPlan, addTicket, addTimeEntry } from '../../codex/test/fixtures.js';
import { startCodex, type CodexHarness } from '../../codex/test/harness.js';
import { assets, billingPlans, contacts, psaAgents, timeEntries } from '../../codex/src/db/schema.js';
import { seededRandom } from '../../codex/src/db/seed.js';
import type { BillingType } from '../../codex/src/domain/billing-type.js';
import {
  addClientLineItem,
  addManualDevice,
  addManualUser,
  setDeviceBillingType,
  setUserBillingType,
} from '../src/billing/edit.js';
import { billMonth, totalsMonth } from '../src/billing/month.js';
import type { CodexSource } from '../src/codex/source.js';
import { saveClientOverrides } from '../src/db/store.js';
import { startLedger, type LedgerHarness } from './harness.js';
import { codexOverHttp } from './real-codex.js';

const TYPES: readonly BillingType[] = ['workstation', 'server', 'virtual_machine', 'switch', 'firewall', 'not_billed'];
const TB = 1024 ** 4;
const PERIOD = { year: 2025, month: 10 };

describe('dashboard totals against line-by-line bills', () => {
  let codex: CodexHarness;
  let ledger: LedgerHarness;
  let source: CodexSource;
  before(async () => {
    codex = await startCodex();
    ledger = await startLedger({
      month: () => Promise.reject(new Error('unused')),
      totals: () => Promise.reject(new Error('unused')),
    });
    await addPlan(codex.db, 'Basic Support', '1 Year', { perUserCents: 5000, perWorkstationCents: 7500 });
    await addPlan(codex.db, 'Basic Support', 'Month to Month', { perUserCents: 6000, perWorkstationCents: 8000 });
    // Every price and a fractional included TB, so each rate shows in a total.
    await codex.db.update(billingPlans).set({
      perServerCents: 15000,
      perVmCents: 10000,
      perSwitchCents: 2500,
      perFirewallCents: 5000,
      perHourCents: 12000,
      backupBaseWorkstationCents: 2000,
      backupBaseServerCents: 4000,
      backupPerTbCents: 1500,
      backupIncludedTb: '0.75',
    });
    await codex.db
      .insert(psaAgents)
      .values({ provider: 'freshservice', externalId: 'agent-1', name: 'Tech', email: 'Tech@MSP.test' });
    const random = seededRandom(7);
    const pick = (n: number) => Math.floor(random() * n);
    const companyIds: number[] = [];
    for (let c = 0; c < 12; c += 1) {
      const account = `T${String(c).padStart(3, '0')}`;
      const id = await addCompany(codex.db, {
        accountNumber: account,
        name: `Company ${c}`,
        planName: c === 5 ? 'No Such Plan' : c === 6 ? null : 'Basic Support',
        contractTerm: c % 4 === 0 ? null : '1 Year',
        contractStart: c % 3 === 0 ? '2025-03-15' : null,
      });
      companyIds.push(id);
      for (let i = 0; i < 3 + pick(6); i += 1) {
        const contact = await addContact(codex.db, {
          name: `Person ${c}-${i}`,
          email: i === 0 && c % 2 === 0 ? 'tech@msp.test' : `p${i}@c${c}.test`,
          companyIds: [id],
          active: i % 5 !== 4,
        });
        if (i === 1 && c % 3 === 1)
          await codex.db
            .update(contacts)
            .set({ archivedAt: new Date(c % 2 === 0 ? '2025-09-01T00:00:00Z' : '2025-10-20T00:00:00Z') })
            .where(eq(contacts.id, contact));
        if (i === 2 && c % 4 === 1)
          await setUserBillingType(ledger.db, contact, { billingType: 'free', customCents: null });
        if (i === 3 && c % 4 === 2)
          await setUserBillingType(ledger.db, contact, {
            billingType: 'custom',
            customCents: c % 8 === 2 ? 4321 : null,
          });
        if (i === 0 && c === 4)
          await setUserBillingType(ledger.db, contact, { billingType: 'custom', customCents: 999 });
      }
      for (let i = 0; i < 2 + pick(8); i += 1) {
        const type = TYPES[pick(TYPES.length)] ?? 'workstation';
        const asset = await addAsset(codex.db, {
          companyId: id,
          hostname: `H${c}-${i}`,
          derived: type,
          override: i === 0 && c % 5 === 0 ? 'server' : null,
        });
        if (random() < 0.5)
          await codex.db
            .update(assets)
            .set({ backupUsageBytes: Math.floor(random() * 2.5 * TB) })
            .where(eq(assets.id, asset));
        if (i === 1 && c % 3 === 2)
          await codex.db
            .update(assets)
            .set({ archivedAt: new Date(c % 2 === 0 ? '2025-09-01T00:00:00Z' : '2025-10-20T00:00:00Z') })
            .where(eq(assets.id, asset));
        if (i === 2 && c % 4 === 3)
          await setDeviceBillingType(ledger.db, asset, {
            billingType: 'custom',
            customCents: c % 8 === 3 ? 7777 : null,
          });
        if (i === 3 && c % 4 === 0)
          await setDeviceBillingType(ledger.db, asset, { billingType: 'not_billed', customCents: null });
      }
      const ticket = await addTicket(codex.db, { companyId: id, externalId: `${c}-1`, subject: 'Work' });
      for (let e = 0; e < pick(14); e += 1) {
        const month = ['2025-04', '2025-06', '2025-09', '2025-10', '2025-10', '2025-11'][pick(6)] ?? '2025-10';
        await addTimeEntry(codex.db, ticket, {
          externalId: `${c}-${e}`,
          entryDate: `${month}-${String(1 + pick(28)).padStart(2, '0')}`,
          minutes: e === 3 ? 0 : 5 * (1 + pick(40)),
          billable: e % 4 !== 1,
        });
      }
      if (c % 3 !== 2)
        await saveClientOverrides(
          ledger.db,
          account,
          {
            planName: null,
            rateOverrides: c % 2 === 0 ? { perUser: 5500, backupPerTb: 1000 } : {},
            prepaidMonthly: c % 3 === 0 ? 1.5 : 0,
            prepaidYearly: c % 3 === 0 ? 4 : c % 3 === 1 ? 0.25 : 0,
          },
          new Date(),
        );
      if (c % 2 === 1)
        await addManualUser(ledger.db, account, {
          fullName: 'Manual Person',
          billingType: c % 4 === 1 ? 'paid' : 'custom',
          customCents: 2500,
        });
      if (c % 3 === 0)
        await addManualDevice(ledger.db, account, {
          hostname: 'MANUAL-NAS',
          billingType: 'server',
          customCents: null,
          backupBytes: 3 * TB,
        });
      await addClientLineItem(ledger.db, account, {
        name: 'M365',
        recurringCents: 1999,
        firstMonth: null,
        lastMonth: null,
        oneOffCents: c % 2 === 0 ? 5000 : null,
        oneOffMonth: c % 2 === 0 ? '2025-10' : null,
        yearlyCents: null,
        yearlyMonth: null,
      });
    }
    // A contact of two companies counts in each; an archived entry counts nowhere.
    await addContact(codex.db, {
      name: 'Shared Person',
      email: 'shared@both.test',
      companyIds: companyIds.slice(0, 2),
    });
    const someEntry = await codex.db.select({ id: timeEntries.id }).from(timeEntries).limit(1);
    await codex.db
      .update(timeEntries)
      .set({ archivedAt: new Date('2025-10-30T00:00:00Z') })
      .where(
        inArray(
          timeEntries.id,
          someEntry.map((row) => row.id),
        ),
      );
    source = await codexOverHttp(codex, { pageSize: 5 });
  });
  after(async () => {
    await ledger.close();
    await codex.close();
  });

  it("gives every client's total, subtotals, counts, labour, backup and flags as the line-by-line bill does", async () => {
    const deps = { codex: source, db: ledger.db };
    const [totals, bills] = await Promise.all([totalsMonth(deps, PERIOD), billMonth(deps, PERIOD)]);
    assert.equal(totals.length, 12);
    assert.deepEqual(
      totals.map((row) => row.client.company.account_number),
      bills.map((bill) => bill.client.company.account_number),
    );
    for (const [i, bill] of bills.entries()) {
      const { result } = bill;
      const expected = {
        period: result.period,
        accountNumber: result.accountNumber,
        billable: result.billable,
        flags: result.flags,
        rates: result.rates,
        totalCents: result.totalCents,
        subtotals: result.subtotals,
        counts: result.counts,
        labour: result.labour,
        backup: result.backup,
      };
      assert.deepEqual(totals[i]?.result, expected, `client ${result.accountNumber}`);
      assert.equal(totals[i]?.planName, bill.input.client.planName);
      assert.equal(totals[i]?.supportLevel, bill.supportLevel);
    }
    // The month is varied enough to prove something: bills with each part, flags and exclusions.
    assert.ok(bills.some((bill) => bill.result.flags.some((flag) => flag.startsWith('custom amount missing'))));
    assert.ok(bills.some((bill) => !bill.result.billable));
    assert.ok(
      bills.some((bill) => bill.result.subtotals.labour > 0) && bills.some((bill) => bill.result.subtotals.backup > 0),
    );
    assert.ok(bills.some((bill) => bill.result.excluded.some((row) => row.reason === 'agent of the MSP')));
    assert.ok(bills.some((bill) => bill.result.excluded.some((row) => row.reason === 'inactive')));
    assert.ok(bills.some((bill) => bill.result.labour.yearlyUsedBeforeHours !== '0.00'));
  });
});
