/**
 * `tsx services/codex/src/cli/demo.ts [--remove] [--database-url URL]`, run by `npx hivematrix demo`.
 *
 * Loads the demo MSP into codex's database (companies with contacts, assets of every billing type
 * with backup usage, plans, four months of tickets with conversations and dated time entries), or
 * with `--remove` takes exactly the demo rows away again. Applies codex's migrations first, so it
 * works before codex has ever started. The database is DATABASE_URL from codex's configuration
 * (instance/codex/.env) unless --database-url names another.
 */
import { parseArgs } from 'node:util';
import { AppError } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { loadCodexConfig } from '../config.js';
import { loadDemo, removeDemo, schema } from '../db/index.js';

const { values } = parseArgs({
  options: { remove: { type: 'boolean', default: false }, 'database-url': { type: 'string' } },
});

const config = values['database-url'] === undefined ? loadCodexConfig(process.env) : undefined;
const url = values['database-url'] ?? config?.DATABASE_URL;
const timeZone = config?.BUSINESS_TIMEZONE ?? 'UTC';
if (url === undefined) {
  process.stderr.write(
    'codex has no DATABASE_URL (instance/codex/.env): start the platform once, or pass --database-url\n',
  );
  process.exit(1);
}
const database = openDatabase({ url, applicationName: 'codex-demo', schema, statementTimeoutMs: 0 });
try {
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../db/migrations') });
  if (values.remove) {
    const removed = await removeDemo(database.db);
    process.stdout.write(
      `removed the demo: ${removed.companies} companies, ${removed.contacts} contacts, ${removed.assets} assets, ${removed.tickets} tickets, ${removed.timeEntries} time entries, ${removed.plans} plan rows\n`,
    );
    if (removed.kept.length > 0)
      process.stdout.write(
        `kept ${removed.kept.join(', ')}: a real sync linked them or real records belong to them (no longer marked as demo)\n`,
      );
  } else {
    const loaded = await loadDemo(database.db, new Date(), timeZone);
    process.stdout.write(
      `loaded the demo MSP: ${loaded.companies} companies (account numbers DEMO-…), ${loaded.contacts} contacts, ${loaded.assets} assets, ${loaded.tickets} tickets with ${loaded.timeEntries} time entries, ${loaded.plans} plan rows\n` +
        'remove it with: npx hivematrix demo --remove\n',
    );
  }
} catch (error) {
  process.stderr.write(`${error instanceof AppError || error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
