/**
 * Helm's log store on a real database: the batch insert, retention by age, rows and bytes, and
 * the viewer's query (filters and keyset paging), checked against the same filters applied in
 * JavaScript to what was inserted. The text search's second step (beyond the newest rows) is
 * exercised with a small window instead of a million rows.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { migrate, migrationsDir, openDatabase, type Database } from '@hivematrix/sdk/db';
import { createTestDatabase, type TestDatabase } from '@hivematrix/sdk/testing';
import { LOG_LEVELS, queryLogs, type LogFilter } from '../src/db/log-query.js';
import {
  countLogEntries,
  enforceLogRetention,
  entryBytes,
  insertLogEntries,
  purgeLogEntries,
  trimLogEntriesToBytes,
} from '../src/db/logs.js';
import { logEntries, schema, type LogEntryRow, type NewLogEntry } from '../src/db/schema.js';

const BASE = Date.UTC(2026, 10, 25, 10, 0);
const SERVICES = ['codex', 'ledger', 'nexus'];
const WORDS = ['request done', 'cache miss', 'slow query', 'token refreshed', '50%_off \\ sale'];

/** 60 entries; many share a timestamp (ten per second), so paging must break ties by id. */
function sampleEntries(): NewLogEntry[] {
  return Array.from({ length: 60 }, (_, index) => ({
    timestamp: new Date(BASE + Math.floor(index / 10) * 1000),
    serviceName: SERVICES[index % 3] ?? 'codex',
    level: LOG_LEVELS[(index * 7) % 5] ?? 'INFO',
    message: `${WORDS[index % 5] ?? ''} #${index}`,
    traceId: index % 4 === 0 ? `req-${index % 12}` : null,
    context: { index },
  }));
}

/** The filter in JavaScript: what queryLogs must return, in its order. */
function expected(rows: readonly LogEntryRow[], filter: LogFilter): number[] {
  const ascending = filter.traceId !== undefined;
  const minLevel = filter.level === undefined ? 0 : LOG_LEVELS.indexOf(filter.level);
  return rows
    .filter((row) => filter.service === undefined || row.serviceName === filter.service)
    .filter((row) => LOG_LEVELS.indexOf(row.level as (typeof LOG_LEVELS)[number]) >= minLevel)
    .filter((row) => filter.from === undefined || row.timestamp >= filter.from)
    .filter((row) => filter.to === undefined || row.timestamp <= filter.to)
    .filter((row) => filter.traceId === undefined || row.traceId === filter.traceId)
    .filter((row) => filter.text === undefined || row.message.toLowerCase().includes(filter.text.toLowerCase()))
    .sort((a, b) => (a.timestamp.getTime() - b.timestamp.getTime() || a.id - b.id) * (ascending ? 1 : -1))
    .map((row) => row.id);
}

