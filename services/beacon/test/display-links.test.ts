/**
 * Wall-screen display links: no token, a wrong token, an expired one and a revoked one get
 * nothing; a valid one gets only its view's rows and its link's fields; only the token's hash is
 * stored; revoking ends every open stream of the link within the check interval.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { startBeacon, type BeaconHarness } from './harness.js';
import { ticket } from './fake-codex.js';

interface CreatedLink {
  id: number;
  url: string;
  fields: string[];
}

describe('beacon display links', () => {
  let t: BeaconHarness;
  before(async () => {
    t = await startBeacon({
      env: {
        VIEWS: JSON.stringify([
          { slug: 'helpdesk', name: 'Helpdesk', exclude_groups: ['90'] },
          { slug: 'projects', name: 'Projects', groups: ['90'] },
        ]),
        DISPLAY_CHECK_SECONDS: '1',
      },
      tickets: [
        ticket({ subject: '<img src=x onerror=alert(1)>', group_external_id: null }),
        ticket({ subject: 'Project work', group_external_id: '90' }),
      ],
    });
  });
  after(() => t.close());

  // Minted per use: the tests move the clock past a token's hour.
  const adminToken = () => t.token('admin', 'ada');
  async function create(body: object): Promise<CreatedLink & { token: string; path: string }> {
    const admin = await adminToken();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/links',
      headers: { authorization: `Bearer ${admin}`, accept: 'application/json' },
      payload: body,
    });
    assert.equal(res.statusCode, 201, res.body);
    const link = JSON.parse(res.body) as CreatedLink;
    const path = new URL(link.url).pathname.replace(/^.*?\/display\//, '/display/');
    return { ...link, path, token: path.split('/')[2] ?? '' };
  }
  const anonymous = (url: string) => t.app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });

  it('lets only admins manage links', async () => {
    for (const level of ['technician', 'client'] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/links',
        headers: { authorization: `Bearer ${await t.token(level)}`, accept: 'application/json' },
        payload: { name: 'x', view: 'helpdesk' },
      });
      assert.equal(res.statusCode, 403, level);
    }
    assert.equal((await anonymous('/api/links')).statusCode, 401);
  });

  it('stores only the hash of a long random token', async () => {
    const link = await create({ name: 'Lobby', view: 'helpdesk' });
    assert.match(link.token, /^[A-Za-z0-9_-]{43}$/);
    const stored = await t.db.execute(sql`SELECT token_hash FROM display_links WHERE id = ${link.id}`);
    const hash = (stored.rows[0] as { token_hash: string }).token_hash;
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.notEqual(hash, link.token);
    assert.deepEqual(link.fields.includes('requester_email'), false, 'no requester e-mail by default');
  });

  it('gives nothing to no token, a wrong token, an expired link or a revoked link', async () => {
    const expired = await create({ name: 'Expired', view: 'helpdesk', expires_in_days: 1 });
    const revoked = await create({ name: 'Revoked', view: 'helpdesk' });
    const admin = await adminToken();
    const revoke = await t.app.inject({
      method: 'POST',
      url: `/api/links/${revoked.id}/revoke`,
      headers: { authorization: `Bearer ${admin}`, accept: 'application/json' },
    });
    assert.equal(revoke.statusCode, 200, revoke.body);
    t.advance(2 * 86_400_000);
    const wrong = 'A'.repeat(43);
    const paths = [
      '/display',
      '/display/',
      `/display/${wrong}`,
      `/display/${wrong}/board`,
      `/display/${wrong}/events`,
      '/display/short',
      expired.path,
      `${expired.path}/board`,
      `${expired.path}/events`,
      revoked.path,
      `${revoked.path}/board`,
      `${revoked.path}/events`,
    ];
    for (const path of paths) {
      const res = await anonymous(path);
      assert.equal(res.statusCode, 404, `${path}: ${res.body}`);
      assert.doesNotMatch(res.body, /onerror|Project work|rita/, path);
    }
  });

  it('gives a valid link only its view and its fields, and records where it was used', async () => {
    const link = await create({ name: 'Projects TV', view: 'projects', fields: ['number', 'subject', 'sla'] });
    const page = await t.app.inject({ method: 'GET', url: link.path });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Projects TV/);
    const res = await t.app.inject({
      method: 'GET',
      url: `${link.path}/board`,
      headers: { accept: 'application/json', 'x-forwarded-for': '203.0.113.9' },
      remoteAddress: '127.0.0.1',
    });
    assert.equal(res.statusCode, 200, res.body);
    const rows = (JSON.parse(res.body) as { rows: Record<string, unknown>[] }).rows;
    assert.deepEqual(
      rows.map((row) => row.subject),
      ['Project work'],
    );
    const keys = Object.keys(rows[0] ?? {}).sort();
    for (const hidden of [
      'requester',
      'requester_email',
      'agent',
      'company',
      'psa_url',
      'agent_id',
      'account',
      'group',
    ])
      assert.ok(!keys.includes(hidden), `${hidden} is not sent`);
    const admin = await adminToken();
    const listed = JSON.parse(
      (await t.app.inject({ method: 'GET', url: '/api/links', headers: { authorization: `Bearer ${admin}` } })).body,
    ) as { id: number; last_used_at: string | null; last_used_from: string | null }[];
    const used = listed.find((candidate) => candidate.id === link.id);
    assert.equal(used?.last_used_at, t.now().toISOString());
    assert.equal(used?.last_used_from, '203.0.113.9');
  });

  it('ends an open stream with "revoked" within the check interval', async () => {
    const link = await create({ name: 'Helpdesk TV', view: 'helpdesk' });
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${address}${link.path}/events`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = response.body?.getReader();
    assert.ok(reader);
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: snapshot')) text += decoder.decode((await reader.read()).value);
    assert.match(
      text,
      /<img src=x onerror=alert\(1\)>/,
      'the subject travels as JSON text; the page inserts it as text',
    );
    assert.doesNotMatch(text, /Project work/);
    const admin = await adminToken();
    const revokedAt = Date.now();
    await t.app.inject({
      method: 'POST',
      url: `/api/links/${link.id}/revoke`,
      headers: { authorization: `Bearer ${admin}`, accept: 'application/json' },
    });
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    assert.match(text, /event: revoked/);
    assert.ok(Date.now() - revokedAt < 3000, `closed after ${Date.now() - revokedAt} ms`);
  });

  it('creates a link from the admin page and shows its URL once', async () => {
    const admin = await adminToken();
    const form = 'name=Front+desk&view=helpdesk&priority=&fields=number&fields=subject&expires_in_days=7';
    const res = await t.app.inject({
      method: 'POST',
      url: '/links',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form,
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.match(res.body, /\/beacon\/display\/[A-Za-z0-9_-]{43}|\/display\/[A-Za-z0-9_-]{43}/);
    const list = await t.app.inject({ method: 'GET', url: '/links', headers: { authorization: `Bearer ${admin}` } });
    assert.doesNotMatch(list.body, /\/display\/[A-Za-z0-9_-]{43}/, 'the list never shows a token again');
  });
});
