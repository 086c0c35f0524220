import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_PLAN_FLAG, computeBill, divRoundHalfUp } from '../../src/engine/index.js';
import { EXAMPLE_RATES, baseInput, device, tb, user } from './fixtures.js';

describe('money', () => {
  it('rounds half-up to the cent, exactly', () => {
    assert.equal(divRoundHalfUp(5n, 10n), 1n);
    assert.equal(divRoundHalfUp(4n, 10n), 0n);
    assert.equal(divRoundHalfUp(15n, 10n), 2n);
    assert.equal(divRoundHalfUp(-15n, 10n), -2n);
    assert.equal(divRoundHalfUp(25n, 10n), 3n);
  });
});

describe('plans and rates', () => {
  it('flags a client without a plan and bills nothing, but keeps it', () => {
    const result = computeBill(baseInput({ planRates: null, users: [user(1)] }));
    assert.equal(result.billable, false);
    assert.deepEqual(result.flags, [NO_PLAN_FLAG]);
    assert.equal(result.totalCents, 0);
    assert.deepEqual(result.lines, []);
    assert.equal(result.counts.users, 1);
    assert.equal(result.accountNumber, '620547');
  });

  it('flags a client with no plan name even if rates were passed', () => {
    const result = computeBill(
      baseInput({ client: { accountNumber: 'x', name: 'X', planName: null, term: null, contractStart: null } }),
    );
    assert.equal(result.billable, false);
  });

  it('replaces each rate by its enabled override only', () => {
    const result = computeBill(
      baseInput({ rateOverrides: { perUser: 4200, perHour: 0 }, users: [user(1)], devices: [device(1)] }),
    );
    assert.equal(result.rates?.perUser, 4200);
    assert.equal(result.rates?.perWorkstation, EXAMPLE_RATES.perWorkstation);
    assert.equal(result.totalCents, 4200 + 7500);
  });
});

describe('users', () => {
  it('bills each active contact once by its billing type; inactive and agents are not billed', () => {
    const result = computeBill(
      baseInput({
        users: [
          user(1),
          user(1),
          user(2, { billingType: 'free' }),
          user(3, { billingType: 'custom', customCents: 3333 }),
          user(4, { active: false }),
          user(5, { isAgent: true }),
          {
            id: 'manual:1',
            name: 'Temp',
            source: 'manual',
            active: true,
            isAgent: false,
            billingType: 'custom',
            customCents: 3000,
          },
        ],
      }),
    );
    assert.deepEqual(result.counted.users, ['contact:1', 'contact:2', 'contact:3', 'manual:1']);
    assert.deepEqual(
      result.excluded.map((e) => [e.id, e.reason]),
      [
        ['contact:1', 'duplicate'],
        ['contact:4', 'inactive'],
        ['contact:5', 'agent of the MSP'],
      ],
    );
    assert.equal(result.subtotals.user, 5000 + 0 + 3333 + 3000);
    assert.equal(result.totalCents, 11333);
  });

  it('flags a custom user without an amount', () => {
    const result = computeBill(baseInput({ users: [user(1, { billingType: 'custom' })] }));
    assert.deepEqual(result.flags, ['custom amount missing: contact:1']);
    assert.equal(result.totalCents, 0);
  });
});

describe('devices', () => {
  it('bills each active device at its type rate, not billed at 0, custom at its amount', () => {
    const result = computeBill(
      baseInput({
        devices: [
          device(1),
          device(2, { billingType: 'server' }),
          device(3, { billingType: 'virtual_machine' }),
          device(4, { billingType: 'switch' }),
          device(5, { billingType: 'firewall' }),
          device(6, { billingType: 'not_billed' }),
          device(7, { billingType: 'custom', customCents: 1234 }),
          device(8, { active: false, billingType: 'server' }),
        ],
      }),
    );
    assert.equal(result.subtotals.device, 7500 + 15000 + 10000 + 2500 + 5000 + 0 + 1234);
    assert.equal(result.counts.devices.server, 1);
    assert.equal(result.counts.devices.not_billed, 1);
    assert.deepEqual(result.excluded, [{ id: 'asset:8', reason: 'inactive' }]);
    assert.equal(result.lines.find((l) => l.sources[0] === 'asset:7')?.description, 'Asset: HOST7 (Custom)');
  });
});

