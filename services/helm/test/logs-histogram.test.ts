/** The logs page's histogram (volume by level in slices of the range) and its time-range presets. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logHistogram } from '../src/db/log-histogram.js';
import { insertLogEntries } from '../src/db/logs.js';
import { startConsole, type Console } from './console-harness.js';

describe('helm console: logs histogram', () => {
  let c: Console;
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute));
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  before(async () => {
    c = await startConsole();
    await insertLogEntries(c.database.db, [
      { timestamp: at(0), serviceName: 'codex', level: 'INFO', message: 'first slice' },
      { timestamp: at(1), serviceName: 'codex', level: 'ERROR', message: 'first slice' },
      { timestamp: at(9), serviceName: 'codex', level: 'WARNING', message: 'first slice, its end' },
      { timestamp: at(10), serviceName: 'ledger', level: 'INFO', message: 'second slice' },
      { timestamp: at(59), serviceName: 'codex', level: 'CRITICAL', message: 'last slice' },
      { timestamp: at(60), serviceName: 'codex', level: 'CRITICAL', message: 'the range end is inclusive: last slice' },
      { timestamp: at(61), serviceName: 'codex', level: 'ERROR', message: 'outside the range' },
      // Relative to now, for the page's presets.
      { timestamp: ago(5), serviceName: 'beacon', level: 'ERROR', message: 'five minutes ago' },
      { timestamp: ago(30), serviceName: 'beacon', level: 'INFO', message: 'half an hour ago' },
      { timestamp: ago(180), serviceName: 'beacon', level: 'WARNING', message: 'three hours ago' },
    ]);
  });
  after(async () => c.close());

  it('counts entries by level in equal slices of the range, under the other filters', async () => {
    const histogram = await logHistogram(c.database.db, {}, at(0), at(60), 6);
    assert.equal(histogram.bucketMs, 10 * 60_000);
    assert.deepEqual(
      histogram.buckets.map((bucket) => bucket.total),
      [3, 1, 0, 0, 0, 2],
    );
    assert.deepEqual(histogram.buckets[0]?.counts, { DEBUG: 0, INFO: 1, WARNING: 1, ERROR: 1, CRITICAL: 0 });
    assert.equal(histogram.buckets[5]?.counts.CRITICAL, 2);
    assert.deepEqual(histogram.buckets.map((bucket) => bucket.start.toISOString()).slice(0, 2), [
      at(0).toISOString(),
      at(10).toISOString(),
    ]);

    const codexErrors = await logHistogram(c.database.db, { service: 'codex', level: 'ERROR' }, at(0), at(60), 6);
    assert.deepEqual(
      codexErrors.buckets.map((bucket) => bucket.total),
      [1, 0, 0, 0, 0, 2],
    );
    const cursorIgnored = await logHistogram(
      c.database.db,
      { after: { timestamp: at(0), id: 1 }, sinceId: 1_000_000 },
      at(0),
      at(60),
      6,
    );
    assert.equal(
      cursorIgnored.buckets.reduce((sum, bucket) => sum + bucket.total, 0),
      6,
      'the paging cursor does not shrink the histogram',
    );
  });

  it('draws the histogram on the page for the chosen preset, with the filter bar on one form', async () => {
    const res = await c.app.inject({
      url: '/logs?range=1h&service=beacon',
      headers: { authorization: `Bearer ${c.admin}`, 'x-forwarded-prefix': '/helm' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const html = res.body;
    assert.match(html, /<form class="logs-filters"[^>]*action="\/helm\/logs"/);
    assert.match(html, /<option value="1h" selected/);
    assert.match(html, /id="logs-follow" data-stream="\/helm\/api\/logs\/stream\?service=beacon"/);
    assert.ok(html.includes('five minutes ago') && html.includes('half an hour ago'));
    assert.ok(!html.includes('three hours ago'), 'older than the preset');
    const bars = [...html.matchAll(/data-level="([A-Z]+)" data-count="(\d+)"/g)]
      .map((match) => `${match[1]}:${match[2]}`)
      .sort();
    assert.deepEqual(bars, ['ERROR:1', 'INFO:1']);
    assert.match(html, /ERROR 1/);
    assert.match(html, /src="\/helm\/static\/helm-logs.js"/);
    const script = await c.app.inject({ url: '/static/helm-logs.js' });
    assert.equal(script.statusCode, 200);
    assert.match(script.body, /EventSource/);
    const bad = await c.app.inject({ url: '/logs?range=3y', headers: { authorization: `Bearer ${c.admin}` } });
    assert.equal(bad.statusCode, 400);
  });
});
