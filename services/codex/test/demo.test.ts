/**
 * The demo MSP: loading gives every page something (companies with contacts, assets of every
 * billing type with backup usage, plans, months of tickets with conversations and dated time
 * entries, this month's included); loading again leaves one demo; removing it takes exactly the
 * demo rows and leaves a real company, its people, devices, tickets, time and plan untouched; a
 * demo company a real sync has linked is kept; only admins, same-origin; the codex CLI entry
 * that `npx hivematrix demo` runs does the same.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { assets, billingPlans, companies, companyLinks, contacts, tickets, timeEntries } from '../src/db/schema.js';
import { BILLING_TYPES } from '../src/domain/billing-type.js';
import { addAsset, addCompany, addContact, addPlan, addTicket, addTimeEntry } from './fixtures.js';
import { bearer, startCodex, type CodexHarness } from './harness.js';

const execFileAsync = promisify(execFile);
const ORIGIN = 'https://hive.example.test';

describe('demo data', () => {
  let t: CodexHarness;
  let admin: string;
  let real: number;
  const api = (method: 'GET' | 'POST' | 'DELETE', token = admin, headers: Record<string, string> = {}) =>
    t.app.inject({
      method,
      url: '/api/demo',
      headers: { ...bearer(token), origin: ORIGIN, accept: 'application/json', ...headers },
    });
  const count = async (
    table: 'companies' | 'contacts' | 'assets' | 'tickets' | 'time_entries' | 'billing_plans' | 'ticket_conversations',
  ) => (await t.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n ?? 0;

  before(async () => {
    t = await startCodex();
    admin = await t.token('admin');
    // A real client, as a sync or a person would have made it.
    await addPlan(t.db, 'Real Plan', 'Month to Month');
    real = await addCompany(t.db, {
      accountNumber: 'REAL-1',
      name: 'Real Client',
      planName: 'Real Plan',
      contractTerm: 'Month to Month',
    });
    await t.db.insert(companyLinks).values({ companyId: real, provider: 'freshservice', externalId: '9001' });
    await addContact(t.db, { name: 'Real Person', email: 'person@real.example', companyIds: [real] });
    await addAsset(t.db, { companyId: real, hostname: 'REAL-WS01' });
    const ticket = await addTicket(t.db, { companyId: real, externalId: '1', subject: 'Real ticket' });
    await addTimeEntry(t.db, ticket, { externalId: 'real-time-1', entryDate: '2026-11-03', minutes: 30 });
  });
  after(async () => t.close());

  it('does not offer the demo once codex holds real data, nor to non-admins', async () => {
    const html = (await t.app.inject({ url: '/', headers: bearer(admin) })).body;
    assert.doesNotMatch(html, /Load demo data|Remove demo data/);
    const tech = (await t.app.inject({ url: '/', headers: bearer(await t.token('technician')) })).body;
    assert.doesNotMatch(tech, /Load demo data/);
  });

  it('loads companies, contacts, assets of every billing type with backup, plans and months of tickets with time', async () => {
    const loaded = await api('POST');
    assert.equal(loaded.statusCode, 200, loaded.body);
    const counts = JSON.parse(loaded.body) as Record<string, number>;
    assert.equal(counts.companies, 6);
    assert.equal(counts.plans, 12, 'three plans in four terms');
    assert.ok(
      (counts.contacts ?? 0) >= 18 && (counts.tickets ?? 0) >= 48 && (counts.timeEntries ?? 0) > (counts.tickets ?? 0),
    );

    const demoAssets = await t.db
      .select({ type: assets.billingType, backup: assets.backupUsageBytes })
      .from(assets)
      .where(sql`${assets.hostname} LIKE 'D10%'`);
    assert.deepEqual(
      [...new Set(demoAssets.map((row) => row.type))].sort(),
      [...BILLING_TYPES].sort(),
      'every billing type',
    );
    assert.ok(
      demoAssets.some((row) => row.type === 'server' && (row.backup ?? 0) > 0),
      'servers with backup usage',
    );

    const months = await t.db
      .selectDistinct({ month: sql<string>`to_char(${timeEntries.entryDate}::date, 'YYYY-MM')` })
      .from(timeEntries)
      .where(eq(timeEntries.provider, 'demo'));
    assert.ok(months.length >= 4, `time over several months: ${months.map((row) => row.month).join(', ')}`);
    assert.ok(
      months.some((row) => row.month === '2026-11'),
      'this month has hours to bill',
    );
    assert.ok((await count('ticket_conversations')) > 0);

    // The month's time is what ledger bills: the demo companies are in it.
    const month = await t.app.inject({ url: '/api/tickets/time-entries?month=2026-11', headers: bearer(admin) });
    assert.equal(month.statusCode, 200);
    assert.match(month.body, /DEMO-100\d/);
    // Ledger's read of the month: every demo client with devices and people, this month's hours, the plans.
    const billing = await t.app.inject({
      method: 'POST',
      url: '/api/billing/month',
      payload: { month: '2026-11' },
      headers: bearer(await t.serviceToken('ledger')),
    });
    assert.equal(billing.statusCode, 200, billing.body);
    const answer = JSON.parse(billing.body) as {
      companies: { company: { account_number: string }; assets: unknown[]; contacts: unknown[]; entries: unknown[] }[];
      plans: { plan_name: string }[];
    };
    const demoItems = answer.companies.filter((item) => item.company.account_number.startsWith('DEMO-'));
    assert.equal(demoItems.length, 6);
    assert.ok(demoItems.every((item) => item.assets.length > 0 && item.contacts.length > 0));
    assert.ok(demoItems.filter((item) => item.entries.length > 0).length >= 3, 'most clients have hours this month');
    assert.ok(answer.plans.some((plan) => plan.plan_name === 'Demo Complete'));
    // Every list page has rows.
    for (const url of ['/companies', '/contacts', '/assets', '/tickets', '/billing-plans', '/companies/DEMO-1001']) {
      const page = await t.app.inject({ url, headers: bearer(admin) });
      assert.equal(page.statusCode, 200, url);
      assert.match(page.body, /DEMO-100|D1001|Demo (Essentials|Complete|Premier)|Northwind Dental|INC-/, url);
    }
    assert.match((await t.app.inject({ url: '/', headers: bearer(admin) })).body, /Remove demo data/);
  });

  it('loading again leaves one demo', async () => {
    const before = {
      companies: await count('companies'),
      assets: await count('assets'),
      tickets: await count('tickets'),
      plans: await count('billing_plans'),
    };
    assert.equal((await api('POST')).statusCode, 200);
    assert.deepEqual(
      {
        companies: await count('companies'),
        assets: await count('assets'),
        tickets: await count('tickets'),
        plans: await count('billing_plans'),
      },
      before,
    );
    assert.equal(before.companies, 7);
  });

  it('is for admins only and refuses cross-site requests', async () => {
    assert.equal((await api('POST', await t.token('technician'))).statusCode, 403);
    assert.equal((await api('DELETE', await t.token('billing'))).statusCode, 403);
    const evil = await api('DELETE', admin, { origin: 'https://evil.example' });
    assert.equal(evil.statusCode, 403);
    assert.equal((JSON.parse(evil.body) as { code: string }).code, 'csrf_rejected');
  });

  it('removal takes exactly the demo away; a real company and a demo company a sync adopted stay', async () => {
    // A real sync found DEMO-1003 in the PSA and linked it: it is real now.
    const [adopted] = await t.db
      .select({ id: companies.id })
      .from(companies)
      .where(eq(companies.accountNumber, 'DEMO-1003'));
    assert.ok(adopted !== undefined);
    await t.db.insert(companyLinks).values({ companyId: adopted.id, provider: 'freshservice', externalId: '9003' });

    const removed = await api('DELETE');
    assert.equal(removed.statusCode, 200, removed.body);
    const body = JSON.parse(removed.body) as { companies: number; kept: string[]; plans: number };
    assert.equal(body.companies, 5);
    assert.deepEqual(body.kept, ['DEMO-1003']);
    // The adopted company's plan rows stay (still marked: a later removal takes them once unused).
    assert.deepEqual(JSON.parse((await api('GET')).body), {
      companies: 0,
      contacts: 0,
      assets: 0,
      tickets: 0,
      timeEntries: 0,
      plans: 4,
    });

    const left = await t.db
      .select({ account: companies.accountNumber, plan: companies.planName })
      .from(companies)
      .orderBy(companies.accountNumber);
    assert.deepEqual(
      left.map((row) => row.account),
      ['DEMO-1003', 'REAL-1'],
    );
    // The real client's records are all there.
    assert.deepEqual(
      (await t.db.select({ email: contacts.email }).from(contacts)).map((row) => row.email),
      ['person@real.example'],
    );
    assert.deepEqual(
      (await t.db.select({ hostname: assets.hostname }).from(assets)).map((row) => row.hostname),
      ['REAL-WS01'],
    );
    assert.deepEqual(
      (await t.db.select({ subject: tickets.subject }).from(tickets)).map((row) => row.subject),
      ['Real ticket'],
    );
    assert.deepEqual(
      (await t.db.select({ minutes: timeEntries.minutes }).from(timeEntries)).map((row) => row.minutes),
      [30],
    );
    // Real Plan stays; of the demo plans only the adopted company's stays.
    const plans = await t.db
      .selectDistinct({ name: billingPlans.planName })
      .from(billingPlans)
      .orderBy(billingPlans.planName);
    assert.deepEqual(
      plans.map((row) => row.name),
      ['Demo Essentials', 'Real Plan'],
    );
    await t.db.delete(companies).where(eq(companies.id, adopted.id));
  });

  it('refuses to load over a real company holding a demo account number', async () => {
    await addCompany(t.db, { accountNumber: 'DEMO-1001', name: 'A real client numbered like the demo' });
    const refused = await api('POST');
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /DEMO-1001/);
    assert.equal((JSON.parse((await api('GET')).body) as { companies: number }).companies, 0, 'nothing was loaded');
    await t.db.delete(companies).where(eq(companies.accountNumber, 'DEMO-1001'));
  });

  it('the dashboard buttons and the CLI entry load and remove it', async () => {
    const form = { ...bearer(admin), origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' };
    const loaded = await t.app.inject({ method: 'POST', url: '/admin/demo', headers: form, payload: '' });
    assert.equal(loaded.statusCode, 303, loaded.body);
    assert.match(loaded.headers.location ?? '', /done=demo-loaded/);
    const removed = await t.app.inject({ method: 'POST', url: '/admin/demo/remove', headers: form, payload: '' });
    assert.match(removed.headers.location ?? '', /done=demo-removed/);

    const cli = path.resolve(import.meta.dirname, '../src/cli/demo.ts');
    const env = { ...process.env, NODE_TEST_CONTEXT: undefined };
    const run = (args: string[]) =>
      execFileAsync(
        process.execPath,
        ['--import', 'tsx', cli, '--database-url', t.config.DATABASE_URL ?? '', ...args],
        { env, cwd: path.resolve(import.meta.dirname, '..') },
      );
    assert.match((await run([])).stdout, /loaded the demo MSP: 6 companies/);
    assert.equal((JSON.parse((await api('GET')).body) as { companies: number }).companies, 6);
    assert.match((await run(['--remove'])).stdout, /removed the demo: 6 companies/);
    assert.equal(await count('companies'), 1);

    // An empty codex offers the demo and the integrations page to admins.
    await t.db.delete(companies);
    const empty = (await t.app.inject({ url: '/', headers: bearer(admin) })).body;
    assert.match(empty, /Load demo data/);
    assert.match(empty, /Connect integrations/);
  });
  it("the platform home's buttons (return=home) come back to the gateway's home; others and cross-site forms are refused", async () => {
    const form = { ...bearer(admin), origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' };
    const loaded = await t.app.inject({ method: 'POST', url: '/admin/demo', headers: form, payload: 'return=home' });
    assert.equal(loaded.statusCode, 303, loaded.body);
    assert.equal(loaded.headers.location, '/');
    assert.equal((JSON.parse((await api('GET')).body) as { companies: number }).companies, 6);
    const tech = await t.app.inject({
      method: 'POST',
      url: '/admin/demo/remove',
      headers: { ...form, ...bearer(await t.token('technician')) },
      payload: 'return=home',
    });
    assert.equal(tech.statusCode, 403);
    const evil = await t.app.inject({
      method: 'POST',
      url: '/admin/demo/remove',
      headers: { ...form, origin: 'https://evil.example' },
      payload: 'return=home',
    });
    assert.equal(evil.statusCode, 403);
    assert.equal(
      (JSON.parse((await api('GET')).body) as { companies: number }).companies,
      6,
      'neither removed anything',
    );
    const removed = await t.app.inject({
      method: 'POST',
      url: '/admin/demo/remove',
      headers: form,
      payload: 'return=home',
    });
    assert.equal(removed.headers.location, '/');
    assert.equal((JSON.parse((await api('GET')).body) as { companies: number }).companies, 0);
  });
});
