/**
 * `tsx services/codex/src/cli/seed.ts [--companies N] [--contacts N] [--assets N] [--database-url URL] [--seed N]`
 *
 * Fills an empty codex database with generated companies, contacts and assets (defaults: 10,000,
 * 50,000 and 100,000) and a plan catalogue, after applying the migrations. The database is
 * DATABASE_URL from codex's configuration unless --database-url names another.
 */
import { parseArgs } from 'node:util';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { loadCodexConfig } from '../config.js';
import { seedDatabase, seededRandom } from '../db/index.js';

const { values } = parseArgs({
  options: {
    companies: { type: 'string', default: '10000' },
    contacts: { type: 'string', default: '50000' },
    assets: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '42' },
    'database-url': { type: 'string' },
  },
});

const count = (name: string, raw: string | undefined): number => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 10_000_000)
    throw new Error(`--${name} must be a whole number from 1 to 10000000`);
  return value;
};

const url = values['database-url'] ?? loadCodexConfig(process.env).DATABASE_URL;
const database = openDatabase({ url, applicationName: 'codex-seed', statementTimeoutMs: 0 });
const started = Date.now();
try {
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../db/migrations') });
  await seedDatabase(
    database.pool,
    {
      companies: count('companies', values.companies),
      contacts: count('contacts', values.contacts),
      assets: count('assets', values.assets),
    },
    seededRandom(count('seed', values.seed)),
    (message) => process.stdout.write(`seeded ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`),
  );
} finally {
  await database.close();
}
