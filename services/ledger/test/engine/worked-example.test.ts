/**
 * The worked example of reference §3.5 (account 620547, October 2025, plan "Basic Support" 1 Year),
 * computed with our rules.
 *
 * The reference's intended total is $2,670.00: users $580 (11 paid including one INACTIVE contact,
 * plus the $30 manual contractor), devices $1,075, labour $225, backup $140, line items $650.
 * Ours differs for two reasons, both required by issue 8:
 * - the inactive contact is not billed: users $530 (−$50);
 * - labour bills dated time entries, and the yearly prepaid bucket is drawn down only by the hours
 *   beyond each earlier month's monthly allowance. The original consumed the yearly bucket with all
 *   7.5 prior hours (left 2.5 h → 2.25 h billed = $225). Ours depends on how those 7.5 h fall in the
 *   months: spread as Feb 2.5 h, May 3.0 h, Aug 2.0 h, only 0.5 + 1.0 h exceed the 2 h monthly
 *   allowance, 8.5 h are left, October's 4.75 h beyond the allowance are covered → labour $0, total
 *   **$2,395.00**. All 7.5 h in September leave 4.5 h → 0.25 h billed, total $2,420.00.
 * With the original's drawdown (all 7.5 h taken from the yearly bucket) ours would give $2,620.00,
 * which is the reference's own "$2,670.00 minus the inactive contact".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeBill, formatCents } from '../../src/engine/index.js';
import type { BillInput, BillableUser, PriorMonth } from '../../src/engine/index.js';
import { baseInput, device, tb, user } from './fixtures.js';

function example(priorMonths: PriorMonth[]): BillInput {
  const contacts: BillableUser[] = [user(1, { billingType: 'free' })];
  for (let id = 2; id <= 12; id += 1) contacts.push(user(id, id === 12 ? { active: false } : {}));
  contacts.push({
    id: 'manual:1',
    name: 'Temp Contractor',
    source: 'manual',
    active: true,
    isAgent: false,
    billingType: 'custom',
    customCents: 3000,
  });
  const workstations = Array.from({ length: 8 }, (_, i) => device(100 + i, { backupBytes: i < 3 ? tb(0.1) : 0 }));
  return baseInput({
    prepaidHours: { monthly: 2, yearly: 10 },
    users: contacts,
    devices: [
      ...workstations,
      device(201, { hostname: 'SRV1', billingType: 'server', backupBytes: tb(1.5) }),
      device(202, { hostname: 'SRV2', billingType: 'server', backupBytes: tb(0.75) }),
      device(203, { billingType: 'firewall' }),
      device(204, { billingType: 'switch' }),
      device(205, { hostname: 'PRINTER', billingType: 'not_billed' }),
      {
        id: 'manual:1',
        hostname: 'HYPERV-VM1',
        source: 'manual',
        active: true,
        billingType: 'virtual_machine',
        customCents: null,
        backupBytes: 0,
      },
    ],
    timeEntries: [
      { id: 1, ticketNumber: '1301', entryDate: '2025-10-03', minutes: 180, billable: true },
      { id: 2, ticketNumber: '1302', entryDate: '2025-10-14', minutes: 90, billable: true },
      { id: 3, ticketNumber: '1303', entryDate: '2025-10-29', minutes: 135, billable: true },
    ],
    priorMonths,
    lineItems: [
      { id: 1, name: 'M365 management', recurring: { cents: 20000, firstMonth: null, lastMonth: null } },
      { id: 2, name: 'Onboarding project', oneOff: { cents: 45000, month: '2025-10' } },
      { id: 3, name: 'Domain renewal', yearly: { cents: 3000, billMonth: 3 } },
    ],
  });
}

describe('reference §3.5 worked example', () => {
  it('gives $2,395.00 with the prior 7.5 h spread over February, May and August', () => {
    const result = computeBill(
      example([
        { month: '2025-02', billableMinutes: 150 },
        { month: '2025-05', billableMinutes: 180 },
        { month: '2025-08', billableMinutes: 120 },
      ]),
    );
    assert.deepEqual(result.subtotals, { user: 53000, device: 107500, backup: 14000, labour: 0, line_item: 65000 });
    assert.equal(formatCents(result.totalCents), '2395.00');
    assert.deepEqual(result.backup, {
      workstations: 3,
      servers: 2,
      totalTb: '2.55',
      includedTb: '5.00',
      overageTb: '0.00',
      chargeCents: 14000,
    });
    assert.equal(result.labour.minutes, 405);
    assert.equal(result.labour.yearlyLeftHours, '8.50');
    assert.deepEqual(result.excluded, [{ id: 'contact:12', reason: 'inactive' }]);
    assert.equal(result.counts.users, 12);
    assert.deepEqual(result.counted.lineItems, [1, 2]);
    assert.deepEqual(result.counted.timeEntries, [1, 2, 3]);
  });

  it('gives $2,420.00 with all 7.5 prior hours in September', () => {
    const result = computeBill(example([{ month: '2025-09', billableMinutes: 450 }]));
    assert.equal(result.labour.billableHours, '0.25');
    assert.equal(formatCents(result.totalCents), '2420.00');
  });

  it('gives $2,620.00 (the intended $2,670.00 less the inactive contact) if the yearly bucket had been used up as the original did', () => {
    // 7.5 h beyond the allowance in earlier months = what the original subtracted from the yearly hours.
    const result = computeBill(example([{ month: '2025-09', billableMinutes: 450 + 120 }]));
    assert.equal(result.labour.billableHours, '2.25');
    assert.equal(formatCents(result.totalCents), '2620.00');
  });
});
