/**
 * The permission matrix over HTTP: every route group against a client of one company, a
 * technician, billing, an admin, each service named for it, and a service that is not.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, startCodex, type CodexHarness } from './harness.js';
import { addAsset, addCompany, addContact, addConversation, addPlan, addTicket, addTimeEntry } from './fixtures.js';
import { secrets } from '../src/db/schema.js';
import { sealSecret, secretContext } from '../src/domain/secret-box.js';

type Who = 'client' | 'technician' | 'billing' | 'admin' | `svc:${string}`;

interface Case {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  body?: unknown;
  /** Expected status per caller; callers not listed must get 403. */
  allowed: Partial<Record<Who, number>>;
}

describe('permission matrix over HTTP', () => {
  let t: CodexHarness;
  let tokens: Record<string, string>;
  let assetId = 0;
  let otherAssetId = 0;
  let secretId = 0;
  let ticketId = 0;
  let otherTicketId = 0;

  before(async () => {
    t = await startCodex();
    await addPlan(t.db, 'Basic', 'Month to Month');
    const own = await addCompany(t.db, { accountNumber: 'OWN-1', name: 'Own Co' });
    const other = await addCompany(t.db, { accountNumber: 'OTHER-1', name: 'Other Co' });
    await addContact(t.db, { name: 'Client Person', email: 'client@own.example', companyIds: [own] });
    await addContact(t.db, { name: 'Someone Else', email: 'someone@other.example', companyIds: [other] });
    assetId = await addAsset(t.db, { companyId: own, hostname: 'OWN-WS1' });
    otherAssetId = await addAsset(t.db, { companyId: other, hostname: 'OTHER-WS1' });
    ticketId = await addTicket(t.db, { companyId: own, externalId: '1', subject: 'own ticket' });
    otherTicketId = await addTicket(t.db, { companyId: other, externalId: '2', subject: 'other ticket' });
    const key = Buffer.from(t.config.CODEX_SECRET_KEY ?? Buffer.alloc(32));
    const [row] = await t.db
      .insert(secrets)
      .values({
        assetId,
        kind: 'bitlocker_key',
        ...sealSecret(key, 'KEY-123', secretContext(assetId, 'bitlocker_key')),
      })
      .returning({ id: secrets.id });
    secretId = row?.id ?? 0;
    tokens = {
      client: await t.token('client', { email: 'Client@Own.example', sub: 'client-sub' }),
      technician: await t.token('technician', { sub: 'tech-sub' }),
      billing: await t.token('billing', { sub: 'billing-sub' }),
      admin: await t.token('admin', { sub: 'admin-sub' }),
    };
    for (const service of ['ledger', 'beacon', 'brainhair', 'helm', 'knowledgetree', 'nexus', 'template'])
      tokens[`svc:${service}`] = await t.serviceToken(service);
  });
  after(() => t.close());

  const callers: Who[] = [
    'client',
    'technician',
    'billing',
    'admin',
    'svc:ledger',
    'svc:beacon',
    'svc:brainhair',
    'svc:helm',
    'svc:knowledgetree',
    'svc:nexus',
    'svc:template',
  ];
  const staff = { technician: 200, billing: 200, admin: 200 } as const;

  const cases = (): Case[] => [
    {
      url: '/api/companies',
      allowed: {
        client: 200,
        ...staff,
        'svc:ledger': 200,
        'svc:beacon': 200,
        'svc:brainhair': 200,
        'svc:helm': 200,
        'svc:knowledgetree': 200,
      },
    },
    {
      url: '/api/companies/OWN-1',
      allowed: {
        client: 200,
        ...staff,
        'svc:ledger': 200,
        'svc:beacon': 200,
        'svc:brainhair': 200,
        'svc:helm': 200,
        'svc:knowledgetree': 200,
      },
    },
    {
      url: '/api/companies/OTHER-1',
      allowed: {
        client: 404,
        ...staff,
        'svc:ledger': 200,
        'svc:beacon': 200,
        'svc:brainhair': 200,
        'svc:helm': 200,
        'svc:knowledgetree': 200,
      },
    },
    { url: '/api/companies/bulk', allowed: { ...staff, 'svc:ledger': 200 } },
    {
      method: 'PATCH',
      url: '/api/companies/OWN-1',
      body: { compliance_level: 'hipaa' },
      allowed: { technician: 200, admin: 200 },
    },
    {
      method: 'PUT',
      url: '/api/companies/OWN-1/plan',
      body: { plan_name: 'Basic', contract_term: null, contract_start: null },
      allowed: { billing: 200, admin: 200 },
    },
    {
      method: 'PUT',
      url: '/api/companies/OWN-1/features',
      body: { overrides: { soc: 'Included' } },
      allowed: { billing: 200, admin: 200 },
    },
    {
      url: '/api/assets',
      allowed: {
        client: 200,
        ...staff,
        'svc:ledger': 200,
        'svc:brainhair': 200,
        'svc:beacon': 200,
        'svc:knowledgetree': 200,
      },
    },
    {
      url: `/api/assets/${assetId}`,
      allowed: {
        client: 200,
        ...staff,
        'svc:ledger': 200,
        'svc:brainhair': 200,
        'svc:beacon': 200,
        'svc:knowledgetree': 200,
      },
    },
    {
      url: `/api/assets/${otherAssetId}`,
      allowed: {
        client: 404,
        ...staff,
        'svc:ledger': 200,
        'svc:brainhair': 200,
        'svc:beacon': 200,
        'svc:knowledgetree': 200,
      },
    },
    {
      method: 'PUT',
      url: `/api/assets/${assetId}/billing-type`,
      body: { override: 'server' },
      allowed: { billing: 200, admin: 200 },
    },
    { method: 'POST', url: `/api/assets/${assetId}/secrets/${secretId}/reveal`, allowed: { admin: 200 } },
    {
      url: '/api/contacts',
      allowed: {
        client: 200,
        ...staff,
        'svc:ledger': 200,
        'svc:brainhair': 200,
        'svc:beacon': 200,
        'svc:knowledgetree': 200,
      },
    },
    { url: '/api/billing-plans', allowed: { ...staff, 'svc:ledger': 200, 'svc:brainhair': 200 } },
    {
      method: 'POST',
      url: '/api/billing-plans',
      body: (who: Who) => ({ plan_name: `Plan for ${who}` }),
      allowed: { billing: 201, admin: 201 },
    },
    { url: '/api/features', allowed: { ...staff, 'svc:ledger': 200, 'svc:brainhair': 200 } },
    {
      url: '/api/tickets',
      allowed: {
        client: 200,
        ...staff,
        'svc:ledger': 200,
        'svc:beacon': 200,
        'svc:brainhair': 200,
        'svc:knowledgetree': 200,
      },
    },
    {
      url: `/api/tickets/${ticketId}`,
      allowed: {
        client: 200,
        ...staff,
        'svc:ledger': 200,
        'svc:beacon': 200,
        'svc:brainhair': 200,
        'svc:knowledgetree': 200,
      },
    },
    {
      url: `/api/tickets/${otherTicketId}`,
      allowed: {
        client: 404,
        ...staff,
        'svc:ledger': 200,
        'svc:beacon': 200,
        'svc:brainhair': 200,
        'svc:knowledgetree': 200,
      },
    },
    { url: '/api/tickets/active', allowed: { client: 200, ...staff, 'svc:beacon': 200, 'svc:brainhair': 200 } },
    { url: '/api/tickets/time-entries?month=2026-11', allowed: { ...staff, 'svc:ledger': 200 } },
    { url: '/api/tickets/time-entries/totals?month=2026-11', allowed: { ...staff, 'svc:ledger': 200 } },
    { url: '/api/psa/agents', allowed: { ...staff, 'svc:beacon': 200, 'svc:ledger': 200 } },
    { url: '/api/my/settings', allowed: { client: 200, ...staff } },
    { url: '/api/users/client-sub/settings', allowed: { client: 200, admin: 200, 'svc:nexus': 200 } },
    { url: '/api/sync/runs', allowed: { ...staff, 'svc:helm': 200, 'svc:beacon': 200 } },
    { method: 'PUT', url: '/api/sync/schedules/datto', body: { paused: true }, allowed: { admin: 200 } },
    { url: '/billing-plans', allowed: { ...staff } },
    { url: '/admin', allowed: { ...staff } },
    { url: '/companies', allowed: { client: 200, ...staff } },
    { url: '/settings', allowed: { client: 200, ...staff } },
  ];

  it('answers every caller as the matrix says', async () => {
    const failures: string[] = [];
    for (const entry of cases()) {
      for (const who of callers) {
        const expected = entry.allowed[who] ?? 403;
        const res = await t.app.inject({
          method: entry.method ?? 'GET',
          url: entry.url,
          headers: bearer(tokens[who] ?? ''),
          ...(entry.body === undefined
            ? {}
            : {
                payload: (typeof entry.body === 'function'
                  ? (entry.body as (who: Who) => unknown)(who)
                  : entry.body) as object,
              }),
        });
        if (res.statusCode !== expected)
          failures.push(
            `${entry.method ?? 'GET'} ${entry.url} as ${who}: ${res.statusCode}, expected ${expected} ${res.body.slice(0, 120)}`,
          );
        if (expected === 403 && res.statusCode === 403) {
          const code = (JSON.parse(res.body) as { code: string }).code;
          const acceptable = who.startsWith('svc:') ? ['service_not_allowed', 'users_only'] : ['forbidden'];
          if (!acceptable.includes(code)) failures.push(`${entry.url} as ${who}: code ${code}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  it('shows a client only its own companies, assets and tickets, and never private notes or time', async () => {
    const companies = JSON.parse(
      (await t.app.inject({ url: '/api/companies', headers: bearer(tokens.client ?? '') })).body,
    ) as { items: { account_number: string }[] };
    assert.deepEqual(
      companies.items.map((company) => company.account_number),
      ['OWN-1'],
    );
    const assets = JSON.parse(
      (await t.app.inject({ url: '/api/assets', headers: bearer(tokens.client ?? '') })).body,
    ) as { items: { hostname: string }[] };
    assert.deepEqual(
      assets.items.map((asset) => asset.hostname),
      ['OWN-WS1'],
    );
    const search = JSON.parse(
      (await t.app.inject({ url: '/api/assets?company=OTHER-1', headers: bearer(tokens.client ?? '') })).body,
    ) as { total: number };
    assert.equal(search.total, 0, 'filtering by another company finds nothing');
    const detail = JSON.parse(
      (await t.app.inject({ url: `/api/assets/${assetId}`, headers: bearer(tokens.client ?? '') })).body,
    ) as { secrets: unknown[] };
    assert.deepEqual(detail.secrets, [], 'a client does not learn which secrets exist');
    await addConversation(t.db, ticketId, 'c-public', 'We are on it');
    await addConversation(t.db, ticketId, 'c-private', 'Client is difficult', true);
    await addTimeEntry(t.db, ticketId, { externalId: 'te-1', entryDate: '2026-11-02', minutes: 30 });
    const ticket = JSON.parse(
      (await t.app.inject({ url: `/api/tickets/${ticketId}`, headers: bearer(tokens.client ?? '') })).body,
    ) as { conversations: { body_text: string }[]; time_entries: unknown[] };
    assert.deepEqual(
      ticket.conversations.map((entry) => entry.body_text),
      ['We are on it'],
    );
    assert.deepEqual(ticket.time_entries, []);
    const staffView = JSON.parse(
      (await t.app.inject({ url: `/api/tickets/${ticketId}`, headers: bearer(tokens.technician ?? '') })).body,
    ) as { conversations: unknown[]; time_entries: unknown[] };
    assert.deepEqual([staffView.conversations.length, staffView.time_entries.length], [2, 1]);
    const home = await t.app.inject({ url: '/', headers: bearer(tokens.client ?? '') });
    assert.equal(home.statusCode, 302, 'a client has no platform dashboard');
    assert.equal(home.headers.location, '/companies/OWN-1');
    const page = await t.app.inject({ url: '/companies/OTHER-1', headers: bearer(tokens.client ?? '') });
    assert.equal(page.statusCode, 404);
    const stranger = await t.token('client', { email: 'nobody@nowhere.example' });
    const none = JSON.parse((await t.app.inject({ url: '/api/companies', headers: bearer(stranger) })).body) as {
      total: number;
    };
    assert.equal(none.total, 0, 'a client matching no contact sees no company');
  });

  it('keeps users apart in /api/users/:sub/settings', async () => {
    const other = await t.app.inject({
      url: '/api/users/someone-else/settings',
      headers: bearer(tokens.technician ?? ''),
    });
    assert.equal(other.statusCode, 403);
    const nexus = await t.app.inject({ url: '/api/my/settings', headers: bearer(tokens['svc:nexus'] ?? '') });
    assert.equal(
      (JSON.parse(nexus.body) as { code: string }).code,
      'users_only',
      "nexus writes a user's settings only with the user's token",
    );
  });

  it('answers without a token with 401 for APIs and a login redirect for pages', async () => {
    assert.equal((await t.app.inject({ url: '/api/companies' })).statusCode, 401);
    const page = await t.app.inject({
      url: '/companies?q=x',
      headers: { 'x-forwarded-prefix': '/codex' },
      remoteAddress: '127.0.0.1',
    });
    assert.equal(page.statusCode, 302);
    assert.equal(page.headers.location, `/login?next=${encodeURIComponent('/codex/companies?q=x')}`);
  });
});
