/**
 * The client page's HTML forms over HTTP on PostgreSQL: success redirects (303 with a flash) and
 * the bill changes; refused values re-render the page with 400, the errors and what was typed;
 * technicians are refused; entries of another client cannot be touched.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakeClient, fakeCodex } from './fake-codex.js';
import { startLedger, type LedgerHarness } from './harness.js';

describe('ledger client forms', () => {
  let t: LedgerHarness;
  let billing: string;
  before(async () => {
    // Client 500: 1 user (id 500000) × $50, 1 workstation (asset 500000) × $75 on the example plan.
    t = await startLedger(
      fakeCodex([
        fakeClient('500', 'Delta', { users: 1, workstations: 1 }),
        fakeClient('600', 'Echo', { users: 1, workstations: 1 }),
      ]),
    );
    billing = await t.token('billing');
  });
  after(() => t.close());

  const post = async (url: string, fields: Record<string, string>, token = billing) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams({ month: '2025-10', ...fields }).toString(),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
  const page = async (account = '500') =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/clients/${account}?month=2025-10`,
        headers: { authorization: `Bearer ${billing}` },
      })
    ).body;
  const total = async (account = '500') => /id="bill-total">\$([\d.]+)</.exec(await page(account))?.[1];
  const redirect = (res: { statusCode: number; headers: Record<string, unknown> }, done: string) => {
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/clients/500?month=2025-10&done=${done}`);
  };

  it('shows the bill, its inputs and the rates form', async () => {
    const html = await page();
    assert.equal(await total(), '125.00');
    assert.match(html, /<label class="form-group__label" for="field-per_user">Per-user rate<\/label>/);
    assert.match(html, /name="per_user"/);
    assert.match(html, /<button type="submit" class="btn btn--primary">Save rates<\/button>/);
    for (const label of ['Users', 'Devices', 'Time entries', 'Backup devices', 'Line items', 'Invoice lines'])
      assert.match(html, new RegExp(`aria-label="${label}"`));
  });

  it('shows the effective rates, and stores only rates that differ from the plan', async () => {
    assert.match(await page(), /name="per_user" type="text" value="50.00"/);
    redirect(
      await post('/clients/500/rates', { per_user: '50.00', per_hour: '100.00', backup_included_tb: '1' }),
      'rates-saved',
    );
    const stored = (await t.query(`SELECT rate_overrides FROM client_overrides WHERE account_number = '500'`)) as {
      rows: { rate_overrides: object }[];
    };
    assert.deepEqual(stored.rows[0]?.rate_overrides, {});
  });

  it('saves rates from decimal strings and the total follows; an empty rate falls back to the plan', async () => {
    redirect(await post('/clients/500/rates', { per_user: '60.50', per_workstation: '' }), 'rates-saved');
    assert.equal(await total(), '135.50');
    const flashed = (
      await t.app.inject({
        method: 'GET',
        url: '/clients/500?month=2025-10&done=rates-saved',
        headers: { authorization: `Bearer ${billing}` },
      })
    ).body;
    assert.match(flashed, /The rates were saved\./);
    assert.match(flashed, /name="per_user" type="text" value="60.50"/);
    redirect(await post('/clients/500/rates', { per_user: '' }), 'rates-saved');
    assert.equal(await total(), '125.00');
  });

  it('refuses bad amounts with 400, shows the error and keeps what was typed, saving nothing', async () => {
    for (const bad of ['1e3', '-5', '12.345', 'abc']) {
      const res = await post('/clients/500/rates', { per_user: bad, per_hour: '99.00' });
      assert.equal(res.statusCode, 400, bad);
      assert.match(res.body, /role="alert"/);
      assert.match(res.body, /Enter an amount like 125.00/);
      assert.ok(res.body.includes(`value="${bad}"`), bad);
      assert.match(res.body, /name="per_hour" type="text" value="99.00"/);
      assert.match(res.body, /aria-invalid="true"/);
    }
    assert.equal(await total(), '125.00');
  });

  it('keeps the plan when saving the rates, and the rates when saving the plan', async () => {
    redirect(await post('/clients/500/plan', { plan_name: 'Gold' }), 'plan-saved');
    assert.match(await page(), /cannot bill: no plan/);
    redirect(await post('/clients/500/rates', { per_user: '70.00' }), 'rates-saved');
    redirect(await post('/clients/500/plan', { plan_name: '' }), 'plan-saved');
    assert.equal(await total(), '145.00');
    redirect(await post('/clients/500/rates', {}), 'rates-saved');
  });

  it('sets billing types of codex users and devices, with custom amounts validated', async () => {
    const refused = await post('/clients/500/users/500000/type', { billing_type: 'custom', custom_amount: '' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /A custom billing type needs its amount\./);
    redirect(
      await post('/clients/500/users/500000/type', { billing_type: 'custom', custom_amount: '9.99' }),
      'user-type-saved',
    );
    redirect(await post('/clients/500/devices/500000/type', { billing_type: 'server' }), 'device-type-saved');
    assert.equal(await total(), '159.99');
    assert.equal((await post('/clients/500/devices/500000/type', { billing_type: 'spaceship' })).statusCode, 400);
    // Another client's contact is not this client's to retype.
    assert.equal((await post('/clients/500/users/600000/type', { billing_type: 'free' })).statusCode, 404);
    redirect(await post('/clients/500/users/500000/type', { billing_type: 'default' }), 'user-type-saved');
    redirect(await post('/clients/500/devices/500000/type', { billing_type: 'default' }), 'device-type-saved');
    assert.equal(await total(), '125.00');
  });

  it('adds and removes manual users, manual devices and line items', async () => {
    assert.equal((await post('/clients/500/manual-users', { full_name: '', billing_type: 'paid' })).statusCode, 400);
    redirect(
      await post('/clients/500/manual-users', { full_name: 'Contractor', billing_type: 'paid' }),
      'manual-user-added',
    );
    redirect(
      await post('/clients/500/manual-devices', { hostname: 'FW1', billing_type: 'firewall', backup_tb: '' }),
      'manual-device-added',
    );
    assert.equal(await total(), '225.00');
    const badItem = await post('/clients/500/line-items', {
      name: 'Setup',
      kind: 'one_off',
      amount: '100.001',
      one_off_month: '2025-13',
    });
    assert.equal(badItem.statusCode, 400);
    assert.match(badItem.body, /Enter a month as YYYY-MM\./);
    assert.match(badItem.body, /value="Setup"/);
    redirect(
      await post('/clients/500/line-items', {
        name: 'Setup',
        kind: 'one_off',
        amount: '100.00',
        one_off_month: '2025-10',
      }),
      'line-item-added',
    );
    redirect(
      await post('/clients/500/line-items', { name: 'Domain', kind: 'yearly', amount: '20.00', yearly_month: '10' }),
      'line-item-added',
    );
    redirect(
      await post('/clients/500/line-items', {
        name: 'M365',
        kind: 'recurring',
        amount: '5.00',
        first_month: '2025-11',
      }),
      'line-item-added',
    );
    assert.equal(await total(), '345.00');

    const ids = async (table: string) =>
      (
        (await t.query(`SELECT id FROM ${table} WHERE account_number = '500' ORDER BY id`)) as {
          rows: { id: string }[];
        }
      ).rows.map((row) => row.id);
    const [item] = await ids('line_items');
    assert.equal((await post(`/clients/600/line-items/${item}/delete`, {})).statusCode, 404);
    redirect(await post(`/clients/500/line-items/${item}/delete`, {}), 'line-item-removed');
    redirect(
      await post(`/clients/500/manual-users/${(await ids('manual_users'))[0]}/delete`, {}),
      'manual-user-removed',
    );
    redirect(
      await post(`/clients/500/manual-devices/${(await ids('manual_devices'))[0]}/delete`, {}),
      'manual-device-removed',
    );
    assert.equal(await total(), '145.00');
  });

  it('saves prepaid hours and refuses bad hours', async () => {
    assert.equal(
      (await post('/clients/500/prepaid', { prepaid_monthly: '2.555', prepaid_yearly: '0' })).statusCode,
      400,
    );
    redirect(await post('/clients/500/prepaid', { prepaid_monthly: '2.5', prepaid_yearly: '10' }), 'prepaid-saved');
    assert.match(await page(), /name="prepaid_monthly" type="text" value="2.5"/);
  });

  it('refuses technicians, cross-site posts and unknown clients', async () => {
    const tech = await post('/clients/500/rates', { per_user: '1.00' }, await t.token('technician'));
    assert.equal(tech.statusCode, 403);
    const cross = await t.app.inject({
      method: 'POST',
      url: '/clients/500/rates',
      payload: 'per_user=1.00',
      headers: {
        authorization: `Bearer ${billing}`,
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'cross-site',
      },
    });
    assert.equal(cross.statusCode, 403);
    assert.equal((await post('/clients/999/rates', { per_user: '1.00' })).statusCode, 404);
    assert.equal(await total(), '145.00');
  });
});
