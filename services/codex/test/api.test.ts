/**
 * The JSON API's behaviour: search, sort and paging; plan changes that cannot drop a client from
 * billing; features and overrides; the bulk read; settings; the OpenAPI document.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { bearer, startCodex, type CodexHarness } from './harness.js';
import { addAsset, addCompany, addContact, addPlan, addTicket } from './fixtures.js';
import { auditEvents, tickets } from '../src/db/schema.js';

interface CompanyPage {
  items: {
    account_number: string;
    name: string;
    plan_name: string | null;
    support_level: string | null;
    contract_end: string | null;
  }[];
  total: number;
}

describe('codex API', () => {
  let t: CodexHarness;
  let admin: string;
  before(async () => {
    t = await startCodex();
    admin = await t.token('admin', { sub: 'admin-1', name: 'Ada' });
    await addPlan(t.db, 'Basic', 'Month to Month', {
      supportLevel: 'Billed Hourly',
      features: { antivirus: 'Included' },
    });
    await addPlan(t.db, 'Basic', '1 Year', { supportLevel: 'Unlimited' });
    for (let i = 1; i <= 25; i += 1) {
      const id = await addCompany(t.db, {
        accountNumber: `ACC-${String(i).padStart(3, '0')}`,
        name: `Company ${String.fromCharCode(96 + ((i * 7) % 26) + 1)} ${i}`,
        planName: i % 2 === 0 ? 'Basic' : null,
      });
      await addAsset(t.db, { companyId: id, hostname: `HOST-${i}-WS`, derived: 'workstation', online: i % 3 === 0 });
      await addAsset(t.db, { companyId: id, hostname: `HOST-${i}-SRV`, derived: 'server' });
    }
    await addCompany(t.db, { accountNumber: 'OLD-1', name: 'Company archived', archived: true });
  });
  after(() => t.close());
  const get = async <T>(url: string, token = admin): Promise<T> => {
    const res = await t.app.inject({ url, headers: bearer(token) });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return JSON.parse(res.body) as T;
  };

  it('searches, sorts and pages companies, hiding archived ones unless asked', async () => {
    const first = await get<CompanyPage>('/api/companies?per_page=10&sort=account_number');
    assert.equal(first.total, 25);
    assert.equal(first.items.length, 10);
    assert.equal(first.items[0]?.account_number, 'ACC-001');
    const third = await get<CompanyPage>('/api/companies?per_page=10&page=3&sort=account_number&dir=desc');
    assert.deepEqual(
      third.items.map((company) => company.account_number),
      ['ACC-005', 'ACC-004', 'ACC-003', 'ACC-002', 'ACC-001'],
    );
    const search = await get<CompanyPage>('/api/companies?q=acc-01');
    assert.equal(search.total, 10, 'account numbers ACC-010..019, case-insensitively');
    const percent = await get<CompanyPage>('/api/companies?q=%25');
    assert.equal(percent.total, 0, 'a % in the search is a literal');
    const archived = await get<CompanyPage>('/api/companies?archived=archived');
    assert.deepEqual(
      archived.items.map((company) => company.account_number),
      ['OLD-1'],
    );
    const even = await get<CompanyPage>('/api/companies?q=ACC-002');
    assert.equal(even.items[0]?.support_level, 'Billed Hourly', 'no term means month-to-month pricing');
  });

  it('refuses a plan that does not exist for the term, normalises terms, and audits the change', async () => {
    const put = (body: object) =>
      t.app.inject({ method: 'PUT', url: '/api/companies/ACC-001/plan', headers: bearer(admin), payload: body });
    const missing = await put({ plan_name: 'Basic', contract_term: '2 Year', contract_start: null });
    assert.equal(missing.statusCode, 422);
    assert.equal((JSON.parse(missing.body) as { code: string }).code, 'unprocessable_entity');
    const bad = await put({ plan_name: 'Basic', contract_term: 'forever', contract_start: null });
    assert.equal(bad.statusCode, 400);
    const ok = await put({ plan_name: 'Basic', contract_term: '1-Year', contract_start: '2024-02-29' });
    assert.equal(ok.statusCode, 200, ok.body);
    const company = JSON.parse(ok.body) as { contract_term: string; contract_end: string; support_level: string };
    assert.deepEqual(
      [company.contract_term, company.contract_end, company.support_level],
      ['1 Year', '2025-02-28', 'Unlimited'],
    );
    const audit = await t.db.select().from(auditEvents);
    const change = audit.find((event) => event.action === 'company.plan');
    assert.equal(change?.actorSub, 'admin-1');
    assert.deepEqual((change?.detail as { after: { plan_name: string } }).after.plan_name, 'Basic');
  });

  it('overrides features per company and validates them against the catalogue', async () => {
    const features = await t.app.inject({
      method: 'PUT',
      url: '/api/companies/ACC-002/features',
      headers: bearer(admin),
      payload: { overrides: { soc: 'Included', antivirus: null } },
    });
    assert.equal(features.statusCode, 200, features.body);
    const list = JSON.parse(features.body) as { key: string; value: string; source: string }[];
    assert.deepEqual(
      list.find((feature) => feature.key === 'antivirus'),
      {
        key: 'antivirus',
        display_name: 'Antivirus',
        plan_value: 'Included',
        override: null,
        value: 'Included',
        source: 'plan',
      },
    );
    assert.equal(list.find((feature) => feature.key === 'soc')?.source, 'override');
    const invalid = await t.app.inject({
      method: 'PUT',
      url: '/api/companies/ACC-002/features',
      headers: bearer(admin),
      payload: { overrides: { soc: 'Sort of', teleport: 'Included' } },
    });
    assert.equal(invalid.statusCode, 400);
    assert.equal((JSON.parse(invalid.body) as { errors: unknown[] }).errors.length, 2);
  });

  it('filters assets by billing type, online state and company, and searches hostnames', async () => {
    const servers = await get<{ total: number }>('/api/assets?billing_type=server');
    assert.equal(servers.total, 25);
    const online = await get<{ total: number }>('/api/assets?online=true&billing_type=workstation');
    assert.equal(online.total, 8);
    const company = await get<{ items: { hostname: string; billing_type: string }[] }>('/api/assets?company=ACC-007');
    assert.deepEqual(
      company.items.map((asset) => asset.hostname),
      ['HOST-7-SRV', 'HOST-7-WS'],
    );
    const search = await get<{ total: number }>('/api/assets?q=-1-');
    assert.equal(search.total, 2);
  });

  it('serves everything billing needs in one bulk read, a page at a time', async () => {
    const id = await addCompany(t.db, { accountNumber: 'AAA-BULK', name: 'Bulk Co' });
    await addContact(t.db, { name: 'Inactive Person', email: 'x@bulk.example', companyIds: [id], active: false });
    await addAsset(t.db, { companyId: id, hostname: 'BULK-FW', derived: 'switch', override: 'firewall' });
    const bulk = await get<{
      items: {
        company: { account_number: string };
        assets: { billing_type: string; billing_type_derived: string }[];
        contacts: { active: boolean }[];
      }[];
      total: number;
    }>('/api/companies/bulk?per_page=1', await t.serviceToken('ledger'));
    assert.equal(bulk.total, 26);
    const entry = bulk.items[0];
    assert.equal(entry?.company.account_number, 'AAA-BULK');
    assert.deepEqual(
      entry?.assets.map((asset) => [asset.billing_type, asset.billing_type_derived]),
      [['firewall', 'switch']],
    );
    assert.deepEqual(
      entry?.contacts.map((contact) => contact.active),
      [false],
      'inactive contacts are flagged, not hidden: billing decides',
    );
  });

  it('serves active tickets for a board and the time entries of a month', async () => {
    const company = await addCompany(t.db, { accountNumber: 'TIX-1', name: 'Ticket Co' });
    const open = await addTicket(t.db, {
      companyId: company,
      externalId: '900',
      subject: 'Open one',
      priority: 'urgent',
    });
    await t.db.update(tickets).set({ descriptionText: 'The printer is <b>on fire</b>' }).where(eq(tickets.id, open));
    await addTicket(t.db, { companyId: company, externalId: '901', subject: 'Closed one', status: 'closed' });
    const board = await get<{ tickets: { subject: string; account_number: string }[]; total: number }>(
      '/api/tickets/active',
      await t.serviceToken('beacon'),
    );
    assert.deepEqual(
      board.tickets.map((ticket) => [ticket.subject, ticket.account_number]),
      [['Open one', 'TIX-1']],
    );
    const detail = await get<{ ticket: { subject: string; description_text: string | null } }>(
      `/api/tickets/${open}`,
      await t.serviceToken('beacon'),
    );
    assert.deepEqual(
      [detail.ticket.subject, detail.ticket.description_text],
      ['Open one', 'The printer is <b>on fire</b>'],
      "the description as text, for the board's panel",
    );
    // An ETag that holds while no ticket is written: a board asking often gets 304s.
    const beacon = await t.serviceToken('beacon');
    const ask = (etag?: string) =>
      t.app.inject({
        url: '/api/tickets/active',
        headers: { ...bearer(beacon), ...(etag === undefined ? {} : { 'if-none-match': etag }) },
      });
    const first = (await ask()).headers.etag as string;
    assert.match(first, /^"[A-Za-z0-9_-]{27}"$/);
    const unchanged = await ask(first);
    assert.equal(unchanged.statusCode, 304);
    assert.equal(unchanged.body, '');
    await t.db
      .update(tickets)
      .set({ subject: 'Open one, edited', syncedAt: new Date('2026-11-26T10:00:00Z') })
      .where(eq(tickets.id, open));
    const changed = await ask(first);
    assert.equal(changed.statusCode, 200);
    assert.notEqual(changed.headers.etag, first);
    await addTicket(t.db, { companyId: company, externalId: '902', subject: 'Another', status: 'closed' });
    assert.equal(
      (await ask(changed.headers.etag as string)).statusCode,
      200,
      'a new ticket, even a closed one, moves it',
    );
    // Only what changed since a moment: active ones in full, closed or archived ones by id.
    const full = JSON.parse(changed.body) as { as_of: string };
    await t.db
      .update(tickets)
      .set({ status: 'closed', syncedAt: new Date(Date.parse(full.as_of) + 60_000) })
      .where(eq(tickets.externalId, '901'));
    await t.db
      .update(tickets)
      .set({ subject: 'Open one, again', syncedAt: new Date(Date.parse(full.as_of) + 60_000) })
      .where(eq(tickets.id, open));
    const delta = JSON.parse(
      (
        await t.app.inject({
          url: `/api/tickets/active?changed_since=${encodeURIComponent(full.as_of)}`,
          headers: bearer(beacon),
        })
      ).body,
    ) as { tickets: { subject: string }[]; removed: number[]; changes_since: string };
    assert.deepEqual(
      delta.tickets.map((ticket) => ticket.subject),
      ['Open one, again'],
    );
    assert.equal(delta.removed.length, 2, 'the ticket closed since, and the closed one added since');
    assert.equal(delta.changes_since, full.as_of);
    const client = await t.app.inject({
      url: '/api/tickets/active',
      headers: { ...bearer(await t.token('client')), 'if-none-match': changed.headers.etag as string },
    });
    assert.equal(client.statusCode, 200, "the tag depends on the caller's scope");
    const bad = await t.app.inject({ url: '/api/tickets/time-entries?month=2026-13', headers: bearer(admin) });
    assert.equal(bad.statusCode, 400);
  });

  it('keeps per-user settings by sub and shows them to nexus', async () => {
    const user = await t.token('technician', { sub: 'user-42' });
    assert.deepEqual(await get('/api/my/settings', user), {
      theme: 'light',
      accent: 'purple',
      home_page: 'home',
      source: 'default',
    });
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/my/settings',
      headers: bearer(user),
      payload: { theme: 'dark', home_page: 'codex' },
    });
    assert.equal(put.statusCode, 200, put.body);
    const seen = await get<{ theme: string; home_page: string; accent: string }>(
      '/api/users/user-42/settings',
      await t.serviceToken('nexus'),
    );
    assert.deepEqual([seen.theme, seen.home_page, seen.accent], ['dark', 'codex', 'purple']);
    const wrong = await t.app.inject({
      method: 'PUT',
      url: '/api/my/settings',
      headers: bearer(user),
      payload: { accent: 'chartreuse' },
    });
    assert.equal(wrong.statusCode, 400);
  });

  it('documents every API route in OpenAPI, with its access rule', async () => {
    const doc = await get<{
      openapi: string;
      paths: Record<string, Record<string, { summary: string; description?: string }>>;
    }>('/docs/openapi.json');
    assert.equal(doc.openapi, '3.1.0');
    for (const path of [
      '/api/companies',
      '/api/companies/{account}/plan',
      '/api/assets',
      '/api/tickets/time-entries',
      '/api/my/settings',
      '/api/users/{sub}/settings',
      '/api/billing-plans/import',
      '/api/sync/{job}',
    ]) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.match(doc.paths['/api/companies/bulk']?.get?.description ?? '', /ledger/);
  });

  it('exports the plan catalogue as CSV and imports it back (round trip), updating existing rows', async () => {
    const exported = await t.app.inject({ url: '/api/billing-plans/export.csv', headers: bearer(admin) });
    assert.equal(exported.statusCode, 200);
    assert.match(String(exported.headers['content-type']), /^text\/csv/);
    const before = await get<unknown[]>('/api/billing-plans');
    const same = await t.app.inject({
      method: 'POST',
      url: '/api/billing-plans/import',
      headers: { ...bearer(admin), 'content-type': 'text/csv' },
      payload: exported.body,
    });
    assert.equal(same.statusCode, 200, same.body);
    assert.equal((JSON.parse(same.body) as { created: number }).created, 0);
    const after = await get<{ updated_at: string }[]>('/api/billing-plans');
    assert.deepEqual(
      after.map(({ updated_at: _u, ...plan }) => plan),
      (before as { updated_at: string }[]).map(({ updated_at: _u, ...plan }) => plan),
      'the same file changes nothing',
    );
    const changed =
      exported.body.replace(/^(Basic,1 Year,Unlimited,)50\.00/m, '$1123.45') +
      'Pro,2 Year,Billed Hourly,60,70,140,90,20,45,95,15,30,12,1.5,Included\r\n';
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/billing-plans/import',
      headers: { ...bearer(admin), 'content-type': 'text/csv' },
      payload: changed,
    });
    assert.equal(imported.statusCode, 200, imported.body);
    assert.deepEqual(JSON.parse(imported.body), { created: 1, updated: 2 });
    const basic = await get<{ prices_cents: { per_user: number } }>(
      '/api/billing-plans/lookup?plan_name=Basic&term=1-year',
    );
    assert.equal(basic.prices_cents.per_user, 12345);
    const pro = await get<{
      prices_cents: { per_server: number };
      backup_included_tb: number;
      features: Record<string, string>;
    }>('/api/billing-plans/lookup?plan_name=Pro&term=2%20Year');
    assert.deepEqual(
      [pro.prices_cents.per_server, pro.backup_included_tb, pro.features.antivirus],
      [14000, 1.5, 'Included'],
    );
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/billing-plans/import',
      headers: { ...bearer(admin), 'content-type': 'text/csv' },
      payload: changed.replace('123.45', 'lots'),
    });
    assert.equal(broken.statusCode, 400);
    assert.equal(
      (await get<{ prices_cents: { per_user: number } }>('/api/billing-plans/lookup?plan_name=Basic&term=1 Year'))
        .prices_cents.per_user,
      12345,
      'a bad file changes nothing',
    );
  });
});
