/**
 * Ledger's month at volume (issue 8): the billing engine alone for 1,000 clients (target < 1 s),
 * then the dashboard end to end: ledger's `GET /api/billing/dashboard` over HTTP, reading a real
 * codex over HTTP with service tokens, both on PostgreSQL, codex seeded with its own seed code
 * (1,000 companies, their contacts and assets) plus tickets and dated time entries (issue 8's
 * target was < 10 s; issue 17's is < 300 ms, the one the ratio is printed against).
 *
 * Usage: tsx bench/ledger.ts [--clients N] [--contacts-per-client N] [--assets-per-client N]
 *        [--entries-per-client N] [--history-months N] [--yearly-every N (0: none)] [--runs N]
 * PROBE=1 also prints the time of every codex call.
 * Uses TEST_DATABASE_URL's server when set, else an embedded PostgreSQL started for the run.
 */
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createLocalKeySet, createLogger, createServiceClient, createTokenVerifier } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys } from '@hivematrix/sdk/testing';
import { schema as codexSchema } from '../services/codex/src/db/schema.js';
import { seedDatabase, seededRandom } from '../services/codex/src/db/seed.js';
import { buildBenchCodex } from './support/codex.js';
import { buildApp as buildLedger } from '../services/ledger/src/app.js';
import { httpCodexSource, type CodexSource } from '../services/ledger/src/codex/source.js';
import { ledgerEnvSchema } from '../services/ledger/src/config.js';
import { schema as ledgerSchema } from '../services/ledger/src/db/schema.js';
import { saveClientOverrides } from '../services/ledger/src/db/store.js';
import { computeBill, type BillInput } from '../services/ledger/src/engine/index.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    'contacts-per-client': { type: 'string', default: '30' },
    'assets-per-client': { type: 'string', default: '30' },
    'entries-per-client': { type: 'string', default: '40' },
    'history-months': { type: 'string', default: '9' },
    'yearly-every': { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
  },
});
const CLIENTS = Number(values.clients);
const CONTACTS = CLIENTS * Number(values['contacts-per-client']);
const ASSETS = CLIENTS * Number(values['assets-per-client']);
const ENTRIES = Number(values['entries-per-client']);
const HISTORY = Number(values['history-months']);
const RUNS = Number(values.runs);
const YEARLY_EVERY = Number(values['yearly-every']);
const MONTH = '2025-10';
const ENGINE_TARGET_MS = 1000;
const DASHBOARD_TARGET_MS = 300;

const median = (list: readonly number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? NaN;
const ms = (value: number) => `${value.toFixed(0)} ms`;

// 1. The engine alone: inputs built in memory, as billMonth hands them over.
const random = seededRandom(11);
const TB = 1024 ** 4;
const inputs: BillInput[] = Array.from({ length: CLIENTS }, (_, c) => {
  const users = 10 + Math.floor(random() * 41);
  const devices = 5 + Math.floor(random() * 46);
  return {
    period: { year: 2025, month: 10 },
    client: {
      accountNumber: String(100000 + c),
      name: `Client ${c}`,
      planName: 'Basic Support',
      term: '1 Year',
      contractStart: '2024-04-01',
    },
    planRates: {
      perUser: 5000,
      perWorkstation: 7500,
      perServer: 15000,
      perVirtualMachine: 10000,
      perSwitch: 2500,
      perFirewall: 5000,
      perHour: 10000,
      backupBaseWorkstation: 2000,
      backupBaseServer: 4000,
      backupPerTb: 1500,
      backupIncludedTb: 1,
    },
    rateOverrides: c % 10 === 0 ? { perUser: 6000 } : {},
    prepaidHours: { monthly: c % 4, yearly: c % 3 === 0 ? 20 : 0 },
    users: Array.from({ length: users }, (_, i) => ({
      id: `contact:${c * 100 + i}`,
      name: `User ${i}`,
      source: 'codex' as const,
      active: i % 12 !== 0,
      isAgent: false,
      billingType: i % 20 === 0 ? ('free' as const) : ('paid' as const),
      customCents: null,
    })),
    devices: Array.from({ length: devices }, (_, i) => ({
      id: `asset:${c * 100 + i}`,
      hostname: `H${c}-${i}`,
      source: 'codex' as const,
      active: true,
      billingType:
        i % 9 === 0 ? ('server' as const) : i % 13 === 0 ? ('virtual_machine' as const) : ('workstation' as const),
      customCents: null,
      backupBytes: i % 5 === 0 ? Math.floor(random() * 2 * TB) : 0,
    })),
    timeEntries: Array.from({ length: ENTRIES }, (_, i) => ({
      id: c * 1000 + i,
      ticketNumber: `T${c}-${i % 8}`,
      entryDate: `2025-10-${String(1 + (i % 31)).padStart(2, '0')}`,
      minutes: 15 * (1 + Math.floor(random() * 8)),
      billable: i % 6 !== 0,
    })),
    priorMonths: Array.from({ length: 6 }, (_, i) => ({
      month: `2025-0${4 + i}`,
      billableMinutes: Math.floor(random() * 1200),
    })),
    lineItems: [{ id: c, name: 'M365', recurring: { cents: 1999 * (1 + (c % 5)), firstMonth: null, lastMonth: null } }],
  };
});
const engineRuns: number[] = [];
let engineTotal = 0;
for (let run = 0; run < Math.max(3, RUNS); run += 1) {
  const started = performance.now();
  engineTotal = 0;
  for (const input of inputs) engineTotal += computeBill(input).totalCents;
  engineRuns.push(performance.now() - started);
}
const engineMs = median(engineRuns);
console.log(
  `==> Engine: ${CLIENTS} clients (10–50 users, 5–50 devices, ${ENTRIES} time entries each, total $${(engineTotal / 100).toFixed(2)}), median of ${engineRuns.length} runs ${ms(engineMs)} (runs ${engineRuns.map(ms).join(', ')}); target < ${ms(ENGINE_TARGET_MS)}, ratio ${(engineMs / ENGINE_TARGET_MS).toFixed(3)}`,
);

/** Logs each codex read's time (PROBE=1). */
function timed(source: CodexSource): CodexSource {
  if (process.env.PROBE !== '1') return source;
  const time = async <T>(name: string, request: object, read: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await read();
    } finally {
      console.log(`   codex ${name}(${JSON.stringify(request).slice(0, 200)}) ${ms(performance.now() - started)}`);
    }
  };
  return {
    month: (request) => time('month', request, () => source.month(request)),
    totals: (request) => time('totals', request, () => source.totals(request)),
  };
}

