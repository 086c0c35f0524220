/**
 * The pages: every user-supplied field is escaped on every page, links and redirects carry the
 * gateway prefix, forms work and refuse cross-site posts, and form errors show on the page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { bearer, startCodex, TEST_SECRET_KEY, type CodexHarness } from './harness.js';
import {
  addAsset,
  addCompany,
  addContact,
  addConversation,
  addLocation,
  addPlan,
  addTicket,
  addTimeEntry,
} from './fixtures.js';
import { companies, featureOptions, syncRuns } from '../src/db/schema.js';
import { storeSecret } from '../src/db/secrets.js';

const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const ESCAPED = '&lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(2)>';

describe('codex pages', () => {
  let t: CodexHarness;
  let admin: string;
  let ids: { asset: number; contact: number; ticket: number; plan: number; run: number };
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(admin), 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: form(fields),
    });

  before(async () => {
    t = await startCodex();
    admin = await t.token('admin', { name: `Admin ${EVIL}` });
    const plan = await addPlan(t.db, `Plan ${EVIL}`, 'Month to Month', { features: { antivirus: 'Included' } });
    await addPlan(t.db, 'Gold', '1 Year');
    const company = await addCompany(t.db, {
      accountNumber: 'EVIL-1',
      name: `Evil ${EVIL}`,
      description: `Desc ${EVIL}`,
      mainLocation: `Street ${EVIL}`,
      planName: `Plan ${EVIL}`,
    });
    await t.db
      .update(companies)
      .set({ domains: [`${EVIL}.example`], phone: EVIL, emailSystem: EVIL, phoneSystem: EVIL })
      .where(eq(companies.id, company));
    await addLocation(t.db, company, `Branch ${EVIL}`, `Address ${EVIL}`);
    const contact = await addContact(t.db, {
      name: `Person ${EVIL}`,
      email: `${EVIL}@x.example`,
      companyIds: [company],
      jobTitle: EVIL,
    });
    const asset = await addAsset(t.db, {
      companyId: company,
      hostname: `HOST-${EVIL}`,
      rmmDeviceType: EVIL,
      os: EVIL,
      contactIds: [contact],
      udfs: { udf1: EVIL },
    });
    const ticket = await addTicket(t.db, {
      companyId: company,
      externalId: '77',
      subject: `Subject ${EVIL}`,
      requesterName: EVIL,
    });
    await addConversation(t.db, ticket, 'c1', `Body ${EVIL}`);
    await addTimeEntry(t.db, ticket, {
      externalId: 't1',
      entryDate: '2026-11-03',
      minutes: 60,
      agentName: EVIL,
      note: EVIL,
    });
    await t.db.insert(featureOptions).values({ category: 'soc', value: `Option ${EVIL}` });
    const [run] = await t.db
      .insert(syncRuns)
      .values({
        job: 'datto',
        trigger: 'manual',
        requestedBy: EVIL,
        status: 'partial',
        startedAt: new Date(),
        heartbeatAt: new Date(),
        errors: [`Error ${EVIL}`],
        warnings: [`Warning ${EVIL}`],
      })
      .returning({ id: syncRuns.id });
    ids = { asset, contact, ticket, plan, run: run?.id ?? 0 };
  });
  after(() => t.close());

  it('escapes every user-supplied field on every page', async () => {
    const pages = [
      '/',
      '/companies',
      '/companies?q=Evil',
      '/companies/EVIL-1',
      '/contacts',
      `/contacts/${ids.contact}`,
      '/assets',
      `/assets/${ids.asset}`,
      '/tickets',
      `/tickets/${ids.ticket}`,
      '/billing-plans',
      `/billing-plans/${ids.plan}`,
      '/settings',
      '/admin',
      `/admin/runs/${ids.run}`,
      '/docs',
    ];
    for (const url of pages) {
      const res = await t.app.inject({ url, headers: bearer(admin) });
      assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`);
      assert.ok(res.body.startsWith('<!DOCTYPE html>'), url);
      assert.ok(!res.body.includes('<script>alert(1)'), `${url} contains a raw script tag`);
      assert.ok(!res.body.includes('<img src=x'), `${url} contains a raw img tag`);
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
    }
    const detail = await t.app.inject({ url: '/companies/EVIL-1', headers: bearer(admin) });
    for (const expected of [
      `Evil ${ESCAPED}`,
      `Desc ${ESCAPED}`,
      `Street ${ESCAPED}`,
      `Branch ${ESCAPED}`,
      `Person ${ESCAPED}`,
      `HOST-${ESCAPED}`,
      `Subject ${ESCAPED}`,
    ]) {
      assert.ok(detail.body.includes(expected), `company page shows ${expected}`);
    }
    const ticket = await t.app.inject({ url: `/tickets/${ids.ticket}`, headers: bearer(admin) });
    assert.ok(ticket.body.includes(`Body ${ESCAPED}`));
    const run = await t.app.inject({ url: `/admin/runs/${ids.run}`, headers: bearer(admin) });
    assert.ok(run.body.includes(`Error ${ESCAPED}`));
  });

  it('builds links, form actions and redirects under the gateway prefix', async () => {
    const headers = { ...bearer(admin), 'x-forwarded-prefix': '/codex' };
    const page = await t.app.inject({ url: '/companies', headers, remoteAddress: '127.0.0.1' });
    assert.match(page.body, /href="\/codex\/companies\/EVIL-1"/);
    assert.match(page.body, /action="\/codex\/companies"/);
    const detail = await t.app.inject({ url: '/companies/EVIL-1', headers, remoteAddress: '127.0.0.1' });
    assert.match(detail.body, /action="\/codex\/companies\/EVIL-1\/plan"/);
    const saved = await t.app.inject({
      method: 'POST',
      url: '/companies/EVIL-1/plan',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://hive.example.test' },
      remoteAddress: '127.0.0.1',
      payload: form({ plan_name: 'Gold', contract_term: '1 Year', contract_start: '2026-01-01' }),
    });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(saved.headers.location, '/codex/companies/EVIL-1?done=plan-saved');
  });

  it('changes a plan through the form and shows it', async () => {
    const saved = await post('/companies/EVIL-1/plan', {
      plan_name: 'Gold',
      contract_term: '1 Year',
      contract_start: '2026-01-01',
    });
    assert.equal(saved.statusCode, 303);
    const page = await t.app.inject({ url: String(saved.headers.location), headers: bearer(admin) });
    assert.match(page.body, /The plan was saved/);
    assert.match(page.body, /<span id="company-plan">Gold<\/span>/);
    assert.match(page.body, /2026-12-31/, 'contract end computed');
  });

  it('shows a form error on the page instead of saving', async () => {
    const res = await post('/companies/EVIL-1/plan', {
      plan_name: 'Gold',
      contract_term: 'Month to Month',
      contract_start: '',
    });
    assert.equal(res.statusCode, 422);
    assert.match(
      res.body,
      /There is no plan &quot;Gold&quot; for the term Month to Month|There is no plan "Gold" for the term Month to Month/,
    );
    assert.match(res.body, /class="alert alert--error/);
  });

  it('refuses cross-site form posts', async () => {
    const evil = await post('/companies/EVIL-1/plan', { plan_name: '' }, { origin: 'https://evil.example' });
    assert.equal(evil.statusCode, 403);
    assert.equal((JSON.parse(evil.body) as { code: string }).code, 'csrf_rejected');
    const site = await post('/companies/EVIL-1/plan', { plan_name: '' }, { 'sec-fetch-site': 'cross-site' });
    assert.equal(site.statusCode, 403);
    const own = await post(
      '/settings',
      { theme: 'dark', accent: 'gold', home_page: 'codex' },
      { origin: 'http://localhost:80', host: 'localhost:80', 'sec-fetch-site': 'same-origin' },
    );
    assert.equal(own.statusCode, 303, own.body);
  });

  it('edits details, locations, billing types, roles, plans and settings through forms', async () => {
    assert.equal(
      (
        await post('/companies/EVIL-1/details', {
          compliance_level: 'hipaa',
          domains: 'a.example\nb.example',
          phone: '555',
        })
      ).statusCode,
      303,
    );
    assert.equal(
      (await post('/companies/EVIL-1/details', { compliance_level: 'hipaa', domains: 'not a domain!' })).statusCode,
      400,
    );
    assert.equal((await post('/companies/EVIL-1/locations', { name: 'Depot', address: '9 Dock Rd' })).statusCode, 303);
    assert.equal(
      (await post('/companies/EVIL-1/features', { 'feature:soc': 'Included', 'feature:antivirus': '' })).statusCode,
      303,
    );
    assert.equal((await post(`/assets/${ids.asset}/billing-type`, { override: 'server' })).statusCode, 303);
    assert.equal((await post(`/contacts/${ids.contact}/roles`, { roles: 'billing' })).statusCode, 303);
    assert.equal(
      (
        await post(`/billing-plans/${ids.plan}`, {
          support_level: 'Unlimited',
          per_user: '55.5',
          per_workstation: '1',
          per_server: '2',
          per_vm: '3',
          per_switch: '4',
          per_firewall: '5',
          per_hour: '0',
          backup_base_workstation: '0',
          backup_base_server: '0',
          backup_per_tb: '0',
          backup_included_tb: '2',
        })
      ).statusCode,
      303,
    );
    assert.equal((await post('/billing-plans/create', { plan_name: 'Silver' })).statusCode, 303);
    assert.equal((await post('/billing-plans/create', { plan_name: 'Silver' })).statusCode, 409);
    assert.equal((await post('/settings', { theme: 'dark', accent: 'bee', home_page: 'helm' })).statusCode, 303);
    const api = JSON.parse((await t.app.inject({ url: '/api/companies/EVIL-1', headers: bearer(admin) })).body) as {
      company: { compliance_level: string; domains: string[] };
      locations: unknown[];
      features: { key: string; source: string }[];
    };
    assert.equal(api.company.compliance_level, 'hipaa');
    assert.deepEqual(api.company.domains, ['a.example', 'b.example']);
    assert.equal(api.locations.length, 2);
    assert.equal(api.features.find((feature) => feature.key === 'soc')?.source, 'override');
    const asset = JSON.parse(
      (await t.app.inject({ url: `/api/assets/${ids.asset}`, headers: bearer(admin) })).body,
    ) as { asset: { billing_type: string } };
    assert.equal(asset.asset.billing_type, 'server');
    const plan = JSON.parse(
      (await t.app.inject({ url: `/api/billing-plans/${ids.plan}`, headers: bearer(admin) })).body,
    ) as { prices_cents: { per_user: number }; support_level: string };
    assert.deepEqual([plan.prices_cents.per_user, plan.support_level], [5550, 'Unlimited']);
  });

  it('lets only billing and admins see edit forms, and never shows a client the admin pages', async () => {
    const tech = await t.token('technician');
    const page = await t.app.inject({ url: '/companies/EVIL-1', headers: bearer(tech) });
    assert.doesNotMatch(page.body, /Save plan/);
    assert.match(page.body, /Save details/);
    const billing = await t.app.inject({ url: '/companies/EVIL-1', headers: bearer(await t.token('billing')) });
    assert.match(billing.body, /Save plan/);
    assert.doesNotMatch(billing.body, /Save details/);
    const techPost = await t.app.inject({
      method: 'POST',
      url: '/companies/EVIL-1/plan',
      headers: { ...bearer(tech), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'plan_name=',
    });
    assert.equal(techPost.statusCode, 403);
  });

  it('reveals a secret on the asset page for admins only', async () => {
    await storeSecret(
      t.db,
      { current: Buffer.from(TEST_SECRET_KEY, 'hex'), previous: [] },
      ids.asset,
      'windows_key',
      `KEY-${EVIL}`,
      new Date(),
    );
    const asset = await t.app.inject({ url: `/assets/${ids.asset}`, headers: bearer(admin) });
    const action = /action="(\/assets\/\d+\/secrets\/\d+\/reveal)"/.exec(asset.body)?.[1];
    assert.ok(action, 'an admin sees a reveal button');
    assert.ok(!asset.body.includes('KEY-'), 'the value is not on the page until revealed');
    const revealed = await post(action, {});
    assert.equal(revealed.statusCode, 200);
    assert.ok(revealed.body.includes(`KEY-${ESCAPED}`), 'shown, escaped');
    const tech = await t.app.inject({ url: `/assets/${ids.asset}`, headers: bearer(await t.token('technician')) });
    assert.ok(!/secrets\/\d+\/reveal/.test(tech.body), 'a technician sees the secret exists but has no reveal button');
    const techPost = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { ...bearer(await t.token('technician')), 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    assert.equal(techPost.statusCode, 403);
    assert.equal((await t.app.inject({ url: '/no/such/page', headers: bearer(admin) })).statusCode, 404);
    assert.equal((await t.app.inject({ url: '/assets/not-a-number', headers: bearer(admin) })).statusCode, 404);
  });
});
