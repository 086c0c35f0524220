/** The logs viewer: server-side filters, keyset paging, correlation-id paths and the live stream. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { countLogEntries, insertLogEntries, trimLogEntries } from '../src/db/logs.js';
import { startConsole, type Console } from './console-harness.js';

interface ApiEntry {
  id: number;
  service: string;
  level: string;
  message: string;
  trace_id: string | null;
}
interface ApiPage {
  entries: ApiEntry[];
  next: string | null;
}

describe('helm console: logs viewer', () => {
  let c: Console;
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute));
  before(async () => {
    c = await startConsole();
    await insertLogEntries(c.database.db, [
      { timestamp: at(1), serviceName: 'nexus', level: 'INFO', message: 'GET /codex/x', traceId: 'req-1' },
      { timestamp: at(2), serviceName: 'codex', level: 'INFO', message: 'loading company', traceId: 'req-1' },
      { timestamp: at(3), serviceName: 'codex', level: 'ERROR', message: 'query failed: 100% <bad>', traceId: 'req-1' },
      { timestamp: at(4), serviceName: 'ledger', level: 'WARNING', message: 'slow', traceId: 'req-2' },
      { timestamp: at(5), serviceName: 'ledger', level: 'DEBUG', message: 'noise 100 items', traceId: null },
    ]);
  });
  after(async () => c.close());

  const api = async (query: string): Promise<ApiPage> => {
    const res = await c.app.inject({ url: `/api/logs?${query}`, headers: { authorization: `Bearer ${c.admin}` } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<ApiPage>();
  };

  it('filters by service, lowest level, time range and literal text, newest first', async () => {
    assert.deepEqual(
      (await api('service=codex')).entries.map((e) => e.message),
      ['query failed: 100% <bad>', 'loading company'],
    );
    assert.deepEqual(
      (await api('level=WARNING')).entries.map((e) => e.level),
      ['WARNING', 'ERROR'],
    );
    assert.equal((await api(`from=${at(2).toISOString()}&to=${at(4).toISOString()}`)).entries.length, 3);
    assert.deepEqual(
      (await api('q=100%25')).entries.map((e) => e.service),
      ['codex'],
      '% is matched literally',
    );
    const bad = await c.app.inject({ url: '/api/logs?level=LOUD', headers: { authorization: `Bearer ${c.admin}` } });
    assert.equal(bad.statusCode, 400);
  });

  it('pages by keyset without gaps or repeats', async () => {
    const seen: number[] = [];
    let query = 'limit=2';
    for (;;) {
      const page = await api(query);
      seen.push(...page.entries.map((e) => e.id));
      if (page.next === null) break;
      query = `limit=2&after=${encodeURIComponent(page.next)}`;
    }
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
  });

  it('follows one correlation id across services, oldest first, on the page with escaped text', async () => {
    assert.deepEqual(
      (await api('trace_id=req-1')).entries.map((e) => e.service),
      ['nexus', 'codex', 'codex'],
    );
    const res = await c.app.inject({
      url: '/logs?trace_id=req-1',
      headers: { authorization: `Bearer ${c.admin}`, 'x-forwarded-prefix': '/helm' },
    });
    assert.equal(res.statusCode, 200);
    assert.ok(res.body.includes('100% &lt;bad>') || res.body.includes('100% &lt;bad&gt;'));
    assert.ok(res.body.includes('href="/helm/logs?trace_id=req-1"'));
    assert.ok(!res.body.includes('slow'));
  });

  it('exports every matching entry as NDJSON or CSV, page after page, formulas defused', async () => {
    const get = (query: string, token = c.admin) =>
      c.app.inject({ url: `/api/logs/export?${query}`, headers: { authorization: `Bearer ${token}` } });
    const ndjson = await get('service=codex');
    assert.equal(ndjson.statusCode, 200, ndjson.body);
    assert.match(String(ndjson.headers['content-type']), /^application\/x-ndjson/);
    assert.match(String(ndjson.headers['content-disposition']), /^attachment; filename="hivematrix-logs-.*\.ndjson"$/);
    assert.deepEqual(
      ndjson.body
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as ApiEntry).message),
      ['query failed: 100% <bad>', 'loading company'],
    );
    const path = await get('trace_id=req-1&format=csv');
    const [header, ...rows] = path.body.trim().split('\r\n');
    assert.equal(header, 'id,timestamp,service,level,message,trace_id,user_id,context');
    assert.deepEqual(
      rows.map((row) => row.split(',')[2]),
      ['nexus', 'codex', 'codex'],
      'oldest first along a correlation id',
    );
    // More entries than one page of the export, and a message a spreadsheet would run.
    await insertLogEntries(
      c.database.db,
      Array.from({ length: 2_500 }, (_, i) => ({
        timestamp: at(30),
        serviceName: 'bulk',
        level: 'INFO',
        message: i === 0 ? '=HYPERLINK("http://x")' : `line ${i}`,
      })),
    );
    const bulk = await get('service=bulk&format=csv');
    const lines = bulk.body.trim().split('\r\n');
    assert.equal(lines.length, 2_501);
    assert.equal(new Set(lines.slice(1).map((line) => line.split(',')[0])).size, 2_500, 'no entry twice');
    assert.ok(
      lines.some((line) => line.includes(`"'=HYPERLINK(""http://x"")"`)),
      'the formula is defused',
    );
    assert.equal((await get('service=bulk', c.tech)).statusCode, 403);
    assert.equal((await get('format=xml')).statusCode, 400);
    await c.database.pool.query(`DELETE FROM log_entries WHERE service_name = 'bulk'`);
  });

  it('streams new matching entries as server-sent events', async () => {
    await c.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = c.app.server.address() as AddressInfo;
    const received = await new Promise<string>((resolve, reject) => {
      const request = http.get(
        {
          host: '127.0.0.1',
          port,
          path: '/api/logs/stream?service=codex&level=ERROR',
          headers: { authorization: `Bearer ${c.admin}` },
        },
        (response) => {
          assert.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8');
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            if (text.startsWith(': following')) {
              text = text.replace(': following\n\n', '');
              void insertLogEntries(c.database.db, [
                { timestamp: at(6), serviceName: 'ledger', level: 'ERROR', message: 'other service' },
                { timestamp: at(7), serviceName: 'codex', level: 'INFO', message: 'too low' },
                { timestamp: at(8), serviceName: 'codex', level: 'CRITICAL', message: 'live one' },
              ]).catch(reject);
            }
            if (text.includes('\n\n')) {
              request.destroy();
              resolve(text);
            }
          });
        },
      );
      request.on('error', reject);
    });
    assert.match(received, /^event: log\nid: \d+\ndata: \{.*"live one".*\}\n\n$/);
  });

  it('keeps only the newest entries when trimming by size', async () => {
    const total = await countLogEntries(c.database.db);
    assert.equal(await trimLogEntries(c.database.db, total + 10), 0);
    assert.equal(await trimLogEntries(c.database.db, 3, 2), total - 3);
    assert.equal(await countLogEntries(c.database.db), 3);
    const newest = await api('limit=10');
    assert.ok(
      newest.entries.some((e) => e.message === 'live one'),
      'the newest survive',
    );
  });
});