// 2. The dashboard end to end, codex real.
const keys = await createTestKeys();
const logger = createLogger({ service: 'bench', level: 'silent' });
const codexDb = await createTestDatabase('codex_bench_ledger');
const ledgerDb = await createTestDatabase('ledger_bench');
// The seed's 400,000-entry insert can outlast the default 15 s statement timeout on a loaded machine.
const codexDatabase = openDatabase({
  url: codexDb.url,
  applicationName: 'codex-bench',
  schema: codexSchema,
  poolMax: 10,
  statementTimeoutMs: 300_000,
});
const ledgerDatabase = openDatabase({
  url: ledgerDb.url,
  applicationName: 'ledger-bench',
  schema: ledgerSchema,
  poolMax: 10,
});
try {
  await migrate(codexDatabase.pool, { dir: migrationsDir(import.meta.url, '../services/codex/src/db/migrations') });
  await migrate(ledgerDatabase.pool, { dir: migrationsDir(import.meta.url, '../services/ledger/src/db/migrations') });
  const seedStart = performance.now();
  await seedDatabase(codexDatabase.pool, { companies: CLIENTS, assets: ASSETS, contacts: CONTACTS }, seededRandom(42));
  // Backups on one asset in five; tickets (8 per company) and dated time entries for the month and the months before it.
  await codexDatabase.pool.query(
    `UPDATE assets SET backup_usage_bytes = (id * 7919 % 2000) * 1099511627 WHERE id % 5 = 0`,
  );
  await codexDatabase.pool.query(
    `INSERT INTO tickets (provider, external_id, company_id, ticket_number, subject, status, created_at, updated_at)
     SELECT 'bench', c.id || '-' || t, c.id, 'T' || c.id || '-' || t, 'Bench ticket', 'closed', '2025-01-01', '2025-10-31' FROM companies c, generate_series(1, 8) t`,
  );
  await codexDatabase.pool.query(
    `INSERT INTO time_entries (ticket_id, provider, external_id, entry_date, minutes, billable)
     SELECT tk.id, 'bench', tk.id || '-' || m || '-' || e, make_date(2025, 10 - m, 1 + (e * 7 + tk.id)::int % 28), 15 * (1 + (e + tk.id)::int % 8), (e + tk.id) % 6 <> 0
     FROM tickets tk, generate_series(0, $1::int) m, generate_series(1, $2::int) e`,
    [HISTORY, Math.ceil(ENTRIES / 8)],
  );
  await codexDatabase.pool.query('VACUUM ANALYZE tickets, time_entries, assets');
  const counted = await codexDatabase.pool.query<{ entries: string; month: string }>(
    `SELECT count(*) AS entries, count(*) FILTER (WHERE entry_date >= '2025-10-01') AS month FROM time_entries`,
  );
  console.log(
    `==> Seeded codex with ${CLIENTS} companies, ${CONTACTS} contacts, ${ASSETS} assets, ${counted.rows[0]?.month} time entries in ${MONTH} and ${counted.rows[0]?.entries} over ${HISTORY + 1} months in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );

  const now = () => new Date('2025-11-03T12:00:00Z');
  const codex = await buildBenchCodex({
    url: codexDb.url,
    db: codexDatabase.db,
    ping: codexDatabase.ping,
    keys,
    logger,
    now,
  });
  await codex.listen({ host: '127.0.0.1', port: 0 });
  const codexUrl = `http://127.0.0.1:${(codex.server.address() as AddressInfo).port}`;
  // Core's /service-token is answered with a token minted by the platform's test keys, as core would.
  const client = createServiceClient({
    serviceName: 'ledger',
    secret: 'x'.repeat(32),
    coreUrl: 'http://core.invalid',
    services: { codex: { url: codexUrl } },
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url === 'http://core.invalid/service-token')
        return Response.json({ token: await keys.mintServiceToken('ledger', 'codex') });
      return globalThis.fetch(input, init);
    },
  });
  // A third of the clients have overrides: monthly prepaid hours, a rate, and one in --yearly-every
  // also yearly prepaid hours, drawn down over the earlier months of its contract year.
  const accounts = await codexDatabase.pool.query<{ account_number: string }>(
    'SELECT account_number FROM companies ORDER BY id',
  );
  for (const [i, row] of accounts.rows.entries()) {
    const yearly = YEARLY_EVERY > 0 && i % YEARLY_EVERY === 0 ? 10 : 0;
    if (i % 3 === 0 || yearly > 0)
      await saveClientOverrides(
        ledgerDatabase.db,
        row.account_number,
        {
          planName: null,
          rateOverrides: i % 2 === 0 ? { perUser: 5500 } : {},
          prepaidMonthly: 2,
          prepaidYearly: yearly,
        },
        now(),
      );
  }
  const ledgerConfig = ledgerEnvSchema.parse({
    SERVICE_NAME: 'ledger',
    DATABASE_URL: ledgerDb.url,
    RATE_LIMIT_PER_MINUTE: '10000000',
    BUSINESS_TIMEZONE: 'UTC',
  });
  const ledger = await buildLedger({
    config: ledgerConfig,
    logger,
    db: ledgerDatabase.db,
    ping: ledgerDatabase.ping,
    verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'ledger' }),
    codex: timed(httpCodexSource(client)),
    now,
  });
  await ledger.listen({ host: '127.0.0.1', port: 0 });
  const ledgerUrl = `http://127.0.0.1:${(ledger.server.address() as AddressInfo).port}`;
  const authorization = `Bearer ${await keys.mintUserToken({ permission_level: 'billing' })}`;
  try {
    for (const [name, path] of [
      ['dashboard JSON', `/api/billing/dashboard?month=${MONTH}`],
      ['dashboard HTML page', `/?month=${MONTH}&sort=total&dir=desc`],
    ] as const) {
      const times: number[] = [];
      let summary = '';
      for (let run = 0; run < RUNS; run += 1) {
        const started = performance.now();
        const res = await fetch(`${ledgerUrl}${path}`, { headers: { authorization } });
        const body = await res.text();
        times.push(performance.now() - started);
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 300)}`);
        if (path.startsWith('/api')) {
          const parsed = JSON.parse(body) as { total_cents: number; clients: { flags: string[]; hours: string }[] };
          const flagged = parsed.clients.filter((c) => c.flags.length > 0).length;
          const hours = parsed.clients.reduce((sum, c) => sum + Number(c.hours), 0);
          summary = `${parsed.clients.length} clients (${flagged} flagged "cannot bill"), ${hours.toFixed(0)} h, total $${(parsed.total_cents / 100).toFixed(2)}, ${(body.length / 1e6).toFixed(1)} MB`;
        } else summary = `${(body.length / 1e6).toFixed(1)} MB of HTML`;
      }
      const mid = median(times);
      console.log(
        `==> ${name}: ${summary}; median of ${RUNS} runs ${ms(mid)}, best ${ms(Math.min(...times))} (runs ${times.map(ms).join(', ')}); target < ${ms(DASHBOARD_TARGET_MS)}, ratio ${(mid / DASHBOARD_TARGET_MS).toFixed(3)}`,
      );
    }
  } finally {
    await ledger.close();
    await codex.close();
  }
} finally {
  await codexDatabase.close();
  await ledgerDatabase.close();
  await codexDb.drop();
  await ledgerDb.drop();
}
