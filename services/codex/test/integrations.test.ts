/**
 * The integrations page against the fake vendors: an admin saves Freshservice with a wrong key and
 * sees a 401 explained, replaces the key, passes the test and runs the first sync without a
 * restart; credentials are sealed and never shown again; a wrong domain (DNS, 404), a timeout and
 * a certificate that does not verify each get their own message; Datto and SuperOps are tested
 * the same way; the configuration's settings keep working and the page says which source is in
 * effect; only admins, and only same-origin posts, may change anything.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { eq } from 'drizzle-orm';
import { auditEvents, companies, integrations } from '../src/db/schema.js';
import { findRun } from '../src/db/sync-runs.js';
import { startFakeDatto, DATTO_KEY, DATTO_SECRET } from './fakes/datto.js';
import { startFakeFreshservice, FRESHSERVICE_KEY } from './fakes/freshservice.js';
import { startFakeServer, type FakeServer } from './fakes/server.js';
import { startFakeSuperOps, SUPEROPS_SUBDOMAIN, SUPEROPS_TOKEN } from './fakes/superops.js';
import { bearer, startCodex, type CodexHarness } from './harness.js';

const ORIGIN = 'https://hive.example.test';

describe('integrations page', () => {
  let t: CodexHarness;
  let admin: string;
  let freshservice: FakeServer;
  let datto: FakeServer;
  let superops: FakeServer;
  let notFound: FakeServer;
  let redirecting: FakeServer;
  let silent: FakeServer;
  let tls: HttpsServer;
  let release: () => void = () => undefined;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = async (
    url: string,
    fields: Record<string, string>,
    token = admin,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
      payload: form(fields),
    });
  const page = async () => (await t.app.inject({ url: '/admin/integrations', headers: bearer(admin) })).body;
  const lastTest = async (provider: string) => {
    const rows = await t.db.select().from(integrations);
    const row = rows.find((entry) => entry.provider === provider);
    return { ok: row?.lastTestOk, message: row?.lastTestMessage ?? '' };
  };
  const saveFreshservice = (baseUrl: string, apiKey: string, action = 'test') =>
    post('/admin/integrations/freshservice', {
      baseUrl,
      apiKey,
      schedule_freshservice: '86400000',
      'schedule_freshservice-tickets': '900000',
      action,
    });

  before(async () => {
    // The timeout case waits for a vendor that never answers: keep it short.
    t = await startCodex({ env: { VENDOR_TIMEOUT: '400ms', SERVICE_SECRET: 's'.repeat(40) } });
    admin = await t.token('admin', { preferred_username: 'alice', name: 'Alice Admin' });
    freshservice = await startFakeFreshservice({
      departments: [{ id: 101, name: 'Acme Dental', custom_fields: { account_number: '620547' } }],
      requesters: [],
      agents: [],
      tickets: [],
    });
    datto = await startFakeDatto({ sites: [] });
    superops = await startFakeSuperOps({ clients: [], assets: [], tickets: [] });
    // A web server at the address that is not the vendor's API: 404 for every path.
    notFound = await startFakeServer(() => ({ status: 404, json: { message: 'Not Found' } }));
    redirecting = await startFakeServer(() => ({ status: 301, headers: { location: 'https://elsewhere.example/' } }));
    silent = await startFakeServer(() => ({ json: {} }));
    silent.gate = () => new Promise<void>((resolve) => (release = resolve));
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
    tls = createHttpsServer({ key: pems.private, cert: pems.cert }, (_request, response) => response.end('{}'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    release();
    await Promise.all([
      freshservice.close(),
      datto.close(),
      superops.close(),
      notFound.close(),
      redirecting.close(),
      silent.close(),
      new Promise((resolve) => tls.close(resolve)),
    ]);
    await t.close();
  });

  it('starts with no vendor connected and says so', async () => {
    const html = await page();
    assert.equal((html.match(/Not connected/g) ?? []).length, 3);
    assert.match(html, /Freshservice address/);
  });

  it('a wrong key fails the test with a 401 message; the right one passes; the first sync runs without a restart', async () => {
    const wrong = await saveFreshservice(freshservice.url, 'not-the-right-key');
    assert.equal(wrong.statusCode, 303, wrong.body);
    assert.match(
      wrong.headers.location ?? '',
      /\/admin\/integrations\?done=integration-test-failed#integration-freshservice$/,
      'back to the card with the message',
    );
    const failed = await lastTest('freshservice');
    assert.equal(failed.ok, false);
    assert.match(failed.message, /refused the credentials \(401 Unauthorized\)/);
    const html = await page();
    assert.match(html, /refused the credentials \(401 Unauthorized\)/);
    assert.match(html, /In use: the settings saved on this page/);
    assert.doesNotMatch(html, /not-the-right-key/, 'a stored credential is never shown');
    assert.doesNotMatch(html, /Run the first sync/, 'no run is offered while the test fails');
    assert.match(html, /run it once the connection test passes/);

    const right = await saveFreshservice(freshservice.url, FRESHSERVICE_KEY);
    assert.match(right.headers.location ?? '', /done=integration-test-passed#integration-freshservice$/);
    const passed = await lastTest('freshservice');
    assert.equal(passed.ok, true);
    assert.match(passed.message, /Connected to Freshservice/);
    const passedPage = await page();
    assert.doesNotMatch(passedPage, new RegExp(FRESHSERVICE_KEY));
    assert.match(passedPage, /aria-label="Run Freshservice: companies, contacts, agents now"[^>]*>Run the first sync/);

    // Sealed at rest: the key is nowhere in the row in the clear.
    const [row] = await t.db.select().from(integrations);
    assert.ok(row !== undefined && !row.ciphertext.toString('latin1').includes(FRESHSERVICE_KEY));
    assert.deepEqual(row.schedule, { freshservice: 86_400_000, 'freshservice-tickets': 900_000 });
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.entity, 'integration'));
    assert.equal(audit.length, 2);
    assert.deepEqual(
      audit.map((event) => [event.actorName, event.action, event.detail.credentialsReplaced]),
      [
        ['Alice Admin', 'integration.save', true],
        ['Alice Admin', 'integration.save', true],
      ],
    );
    assert.ok(!JSON.stringify(audit).includes(FRESHSERVICE_KEY));

    // The runner was built before the integration existed; the run reads it when it starts.
    assert.deepEqual(await t.runner.configuredJobs(), ['freshservice', 'freshservice-tickets']);
    const started = await post('/admin/sync/freshservice', {});
    assert.equal(started.statusCode, 303);
    const runPath = started.headers.location ?? '';
    assert.match(runPath, /\/admin\/runs\/\d+/);
    await t.runner.idle();
    const run = await findRun(t.db, Number(/runs\/(\d+)/.exec(runPath)?.[1]));
    assert.equal(run?.status, 'succeeded', JSON.stringify(run?.errors));
    const stored = await t.db.select({ account: companies.accountNumber }).from(companies);
    assert.deepEqual(
      stored.map((entry) => entry.account),
      ['620547'],
    );
    const progress = await t.app.inject({
      url: runPath.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? '',
      headers: bearer(admin),
    });
    assert.match(progress.body, /succeeded/);
  });

  it('keeps the stored credentials when the secret fields are left empty, and re-tests with them', async () => {
    const kept = await post('/admin/integrations/freshservice', {
      baseUrl: `${freshservice.url}/api/v2/`,
      apiKey: '',
      action: 'test',
    });
    assert.match(kept.headers.location ?? '', /done=integration-test-passed/);
    assert.equal((await lastTest('freshservice')).ok, true);
  });

  it('explains a wrong domain (DNS failure and 404), a timeout and a certificate that does not verify', async () => {
    const cases: [string, RegExp][] = [
      ['https://no-such-tenant.invalid', /could not be found \(DNS lookup failed\)/],
      [notFound.url, /There is no Freshservice API at .* \(404 Not Found\)/],
      [redirecting.url, /answered with a redirect, which is not followed/],
      [silent.url, /did not answer within 400 ms \(timeout\)/],
      [
        `https://localhost:${(tls.address() as AddressInfo).port}`,
        /certificate of localhost:\d+ could not be verified/,
      ],
    ];
    for (const [url, expected] of cases) {
      const answer = await saveFreshservice(url, FRESHSERVICE_KEY);
      assert.match(answer.headers.location ?? '', /done=integration-test-failed/, url);
      const outcome = await lastTest('freshservice');
      assert.equal(outcome.ok, false, url);
      assert.match(outcome.message, expected, `${url}: ${outcome.message}`);
    }
    release();
  });

  it('tests Datto RMM (OAuth sign-in, then a list) and SuperOps the same way', async () => {
    await post('/admin/integrations/datto', {
      baseUrl: `${datto.url}/api`,
      apiKey: DATTO_KEY,
      apiSecret: 'wrong-secret',
      action: 'test',
    });
    assert.match((await lastTest('datto')).message, /Datto RMM refused the credentials \(401 Unauthorized\)/);
    await post('/admin/integrations/datto', {
      baseUrl: `${datto.url}/api`,
      apiKey: DATTO_KEY,
      apiSecret: DATTO_SECRET,
      action: 'test',
    });
    assert.deepEqual(await lastTest('datto'), {
      ok: true,
      message: `Connected to Datto RMM at ${new URL(datto.url).host}: signed in and may read sites.`,
    });

    await post('/admin/integrations/superops', {
      baseUrl: superops.url,
      subdomain: SUPEROPS_SUBDOMAIN,
      apiToken: 'wrong-token-value',
      action: 'test',
    });
    assert.match((await lastTest('superops')).message, /SuperOps refused the credentials \(401 Unauthorized\)/);
    await post('/admin/integrations/superops', {
      baseUrl: superops.url,
      subdomain: SUPEROPS_SUBDOMAIN,
      apiToken: SUPEROPS_TOKEN,
      action: 'test',
    });
    assert.equal((await lastTest('superops')).ok, true);
  });

  it('refuses a bad form with 422 and never echoes a secret', async () => {
    const answer = await post('/admin/integrations/datto', {
      baseUrl: 'ftp://example.test',
      apiKey: 'typed-secret-123',
      apiSecret: 'x',
      schedule_datto: '5',
      action: 'save',
    });
    assert.equal(answer.statusCode, 422);
    assert.match(answer.body, /choose one of the listed schedules/);
    assert.match(answer.body, /must be an http\(s\) address/);
    assert.match(answer.body, /ftp:\/\/example\.test/, 'the address is kept in the form');
    assert.doesNotMatch(answer.body, /typed-secret-123/);
    const userinfo = await post('/admin/integrations/superops', {
      baseUrl: 'https://user:pw@api.superops.ai/msp',
      subdomain: 'a',
      apiToken: 'abcdefgh',
      action: 'save',
    });
    assert.equal(userinfo.statusCode, 422);
  });

  it('is for admins only, and refuses cross-site posts', async () => {
    const tech = await t.token('technician');
    assert.equal((await t.app.inject({ url: '/admin/integrations', headers: bearer(tech) })).statusCode, 403);
    assert.equal(
      (await post('/admin/integrations/freshservice', { baseUrl: freshservice.url, apiKey: 'abcdefgh' }, tech))
        .statusCode,
      403,
    );
    const evil = await post(
      '/admin/integrations/freshservice',
      { baseUrl: 'https://evil.example', apiKey: 'abcdefgh' },
      admin,
      { origin: 'https://evil.example' },
    );
    assert.equal(evil.statusCode, 403);
    assert.equal((JSON.parse(evil.body) as { code: string }).code, 'csrf_rejected');
    assert.equal((await post('/admin/integrations/nope', {})).statusCode, 404);
  });

  it('removing the saved settings stops the vendor (nothing in the configuration)', async () => {
    const removed = await post('/admin/integrations/superops/remove', {});
    assert.match(removed.headers.location ?? '', /done=integration-removed/);
    assert.ok(!(await t.runner.configuredJobs()).includes('superops'));
  });
});

describe('integrations page with a vendor in the configuration', () => {
  let t: CodexHarness;
  let admin: string;
  let freshservice: FakeServer;

  before(async () => {
    freshservice = await startFakeFreshservice({ departments: [], requesters: [], agents: [], tickets: [] });
    t = await startCodex({
      env: { FRESHSERVICE_URL: 'https://configured.freshservice.example', FRESHSERVICE_API_KEY: 'configured-key-123' },
    });
    admin = await t.token('admin');
  });
  after(async () => {
    await freshservice.close();
    await t.close();
  });

  it('says the configuration is in effect, lets the page take over, and falls back when removed', async () => {
    const html = async () => (await t.app.inject({ url: '/admin/integrations', headers: bearer(admin) })).body;
    assert.match(await html(), /In use: the service configuration/);
    assert.match(await html(), /configured\.freshservice\.example/);
    assert.doesNotMatch(await html(), /configured-key-123/);
    // The configuration's interval (SYNC_SCHEDULE default: 24 h and 15 min) is preselected.
    assert.match(await html(), /<option value="86400000" selected/);
    const headers = { ...bearer(admin), 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN };
    const saved = await t.app.inject({
      method: 'POST',
      url: '/admin/integrations/freshservice',
      headers,
      payload: new URLSearchParams({ baseUrl: freshservice.url, apiKey: FRESHSERVICE_KEY, action: 'test' }).toString(),
    });
    assert.match(saved.headers.location ?? '', /done=integration-test-passed/);
    assert.match(await html(), /In use: the settings saved on this page/);
    await t.app.inject({ method: 'POST', url: '/admin/integrations/freshservice/remove', headers, payload: '' });
    assert.match(await html(), /In use: the service configuration/);
    assert.deepEqual(await t.runner.configuredJobs(), ['freshservice', 'freshservice-tickets']);
  });

  it('does the same over /api/integrations for admins', async () => {
    const plain = { ...bearer(admin), origin: ORIGIN, accept: 'application/json' };
    const json = { ...plain, 'content-type': 'application/json' };
    const list = async () =>
      JSON.parse((await t.app.inject({ url: '/api/integrations', headers: plain })).body) as {
        provider: string;
        source: string;
        credentials_stored: boolean;
        last_test: { ok: boolean; message: string } | null;
      }[];
    assert.deepEqual(
      (await list()).map((entry) => [entry.provider, entry.source, entry.credentials_stored]),
      [
        ['freshservice', 'configuration', false],
        ['datto', 'none', false],
        ['superops', 'none', false],
      ],
    );

    const put = (body: unknown) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/integrations/freshservice',
        headers: json,
        payload: JSON.stringify(body),
      });
    assert.equal(
      (
        await put({
          baseUrl: freshservice.url,
          credentials: { apiKey: 'wrong-key-value' },
          schedule: { 'freshservice-tickets': 3_600_000 },
        })
      ).statusCode,
      204,
    );
    const failed = await t.app.inject({ method: 'POST', url: '/api/integrations/freshservice/test', headers: plain });
    assert.deepEqual(JSON.parse(failed.body), {
      ok: false,
      code: 'unauthorized',
      message:
        'Freshservice refused the credentials (401 Unauthorized). Check the API key; it may have been regenerated or revoked.',
    });
    assert.equal((await put({ baseUrl: freshservice.url, credentials: { apiKey: FRESHSERVICE_KEY } })).statusCode, 204);
    // Absent credentials keep the stored ones.
    assert.equal((await put({ baseUrl: `${freshservice.url}/` })).statusCode, 204);
    const passed = await t.app.inject({ method: 'POST', url: '/api/integrations/freshservice/test', headers: plain });
    assert.equal((JSON.parse(passed.body) as { ok: boolean }).ok, true);
    const listed = await list();
    assert.equal(listed[0]?.source, 'page');
    assert.equal(listed[0]?.last_test?.ok, true);
    assert.doesNotMatch(JSON.stringify(listed), new RegExp(FRESHSERVICE_KEY));

    const bad = await put({ baseUrl: 'not a url' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /baseUrl: must be an http\(s\) address/);
    assert.equal(
      (await t.app.inject({ method: 'POST', url: '/api/integrations/datto/test', headers: plain })).statusCode,
      404,
    );
    assert.equal(
      (
        await t.app.inject({
          url: '/api/integrations',
          headers: { ...bearer(await t.token('technician')), accept: 'application/json' },
        })
      ).statusCode,
      403,
    );
    assert.equal(
      (await t.app.inject({ method: 'DELETE', url: '/api/integrations/freshservice', headers: plain })).statusCode,
      204,
    );
    assert.equal(
      (await t.app.inject({ method: 'DELETE', url: '/api/integrations/freshservice', headers: plain })).statusCode,
      404,
    );
    assert.equal((await list())[0]?.source, 'configuration');
  });
});
