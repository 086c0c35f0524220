/** The operator's console: services and their controls, the audit trail, admin-only access. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditTrail } from '../src/db/schema.js';
import { startConsole, type Console } from './console-harness.js';

describe('helm console: services and audit trail', () => {
  let c: Console;
  before(async () => {
    c = await startConsole();
  });
  after(async () => c.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('refuses a technician every page and API with 403', async () => {
    const gets = [
      '/',
      '/services',
      '/services/template',
      '/audit-trail',
      '/logs',
      '/api/services',
      '/api/services/template',
      '/api/audit-trail',
      '/api/logs',
      '/api/logs/stream',
    ];
    for (const url of gets) {
      const res = await c.app.inject({ url, headers: as(c.tech) });
      assert.equal(res.statusCode, 403, url);
    }
    for (const url of ['/services/template/restart', '/api/services/template/stop']) {
      const res = await c.app.inject({ method: 'POST', url, headers: as(c.tech) });
      assert.equal(res.statusCode, 403, url);
    }
    assert.deepEqual(c.calls, []);
  });

  it('shows every service with state, health, pid, uptime, restarts, memory and prefixed controls', async () => {
    const res = await c.app.inject({ url: '/', headers: { ...as(c.admin), 'x-forwarded-prefix': '/helm' } });
    assert.equal(res.statusCode, 200);
    for (const text of [
      'template',
      'codex',
      'running',
      'stopped',
      '4242',
      '1 h 1 min',
      '61.5 MB',
      'action="/helm/services/template/restart"',
      'href="/helm/services/codex"',
    ]) {
      assert.ok(res.body.includes(text), text);
    }
    assert.ok(!res.body.includes('/helm/services/helm/restart'), 'helm is not controlled from its own page');
  });

  it('restarts a service from the page, records it and shows it on the audit trail', async () => {
    const res = await c.app.inject({
      method: 'POST',
      url: '/services/template/restart',
      headers: { ...as(c.admin), origin: 'https://hive.example', 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/services/template');
    assert.deepEqual(c.calls.at(-1), ['restart', 'template']);
    const page = await c.app.inject({ url: '/audit-trail', headers: as(c.admin) });
    assert.ok(page.body.includes('alice') && page.body.includes('service.restart') && page.body.includes('success'));
  });

  it('refuses a cross-site form post without acting', async () => {
    const before = c.calls.length;
    const res = await c.app.inject({
      method: 'POST',
      url: '/services/template/stop',
      headers: { ...as(c.admin), origin: 'https://evil.example' },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json<{ code: string }>().code, 'csrf_rejected');
    assert.equal(c.calls.length, before);
  });

  it('acts through the API, answers 404 for an unknown service and records a refusal as a failure', async () => {
    c.answer.next = { ok: false, message: 'not healthy after 30 s' };
    const stop = await c.app.inject({ method: 'POST', url: '/api/services/codex/start', headers: as(c.admin) });
    assert.equal(stop.statusCode, 200);
    assert.deepEqual(stop.json(), { name: 'codex', action: 'start', ok: false, message: 'not healthy after 30 s' });
    const unknown = await c.app.inject({ method: 'POST', url: '/api/services/nope/start', headers: as(c.admin) });
    assert.equal(unknown.statusCode, 404);
    c.answer.next = new Error('helm itself is not a supervised service');
    const refused = await c.app.inject({ method: 'POST', url: '/api/services/helm/stop', headers: as(c.admin) });
    assert.equal(refused.statusCode, 409);
    c.answer.next = { ok: true, message: null };
    const rows = await c.database.db.select().from(auditTrail).orderBy(auditTrail.id);
    assert.deepEqual(
      rows.slice(-2).map((row) => [row.action, row.target, row.result, row.actor]),
      [
        ['service.start', 'codex', 'failure', 'alice'],
        ['service.stop', 'helm', 'failure', 'alice'],
      ],
    );
    const trail = await c.app.inject({ url: '/api/audit-trail?limit=1', headers: as(c.admin) });
    assert.equal(
      trail.json<{ entries: { target: string; detail: string }[] }>().entries[0]?.detail,
      'helm itself is not a supervised service',
    );
  });

  it('shows one service with its recent shipped log lines, escaped', async () => {
    const ingest = await c.app.inject({
      method: 'POST',
      url: '/api/logs/ingest',
      headers: as(await c.keys.mintServiceToken('template', 'helm', { now: Date.parse('2026-11-25T12:00:00Z') })),
      payload: {
        service_name: 'template',
        logs: [{ level: 'ERROR', message: '<script>x</script> failed', timestamp: '2026-11-25T11:00:00Z' }],
      },
    });
    assert.equal(ingest.statusCode, 200, ingest.body);
    const res = await c.app.inject({ url: '/services/template', headers: as(c.admin) });
    assert.equal(res.statusCode, 200);
    assert.ok(
      res.body.includes('&lt;script>x&lt;/script> failed') ||
        res.body.includes('&lt;script&gt;x&lt;/script&gt; failed'),
    );
    assert.ok(!res.body.includes('<script>x</script>'));
    assert.equal(
      (await c.app.inject({ url: '/api/services/template', headers: as(c.admin) })).json<{ pid: number }>().pid,
      4242,
    );
    assert.equal((await c.app.inject({ url: '/services/nope', headers: as(c.admin) })).statusCode, 404);
  });
});
