/**
 * Codex under a realistic volume: seeds a fresh database with 10,000 companies, 100,000 assets and
 * 50,000 contacts, then measures the companies list (paging, sorting, searching) and asset searches
 * through the whole service in-process (routing, authentication, validation, SQL, serialisation),
 * and prints p50/p95/p99 against the 100 ms p95 target.
 *
 * Usage: tsx bench/codex.ts [--companies N] [--assets N] [--contacts N] [--requests N]
 * Uses TEST_DATABASE_URL's server when set, else an embedded PostgreSQL started for the run.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createLogger } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys } from '@hivematrix/sdk/testing';
import { schema } from '../services/codex/src/db/schema.js';
import { seedDatabase, seededRandom } from '../services/codex/src/db/seed.js';
import { buildBenchCodex } from './support/codex.js';

const { values } = parseArgs({
  options: {
    companies: { type: 'string', default: '10000' },
    assets: { type: 'string', default: '100000' },
    contacts: { type: 'string', default: '50000' },
    requests: { type: 'string', default: '300' },
  },
});
const TARGET_P95_MS = 100;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const testDb = await createTestDatabase('codex_bench');
const database = openDatabase({ url: testDb.url, applicationName: 'codex-bench', schema, poolMax: 10 });
try {
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../services/codex/src/db/migrations') });
  const seedStart = performance.now();
  const counts = {
    companies: Number(values.companies),
    assets: Number(values.assets),
    contacts: Number(values.contacts),
  };
  await seedDatabase(database.pool, counts, seededRandom(42), (message) => console.log(`  seeded ${message}`));
  console.log(
    `==> Seeded ${counts.companies} companies, ${counts.assets} assets, ${counts.contacts} contacts in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );

  const keys = await createTestKeys();
  const now = () => new Date();
  const logger = createLogger({ service: 'codex', level: 'silent' });
  const app = await buildBenchCodex({ url: testDb.url, db: database.db, ping: database.ping, keys, logger, now });
  await app.ready();
  const authorization = `Bearer ${await keys.mintUserToken({ permission_level: 'technician' })}`;
  const random = seededRandom(7);
  const requests = Number(values.requests);
  const pages = Math.max(1, Math.floor(counts.companies / 50));
  const words = ['north', 'contoso', 'dental', 'law', 'fabrikam', 'clinic', 'motors', '1004', 'realty', 'wide world'];
  const hostFragments = ['NORT1', 'CONT4', '-SRV', 'FABR77', '-FW0', 'WING3', '-VM00', '0042', 'ALPI12', 'LUCE'];
  const scenarios: { name: string; url: () => string }[] = [
    {
      name: 'companies list, a page sorted by name',
      url: () => `/api/companies?page=${1 + Math.floor(random() * pages)}&per_page=50`,
    },
    {
      name: 'companies list, sorted by contract end',
      url: () => `/api/companies?sort=contract_end&dir=desc&page=${1 + Math.floor(random() * 20)}`,
    },
    {
      name: 'companies search',
      url: () => `/api/companies?q=${encodeURIComponent(words[Math.floor(random() * words.length)] ?? 'north')}`,
    },
    {
      name: 'asset search by hostname',
      url: () =>
        `/api/assets?q=${encodeURIComponent(hostFragments[Math.floor(random() * hostFragments.length)] ?? 'NORT')}`,
    },
    {
      name: 'assets filtered (type, online, page)',
      url: () => `/api/assets?billing_type=server&online=true&page=${1 + Math.floor(random() * 20)}`,
    },
    { name: 'companies list page (HTML)', url: () => `/companies?page=${1 + Math.floor(random() * pages)}` },
  ];

  console.log(
    `==> ${requests} requests per scenario, in-process through the whole service (target p95 < ${TARGET_P95_MS} ms)`,
  );
  let worst = 0;
  for (const scenario of scenarios) {
    for (let i = 0; i < 20; i += 1) await app.inject({ url: scenario.url(), headers: { authorization } });
    const times: number[] = [];
    for (let i = 0; i < requests; i += 1) {
      const url = scenario.url();
      const start = performance.now();
      const res = await app.inject({ url, headers: { authorization } });
      times.push(performance.now() - start);
      if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
    }
    times.sort((a, b) => a - b);
    const p95 = percentile(times, 95);
    worst = Math.max(worst, p95);
    console.log(
      `  ${scenario.name.padEnd(42)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms  p99 ${percentile(times, 99).toFixed(1).padStart(6)} ms  (p95/target ${(p95 / TARGET_P95_MS).toFixed(2)})`,
    );
  }
  console.log(
    worst < TARGET_P95_MS
      ? `==> OK: worst p95 ${worst.toFixed(1)} ms`
      : `==> SLOW: worst p95 ${worst.toFixed(1)} ms exceeds ${TARGET_P95_MS} ms`,
  );
  await app.close();
  process.exitCode = worst < TARGET_P95_MS ? 0 : 1;
} finally {
  await database.close();
  await testDb.drop();
}
