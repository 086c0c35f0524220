/** Editing ledger's overrides over HTTP: validation, effect on the bill, deletes, CSRF. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakeClient, fakeCodex } from './fake-codex.js';
import { startLedger, type LedgerHarness } from './harness.js';

describe('ledger overrides', () => {
  let t: LedgerHarness;
  let billing: string;
  before(async () => {
    t = await startLedger(fakeCodex([fakeClient('500', 'Delta', { users: 1, workstations: 1 })]));
    billing = await t.token('billing');
  });
  after(() => t.close());

  const send = (
    method: 'PUT' | 'POST' | 'DELETE',
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload }),
      headers: { authorization: `Bearer ${billing}`, ...headers },
    });
  const total = async () =>
    (
      await t.app.inject({
        method: 'GET',
        url: '/api/billing/clients/500?month=2025-10',
        headers: { authorization: `Bearer ${billing}` },
      })
    ).json<{ total_cents: number }>().total_cents;

  it('changes the bill through rate, type and manual entries, and validates each body', async () => {
    assert.equal(await total(), 5000 + 7500);
    assert.equal(
      (
        await send('PUT', '/api/clients/500/overrides', {
          plan_name: null,
          rates: { perUser: 6000 },
          prepaid_hours_monthly: 0,
          prepaid_hours_yearly: 0,
        })
      ).statusCode,
      200,
    );
    assert.equal(await total(), 6000 + 7500);
    assert.equal(
      (
        await send('PUT', '/api/clients/500/overrides', {
          plan_name: null,
          rates: { perUser: 12.5 },
          prepaid_hours_monthly: 0,
          prepaid_hours_yearly: 0,
        })
      ).statusCode,
      400,
    );
    assert.equal(
      (
        await send('PUT', '/api/clients/500/overrides', {
          plan_name: null,
          rates: { bogus: 1 },
          prepaid_hours_monthly: 0,
          prepaid_hours_yearly: 0,
        })
      ).statusCode,
      400,
    );
    assert.equal((await send('PUT', '/api/overrides/assets/500000', { billing_type: 'custom' })).statusCode, 400);
    assert.equal((await send('PUT', '/api/overrides/assets/500000', { billing_type: 'server' })).statusCode, 200);
    assert.equal(await total(), 6000 + 15000);
    assert.equal(
      (await send('PUT', '/api/overrides/contacts/500000', { billing_type: 'custom', custom_cents: 999 })).statusCode,
      200,
    );
    assert.equal(await total(), 999 + 15000);
    const manual = await send('POST', '/api/clients/500/manual-devices', { hostname: 'FW', billing_type: 'firewall' });
    assert.equal(manual.statusCode, 201);
    assert.equal(await total(), 999 + 15000 + 5000);
    const item = await send('POST', '/api/clients/500/line-items', {
      name: 'Setup',
      one_off: { cents: 100, month: '2025-10' },
      yearly: { cents: 50, month: 10 },
    });
    assert.equal(item.statusCode, 201);
    assert.equal(await total(), 999 + 15000 + 5000 + 150);
    assert.equal((await send('POST', '/api/clients/500/line-items', { name: 'Empty' })).statusCode, 400);
    assert.equal(
      (await send('DELETE', `/api/clients/500/line-items/${item.json<{ id: number }>().id}`)).statusCode,
      204,
    );
    assert.equal(
      (await send('DELETE', `/api/clients/999/manual-devices/${manual.json<{ id: number }>().id}`)).statusCode,
      404,
    );
    assert.equal((await send('DELETE', '/api/overrides/assets/500000')).statusCode, 204);
    assert.equal(await total(), 999 + 7500 + 5000);
  });

  it('refuses cross-site writes and technicians', async () => {
    const body = { plan_name: null, rates: {}, prepaid_hours_monthly: 0, prepaid_hours_yearly: 0 };
    const cross = await send('PUT', '/api/clients/500/overrides', body, { 'sec-fetch-site': 'cross-site' });
    assert.equal(cross.statusCode, 403);
    assert.equal(cross.json<{ code: string }>().code, 'csrf_rejected');
    assert.equal(
      (await send('PUT', '/api/clients/500/overrides', body, { origin: 'https://evil.test' })).statusCode,
      403,
    );
    const tech = await t.app.inject({
      method: 'PUT',
      url: '/api/clients/500/overrides',
      payload: body,
      headers: { authorization: `Bearer ${await t.token('technician')}` },
    });
    assert.equal(tech.statusCode, 403);
  });
});