describe('backup', () => {
  it('adds base fees per backed-up device and prices only storage beyond the allowance', () => {
    const result = computeBill(
      baseInput({
        devices: [
          device(1, { backupBytes: tb(2) }),
          device(2, { billingType: 'server', backupBytes: tb(1.5) }),
          device(3),
        ],
      }),
    );
    // 2 devices → 2 TB included; 3.5 TB used → 1.5 TB × $15 = $22.50; base 20 + 40.
    assert.deepEqual(result.backup, {
      workstations: 1,
      servers: 1,
      totalTb: '3.50',
      includedTb: '2.00',
      overageTb: '1.50',
      chargeCents: 2000 + 4000 + 2250,
    });
    assert.deepEqual(result.counted.backupDevices, ['asset:1', 'asset:2']);
    assert.equal(result.lines.filter((l) => l.kind === 'backup').length, 1);
  });

  it('rounds TB to two decimals before pricing, and the line half-up to the cent', () => {
    // 1.005 TiB rounds to 1.01 TB (not 1.00); with no allowance, 1.01 × $0.50 = $0.505 → $0.51.
    const result = computeBill(
      baseInput({
        rateOverrides: { backupIncludedTb: 0, backupBaseWorkstation: 0, backupPerTb: 50 },
        devices: [device(1, { backupBytes: Math.ceil(1.005 * 1024 ** 4) })],
      }),
    );
    assert.equal(result.backup.totalTb, '1.01');
    assert.equal(result.backup.chargeCents, 51);
  });
});

describe('line items', () => {
  it('bills every kind due in one month, each fee an item carries', () => {
    const result = computeBill(
      baseInput({
        period: { year: 2025, month: 3 },
        lineItems: [
          { id: 1, name: 'M365', recurring: { cents: 20000, firstMonth: null, lastMonth: null } },
          { id: 2, name: 'Project', oneOff: { cents: 45000, month: '2025-03' } },
          { id: 3, name: 'Domain', yearly: { cents: 3000, billMonth: 3 } },
          {
            id: 4,
            name: 'Both',
            recurring: { cents: 100, firstMonth: '2025-03', lastMonth: '2025-03' },
            yearly: { cents: 200, billMonth: 3 },
          },
          { id: 5, name: 'Ended', recurring: { cents: 999, firstMonth: null, lastMonth: '2025-02' } },
          { id: 6, name: 'Later', recurring: { cents: 999, firstMonth: '2025-04', lastMonth: null } },
          {
            id: 7,
            name: 'Other month',
            oneOff: { cents: 999, month: '2024-03' },
            yearly: { cents: 999, billMonth: 4 },
          },
        ],
      }),
    );
    assert.deepEqual(result.counted.lineItems, [1, 2, 3, 4]);
    assert.deepEqual(
      result.lines.map((l) => l.description),
      ['M365 (Recurring)', 'Project (One-Off)', 'Domain (Yearly)', 'Both (Recurring)', 'Both (Yearly)'],
    );
    assert.equal(result.totalCents, 20000 + 45000 + 3000 + 100 + 200);
  });
});

describe('totals', () => {
  it('is the sum of the lines and of the subtotals', () => {
    const result = computeBill(
      baseInput({
        users: [user(1), user(2)],
        devices: [device(1, { backupBytes: tb(3) })],
        timeEntries: [{ id: 1, ticketNumber: 'T1', entryDate: '2025-10-02', minutes: 20, billable: true }],
        lineItems: [{ id: 1, name: 'X', recurring: { cents: 1, firstMonth: null, lastMonth: null } }],
      }),
    );
    const sum = result.lines.reduce((s, l) => s + l.amountCents, 0);
    assert.equal(result.totalCents, sum);
    assert.equal(
      Object.values(result.subtotals).reduce((s, v) => s + v, 0),
      sum,
    );
    assert.ok(result.lines.every((l) => Number.isInteger(l.amountCents)));
  });
});
