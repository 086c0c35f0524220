/**
 * A company page's "Knowledge" card: knowledgetree's articles of the company, asked with the
 * viewing user's own token (so knowledgetree's visibility applies), titles escaped and linked
 * through the gateway; when knowledgetree is down, not installed, slow or answers nonsense, the
 * page still renders and the card says it is unavailable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addCompany } from './fixtures.js';
import { startFakeServer, type FakeServer } from './fakes/server.js';
import { bearer, startCodex, type CodexHarness } from './harness.js';

const EVIL = '<script>alert(1)</script>';

describe('codex company page: Knowledge card', () => {
  let kt: FakeServer;
  let t: CodexHarness;

  before(async () => {
    // A fake knowledgetree that answers GET /api/companies/:account/articles as the real one does.
    kt = await startFakeServer((request) => {
      const match = /^\/api\/companies\/([^/]+)\/articles$/.exec(request.path);
      if (request.method !== 'GET' || match === null) return { status: 404, json: { code: 'not_found' } };
      if (decodeURIComponent(match[1] ?? '') === 'BROKEN-1') return { json: { articles: [{ id: 'x' }] } };
      if (decodeURIComponent(match[1] ?? '') !== 'ACME-1') return { json: { articles: [] } };
      return {
        json: {
          articles: [
            {
              id: 'a1b2',
              title: `Firewall ${EVIL}`,
              path: '/Companies/Acme/Network',
              updated_at: '2026-11-20T10:00:00.000Z',
            },
            { id: 'c3d4', title: 'Onboarding', path: '/Companies/Acme', updated_at: '2026-11-21T10:00:00.000Z' },
          ],
        },
      };
    });
    t = await startCodex({ env: { KNOWLEDGETREE_SERVICE_URL: kt.url, KNOWLEDGETREE_TIMEOUT: '2000' } });
    await addCompany(t.db, { accountNumber: 'ACME-1', name: 'Acme' });
    await addCompany(t.db, { accountNumber: 'EMPTY-1', name: 'Empty' });
    await addCompany(t.db, { accountNumber: 'BROKEN-1', name: 'Broken' });
  });
  after(async () => {
    await t.close();
    await kt.close();
  });

  it("lists the articles, escaped, linked through the gateway, asked with the user's own token", async () => {
    const token = await t.token('technician');
    const res = await t.app.inject({ url: '/companies/ACME-1', headers: bearer(token) });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /id="company-knowledge"/);
    assert.match(res.body, /<a href="\/knowledgetree\/view\/a1b2">Firewall &lt;script>alert\(1\)&lt;\/script><\/a>/);
    assert.match(res.body, /<a href="\/knowledgetree\/view\/c3d4">Onboarding<\/a>/);
    assert.match(res.body, /\/Companies\/Acme\/Network/);
    assert.doesNotMatch(res.body, /<script>alert/);
    const call = kt.log.filter((line) => line === 'GET /api/companies/ACME-1/articles');
    assert.equal(call.length, 1);
    const empty = await t.app.inject({ url: '/companies/EMPTY-1', headers: bearer(token) });
    assert.match(empty.body, /No articles linked to this company: link one/);
  });

  it("forwards the viewing user's own token, not a service token", async () => {
    let seen: string | undefined;
    // A fault that never fires, only to see the request's headers.
    kt.faults.push({
      match: (r) => {
        seen = r.headers.authorization;
        return false;
      },
      times: 1,
      response: {},
    });
    const tech = await t.token('technician', { sub: 'tech-42' });
    await t.app.inject({ url: '/companies/ACME-1', headers: bearer(tech) });
    kt.faults.length = 0;
    assert.equal(seen, `Bearer ${tech}`);
  });

  it('says the card is unavailable on a malformed answer, and the page still renders', async () => {
    const res = await t.app.inject({ url: '/companies/BROKEN-1', headers: bearer(await t.token('technician')) });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /KnowledgeTree is unavailable/);
  });

  it('renders the page within the timeout when knowledgetree hangs', async () => {
    let release = (): void => undefined;
    kt.gate = () =>
      new Promise<void>((resolve) => {
        release = resolve;
      });
    try {
      const started = Date.now();
      const res = await t.app.inject({ url: '/companies/ACME-1', headers: bearer(await t.token('technician')) });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /KnowledgeTree is unavailable/);
      // The card's bound (2 s here) plus room for a loaded machine; a page waiting on the hang would never answer.
      assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
    } finally {
      kt.gate = undefined;
      release();
    }
  });
});

describe('codex company page: Knowledge card with knowledgetree down', () => {
  let t: CodexHarness;
  before(async () => {
    // A port that was just listening and is closed now: connections are refused, as when knowledgetree is stopped.
    const gone = await startFakeServer(() => ({ json: {} }));
    await gone.close();
    t = await startCodex({ env: { KNOWLEDGETREE_SERVICE_URL: gone.url } });
    await addCompany(t.db, { accountNumber: 'ACME-1', name: 'Acme' });
  });
  after(() => t.close());

  it('renders the company page with the card saying knowledgetree is unavailable', async () => {
    const res = await t.app.inject({ url: '/companies/ACME-1', headers: bearer(await t.token('technician')) });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h2 class="card__title">Knowledge<\/h2>/);
    assert.match(res.body, /KnowledgeTree is unavailable/);
    assert.match(res.body, /Acme/);
  });
});
