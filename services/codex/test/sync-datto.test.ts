/**
 * The Datto RMM adapter against a fake Datto on port 0: OAuth, sites linked by their AccountNumber
 * variable, devices paged by nextPageUrl, billing types derived, secrets encrypted, a device
 * renamed between two runs keeping its identity and override, 429s, failures and foreign links.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { assets, auditEvents, secrets } from '../src/db/schema.js';
import { findRun } from '../src/db/sync-runs.js';
import { startFakeDatto, DATTO_KEY, DATTO_SECRET, type DattoSite } from './fakes/datto.js';
import type { FakeServer } from './fakes/server.js';
import { bearer, startCodex, type CodexHarness } from './harness.js';
import { addCompany } from './fixtures.js';

const BITLOCKER = '123456-234567-345678-456789-567890-678901-789012-890123';

function initialSites(): DattoSite[] {
  return [
    {
      uid: 'site-a',
      name: 'Acme HQ',
      accountNumber: '620547',
      devices: [
        {
          uid: 'dev-1',
          hostname: 'ACME-WS01',
          deviceType: { category: 'Desktop', type: 'Desktop' },
          operatingSystem: 'Windows 11',
          intIpAddress: '10.0.0.5',
          online: true,
          lastSeen: Date.UTC(2026, 10, 24, 9),
          udf: { udf2: BITLOCKER, udf6: String(2 ** 40 * 1.5), udf1: 'tenant-1' },
        },
        {
          uid: 'dev-2',
          hostname: 'ACME-SRV01',
          deviceType: { category: 'Server', type: 'Server' },
          online: true,
          udf: {},
        },
        {
          uid: 'dev-3',
          hostname: 'ACME-FW',
          deviceType: { category: 'Network Device', type: 'Firewall' },
          online: true,
        },
        {
          uid: 'dev-4',
          hostname: 'ACME-HV-GUEST',
          deviceType: { category: 'Server', type: 'Server' },
          online: false,
          udf: { udf7: 'Virtual Machine' },
        },
        { uid: 'dev-5', hostname: 'ACME-PRINTER', deviceType: { category: 'Printer', type: 'Printer' }, online: true },
      ],
    },
    {
      uid: 'site-b',
      name: 'Acme Branch',
      accountNumber: '620547',
      devices: [
        {
          uid: 'dev-6',
          hostname: 'ACME-SW1',
          deviceType: { category: 'Network Device', type: 'Switch' },
          online: true,
        },
      ],
    },
    {
      uid: 'site-c',
      name: 'Untagged site',
      accountNumber: null,
      devices: [
        { uid: 'dev-9', hostname: 'MYSTERY', deviceType: { category: 'Desktop', type: 'Desktop' }, online: true },
      ],
    },
  ];
}

describe('sync: Datto RMM', () => {
  let fake: FakeServer;
  const state: { sites: DattoSite[] } = { sites: initialSites() };
  let t: CodexHarness;
  let clock = new Date('2026-11-25T12:00:00Z');

  before(async () => {
    fake = await startFakeDatto(state);
    t = await startCodex({
      now: () => clock,
      env: { DATTO_API_URL: fake.url, DATTO_API_KEY: DATTO_KEY, DATTO_API_SECRET: DATTO_SECRET },
    });
    await addCompany(t.db, { accountNumber: '620547', name: 'Acme Dental' });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    clock = new Date(clock.getTime() + 3_600_000);
  });

  async function run() {
    const started = await t.runner.start('datto', 'manual', 'test');
    assert.ok(started);
    await t.runner.idle();
    const finished = await findRun(t.db, started.id);
    assert.ok(finished);
    return finished;
  }
  const byHost = async () =>
    Object.fromEntries((await t.db.select().from(assets)).map((asset) => [asset.hostname, asset]));

  it('imports devices of tagged sites with derived billing types', async () => {
    const result = await run();
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
    assert.equal(result.created, 6);
    assert.ok(result.warnings.some((warning) => warning.includes('Untagged site')));
    assert.ok(
      fake.log.some((line) => line.includes('/api/v2/site/site-a/devices?page=1')),
      'nextPageUrl was followed',
    );
    const hosts = await byHost();
    assert.equal(hosts.MYSTERY, undefined, 'devices of a site without account number are not imported');
    assert.deepEqual(
      Object.fromEntries(Object.entries(hosts).map(([host, asset]) => [host, asset.billingTypeDerived])),
      {
        'ACME-WS01': 'workstation',
        'ACME-SRV01': 'server',
        'ACME-FW': 'firewall',
        'ACME-HV-GUEST': 'virtual_machine',
        'ACME-PRINTER': 'not_billed',
        'ACME-SW1': 'switch',
      },
    );
    assert.equal(hosts['ACME-FW']?.rmmDeviceType, 'Network Device / Firewall');
    assert.equal(hosts['ACME-WS01']?.backupUsageBytes, 2 ** 40 * 1.5);
    assert.equal(hosts['ACME-WS01']?.intIp, '10.0.0.5');
    assert.equal(hosts['ACME-WS01']?.lastSeen?.toISOString(), '2026-11-24T09:00:00.000Z');
  });

  it('stores the BitLocker key encrypted, reveals it to admins only, and records the reveal', async () => {
    const ws = (await byHost())['ACME-WS01'];
    assert.ok(ws);
    assert.deepEqual(
      ws.udfs,
      { udf1: 'tenant-1', udf6: String(2 ** 40 * 1.5) },
      'the secret UDF is not kept in the UDF list',
    );
    const [stored] = await t.db.select().from(secrets).where(eq(secrets.assetId, ws.id));
    assert.ok(stored);
    assert.equal(stored.kind, 'bitlocker_key');
    assert.ok(!stored.ciphertext.toString('latin1').includes('123456'), 'ciphertext, not plaintext');
    const detail = JSON.parse(
      (await t.app.inject({ url: `/api/assets/${ws.id}`, headers: bearer(await t.token('technician')) })).body,
    ) as { secrets: { id: number }[] };
    assert.equal(detail.secrets.length, 1);
    const path = `/api/assets/${ws.id}/secrets/${stored.id}/reveal`;
    assert.equal(
      (await t.app.inject({ method: 'POST', url: path, headers: bearer(await t.token('technician')) })).statusCode,
      403,
    );
    const revealed = await t.app.inject({
      method: 'POST',
      url: path,
      headers: bearer(await t.token('admin', { sub: 'admin-1', name: 'Ada Admin' })),
    });
    assert.equal(revealed.statusCode, 200, revealed.body);
    assert.deepEqual(JSON.parse(revealed.body), { kind: 'bitlocker_key', value: BITLOCKER });
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.action, 'secret.reveal'));
    assert.deepEqual(
      audit.map((event) => [event.actorSub, event.entityId]),
      [['admin-1', String(ws.id)]],
    );
  });

  it('keeps identity, links and the billing override of a device renamed between two runs', async () => {
    const before = (await byHost())['ACME-SRV01'];
    assert.ok(before);
    const billing = await t.token('billing');
    const set = await t.app.inject({
      method: 'PUT',
      url: `/api/assets/${before.id}/billing-type`,
      headers: bearer(billing),
      payload: { override: 'virtual_machine' },
    });
    assert.equal(set.statusCode, 200, set.body);
    const site = state.sites[0]!;
    site.devices = site.devices.map((device) =>
      device.uid === 'dev-2'
        ? { ...device, hostname: 'ACME-SRV01-NEW', deviceType: { category: 'ESXi Host', type: 'ESXi Host' } }
        : device,
    );
    const result = await run();
    assert.equal(result.status, 'succeeded');
    assert.deepEqual([result.created, result.updated, result.archived], [0, 1, 0]);
    const after = (await byHost())['ACME-SRV01-NEW'];
    assert.equal(after?.id, before.id, 'same asset row');
    assert.equal(after?.billingTypeOverride, 'virtual_machine', 'the override survived the sync');
    assert.equal(after?.billingTypeDerived, 'server', 'the derived type follows the RMM');
    assert.equal(after?.billingType, 'virtual_machine');
    assert.equal((await byHost())['ACME-SRV01'], undefined, 'no duplicate under the old name');
  });

  it('honours Retry-After on a 429 from the devices list', async () => {
    const slept = t.sleeps.length;
    fake.faults.push({
      match: (request) => request.path.endsWith('/devices'),
      times: 1,
      response: { status: 429, headers: { 'retry-after': '3' } },
    });
    const result = await run();
    assert.equal(result.status, 'succeeded', JSON.stringify(result.errors));
    assert.ok(t.sleeps.slice(slept).includes(3000));
  });

  it('archives nothing when the devices fetch fails half-way, then archives a removed device after a complete run', async () => {
    state.sites[0]!.devices = state.sites[0]!.devices.filter((device) => device.uid !== 'dev-5');
    fake.faults.push({
      match: (request) => request.path === '/api/v2/site/site-b/devices',
      times: Infinity,
      response: { status: 500 },
    });
    const failed = await run();
    assert.equal(failed.status, 'partial');
    assert.equal((await byHost())['ACME-PRINTER']?.archivedAt, null);
    fake.faults.length = 0;
    const complete = await run();
    assert.equal(complete.archived, 1);
    assert.notEqual((await byHost())['ACME-PRINTER']?.archivedAt, null, 'archived, not deleted');
  });

  it('archives the devices of a site that lost its AccountNumber', async () => {
    state.sites[1]!.accountNumber = null;
    const result = await run();
    assert.equal(result.status, 'succeeded');
    assert.notEqual((await byHost())['ACME-SW1']?.archivedAt, null);
  });

  it('refuses a pagination link to another origin', async () => {
    fake.faults.push({
      match: (request) => request.path === '/api/v2/account/sites',
      times: 1,
      response: { json: { pageDetails: { nextPageUrl: 'https://evil.example/steal' }, sites: [] } },
    });
    const result = await run();
    assert.equal(result.status, 'failed');
    assert.match(result.errors.join(' '), /another origin/);
  });
});