describe('helm log store', () => {
  let testDb: TestDatabase;
  let database: Database<typeof schema>;
  before(async () => {
    testDb = await createTestDatabase('helm_logs');
    database = openDatabase({ url: testDb.url, applicationName: 'helm-log-store-test', schema });
    await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
  });
  after(async () => {
    await database.close();
    await testDb.drop();
  });
  beforeEach(async () => {
    await database.db.execute(sql`TRUNCATE log_entries`);
  });

  const all = async () => database.db.select().from(logEntries).orderBy(logEntries.id);

  /** Every page of `filter`, `size` at a time, following the cursor. */
  const walk = async (filter: LogFilter, size: number, window?: number): Promise<number[]> => {
    const ids: number[] = [];
    let cursor = filter.after;
    for (let pages = 0; pages < 100; pages += 1) {
      const page = await queryLogs(
        database.db,
        cursor === undefined ? filter : { ...filter, after: cursor },
        size,
        window,
      );
      assert.ok(page.entries.length <= size);
      ids.push(...page.entries.map((entry) => entry.id));
      if (page.next === null) return ids;
      cursor = page.next;
    }
    throw new Error('paging did not end');
  };

  it('stores a batch in one statement, keeping order, nulls and contexts, all or nothing', async () => {
    const many = Array.from({ length: 5000 }, (_, index) => ({
      timestamp: new Date(BASE + index),
      serviceName: 'codex',
      level: 'INFO',
      message: `m${index}`,
    }));
    assert.equal(await insertLogEntries(database.db, many), 5000, 'more rows than one multi-row INSERT could bind');
    const rows = await all();
    assert.deepEqual(rows.map((row) => row.message).slice(0, 3), ['m0', 'm1', 'm2']);
    assert.equal(rows.at(-1)?.message, 'm4999');
    assert.deepEqual(rows[0]?.context, {});
    assert.equal(rows[0]?.traceId, null);
    assert.ok(
      rows.every((row, index) => row.timestamp.getTime() === BASE + index),
      'timestamps keep their milliseconds and zone',
    );

    await database.db.execute(sql`TRUNCATE log_entries`);
    await insertLogEntries(database.db, [
      {
        timestamp: new Date(BASE),
        receivedAt: new Date(BASE + 5),
        serviceName: 'ledger',
        level: 'ERROR',
        message: 'x',
        context: { a: [1, 'two'], q: 'it\'s "quoted"' },
        traceId: 't',
        userId: 'u',
        hostname: 'h',
        processId: 42,
      },
    ]);
    const [row] = await all();
    assert.deepEqual(row?.context, { a: [1, 'two'], q: 'it\'s "quoted"' });
    assert.deepEqual(
      [row?.receivedAt.getTime(), row?.traceId, row?.userId, row?.hostname, row?.processId],
      [BASE + 5, 't', 'u', 'h', 42],
    );

    await assert.rejects(
      insertLogEntries(database.db, [
        { timestamp: new Date(BASE), serviceName: 'codex', level: 'INFO', message: 'ok' },
        { timestamp: new Date(BASE), serviceName: 'codex', level: 'LOUD', message: 'bad' },
      ]),
    );
    assert.equal(await countLogEntries(database.db), 1, 'a batch with one bad row stores nothing');
  });

  it('filters by service, lowest level, time range, correlation id and literal text, alone and combined', async () => {
    await insertLogEntries(database.db, sampleEntries());
    const rows = await all();
    const filters: LogFilter[] = [
      {},
      { service: 'ledger' },
      { level: 'WARNING' },
      { service: 'codex', level: 'ERROR' },
      { from: new Date(BASE + 2000), to: new Date(BASE + 3000) },
      { traceId: 'req-4' },
      { text: 'SLOW' },
      { text: '50%_off \\' },
      { text: '%' },
      { service: 'nexus', level: 'INFO', text: 'cache' },
      { service: 'codex', text: 'token', from: new Date(BASE + 1000) },
    ];
    for (const filter of filters) {
      const want = expected(rows, filter);
      assert.ok(filter.text !== '%' || want.length === 12, 'the literal % only in its own message');
      assert.deepEqual(
        (await queryLogs(database.db, filter, 100)).entries.map((entry) => entry.id),
        want,
        JSON.stringify(filter),
      );
      assert.deepEqual(await walk(filter, 4), want, `paged: ${JSON.stringify(filter)}`);
      if (filter.text !== undefined)
        assert.deepEqual(await walk(filter, 4, 7), want, `text beyond a 7-row window: ${JSON.stringify(filter)}`);
    }
  });

  it('pages by keyset across equal timestamps without repeats or gaps, also past the search window', async () => {
    // Inserted out of order: ids do not follow time, and 30 entries share one timestamp.
    const same = new Date(BASE + 5000);
    await insertLogEntries(database.db, [
      ...Array.from({ length: 30 }, (_, index) => ({
        timestamp: same,
        serviceName: SERVICES[index % 3] ?? 'codex',
        level: 'INFO',
        message: `tie ${index}`,
      })),
      ...Array.from({ length: 10 }, (_, index) => ({
        timestamp: new Date(BASE + 9000 - index * 1000),
        serviceName: 'codex',
        level: 'INFO',
        message: `tie later ${index}`,
      })),
    ]);
    const rows = await all();
    for (const [filter, window] of [
      [{}, undefined],
      [{ text: 'tie' }, 5],
      [{ service: 'codex', text: 'tie' }, 3],
      [{ text: 'tie 2' }, 4],
    ] as const) {
      const want = expected(rows, filter);
      for (const size of [1, 3, 7]) {
        const got = await walk(filter, size, window);
        assert.equal(new Set(got).size, got.length, 'no entry twice');
        assert.deepEqual(got, want, `pages of ${size} for ${JSON.stringify(filter)}`);
      }
    }
  });

  it('deletes by age (received time), keeping what is newer', async () => {
    await insertLogEntries(database.db, [
      {
        timestamp: new Date(BASE),
        receivedAt: new Date(BASE - 3 * 86_400_000),
        serviceName: 'codex',
        level: 'INFO',
        message: 'old',
      },
      // A client clock in the past does not make a fresh entry old: age is helm's received time.
      {
        timestamp: new Date(BASE - 30 * 86_400_000),
        receivedAt: new Date(BASE),
        serviceName: 'codex',
        level: 'INFO',
        message: 'fresh, wrong clock',
      },
      { timestamp: new Date(BASE), receivedAt: new Date(BASE), serviceName: 'codex', level: 'INFO', message: 'fresh' },
    ]);
    assert.equal(await purgeLogEntries(database.db, new Date(BASE - 86_400_000)), 1);
    assert.deepEqual(
      (await all()).map((row) => row.message),
      ['fresh, wrong clock', 'fresh'],
    );
  });

  it('keeps the newest entries within a byte budget, and a second run deletes nothing more', async () => {
    await insertLogEntries(
      database.db,
      Array.from({ length: 200 }, (_, index) => ({
        timestamp: new Date(BASE + index),
        serviceName: 'codex',
        level: 'INFO',
        message: `${index} ${'x'.repeat(index % 2 === 0 ? 200 : 2000)}`,
      })),
    );
    const sizes = async () =>
      (
        await database.db.execute<{ id: string; bytes: number }>(
          sql`SELECT id, ${entryBytes} AS bytes FROM log_entries ORDER BY id DESC`,
        )
      ).rows;
    const before = await sizes();
    assert.ok(
      (before[0]?.bytes ?? 0) < (before[1]?.bytes ?? 0),
      'a long repetitive message counts as stored (compressed by PostgreSQL)',
    );
    const total = before.reduce((sum, row) => sum + row.bytes, 0);
    assert.equal(await trimLogEntriesToBytes(database.db, total), 0, 'within budget');

    const budget = Math.floor(total / 3);
    const deleted = await trimLogEntriesToBytes(database.db, budget, 16);
    const after = await sizes();
    assert.equal(deleted + after.length, before.length);
    const kept = after.reduce((sum, row) => sum + row.bytes, 0);
    assert.ok(kept <= budget, `${kept} bytes kept within ${budget}`);
    const firstGone = before[after.length];
    assert.ok(firstGone !== undefined && kept + firstGone.bytes > budget, 'as many as fit are kept');
    assert.deepEqual(
      after.map((row) => row.id),
      before.slice(0, after.length).map((row) => row.id),
      'the newest are kept',
    );
    assert.equal(await trimLogEntriesToBytes(database.db, budget), 0, 'deleted space is not counted again');
  });

  it('applies age, row and byte limits together', async () => {
    await insertLogEntries(
      database.db,
      Array.from({ length: 50 }, (_, index) => ({
        timestamp: new Date(BASE + index),
        receivedAt: new Date(BASE + index * 60_000),
        serviceName: 'ledger',
        level: 'INFO',
        message: `entry ${index}`,
      })),
    );
    assert.equal(await enforceLogRetention(database.db, { receivedBefore: new Date(BASE + 10 * 60_000) }), 10);
    assert.equal(await enforceLogRetention(database.db, { maxRows: 30 }), 10);
    const [one] = (
      await database.db.execute<{ bytes: number }>(sql`SELECT max(${entryBytes}) AS bytes FROM log_entries`)
    ).rows;
    assert.equal(
      await enforceLogRetention(database.db, {
        receivedBefore: new Date(BASE),
        maxRows: 30,
        maxBytes: (one?.bytes ?? 0) * 5,
      }),
      25,
    );
    assert.deepEqual(
      (await all()).map((row) => row.message),
      ['entry 45', 'entry 46', 'entry 47', 'entry 48', 'entry 49'],
    );
  });
});
