/**
 * `node packages/sdk/dist/cli/migrate.js <migrations folder>`: applies a service's SQL migrations
 * to `DATABASE_URL` and exits, for a deployment's migration Job (Kubernetes runs it before the
 * new version's pods; a service also applies them at boot, under the same advisory lock, so
 * running both is safe).
 */
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../db/migrate.js';

const dir = process.argv[2];
const url = process.env.DATABASE_URL;
if (dir === undefined || url === undefined || url === '') {
  process.stderr.write('usage: DATABASE_URL=postgres://… node migrate.js <migrations folder>\n');
  process.exit(64);
}
const pool = new pg.Pool({ connectionString: url, max: 1 });
try {
  const result = await migrate(pool, { dir: path.resolve(dir) });
  process.stdout.write(`${JSON.stringify({ migrations: dir, result })}\n`);
} finally {
  await pool.end();
}
