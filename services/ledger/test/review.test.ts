/** Review flags: PSA managed counts and the month-on-month move of the total. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reviewFlags } from '../src/archive/review.js';
import type { ClientBill } from '../src/billing/month.js';
import { computeBill } from '../src/engine/index.js';
import { baseInput, device, user } from './engine/fixtures.js';

function bill(managed: { users: number | null; devices: number | null }): ClientBill {
  const input = baseInput({
    users: [user(1), user(2)],
    devices: [device(1), device(2, { billingType: 'not_billed' })],
  });
  return {
    client: {
      company: {
        account_number: '620547',
        name: 'Acme',
        plan_name: 'Basic Support',
        contract_term: '1 Year',
        contract_start: null,
        support_level: null,
        managed_users: managed.users,
        managed_devices: managed.devices,
        archived_at: null,
      },
      assets: [],
      contacts: [],
      entries: [],
      prior_months: [],
    },
    supportLevel: null,
    input,
    result: computeBill(input),
  };
}

describe('review flags', () => {
  it('compares users and billed devices with the PSA, skipping counts the PSA does not give', () => {
    assert.deepEqual(reviewFlags(bill({ users: 2, devices: 1 }), undefined, 20), []);
    assert.deepEqual(reviewFlags(bill({ users: null, devices: null }), undefined, 20), []);
    assert.deepEqual(
      reviewFlags(bill({ users: 3, devices: 2 }), undefined, 20).map((flag) => flag.message),
      ['Bills 2 user(s); the PSA manages 3', 'Bills 1 device(s); the PSA manages 2'],
    );
  });

  it('flags a total that moved more than the threshold from last month, not one that moved exactly that much', () => {
    const current = bill({ users: null, devices: null }); // 2 × $50 + $75 = $175.00
    assert.equal(current.result.totalCents, 17500);
    assert.deepEqual(reviewFlags(current, 17500 / 1.25, 25), [], '+25% at a 25% threshold');
    assert.deepEqual(
      reviewFlags(current, 14000, 20).map((flag) => flag.code),
      ['total_moved'],
    );
    assert.match(
      reviewFlags(current, 14000, 20)[0]?.message ?? '',
      /moved 25\.0% from last month's \$140\.00 \(threshold 20%\)/,
    );
    assert.deepEqual(
      reviewFlags(current, 0, 20).map((flag) => flag.code),
      ['total_moved'],
    );
    assert.deepEqual(reviewFlags(current, 30000, 50), [], '−41.7% within 50%');
  });
});
