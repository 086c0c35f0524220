/** The engine computes a month for 1,000 clients well within a second (issue 8's target). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeBill } from '../../src/engine/index.js';
import type { BillInput } from '../../src/engine/index.js';
import { baseInput, device, tb, user } from './fixtures.js';

describe('engine speed', () => {
  it('bills 1,000 clients with 25 users, 30 devices and 40 time entries each in under a second', () => {
    const inputs: BillInput[] = Array.from({ length: 1000 }, (_, c) => baseInput({
      client: { accountNumber: String(c), name: `Client ${c}`, planName: 'Basic Support', term: '1 Year', contractStart: '2024-04-01' },
      prepaidHours: { monthly: 2, yearly: 10 },
      users: Array.from({ length: 25 }, (_, i) => user(i, { active: i % 10 !== 0 })),
      devices: Array.from({ length: 30 }, (_, i) => device(i, { billingType: i % 5 === 0 ? 'server' : 'workstation', backupBytes: i % 3 === 0 ? tb(0.4) : 0 })),
      timeEntries: Array.from({ length: 40 }, (_, i) => ({ id: i, ticketNumber: `T${i}`, entryDate: `2025-10-${String((i % 28) + 1).padStart(2, '0')}`, minutes: 15 + (i % 4) * 10, billable: i % 7 !== 0 })),
      priorMonths: Array.from({ length: 6 }, (_, i) => ({ month: `2025-0${i + 4}`, billableMinutes: 200 + i * 30 })),
      lineItems: [{ id: 1, name: 'M365', recurring: { cents: 20000, firstMonth: null, lastMonth: null } }],
    }));
    const started = performance.now();
    let total = 0;
    for (const input of inputs) total += computeBill(input).totalCents;
    const elapsed = performance.now() - started;
    assert.ok(total > 0);
    assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
  });
});
