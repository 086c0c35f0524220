/**
 * Throwaway databases for database-tier tests: each test makes its own, so tests never share data
 * and can run in parallel.
 *
 * The server is the one named by TEST_DATABASE_URL (the test runner starts one embedded cluster
 * per run and passes its URL; CI and development machines may point it at their local
 * PostgreSQL). Without it, a test file run by hand gets one embedded cluster for its process,
 * started on first use and deleted when the process exits.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { databaseUrl, dropDatabase } from '../db/provision.js';

export interface TestDatabase {
  /** Superuser URL of the new database. */
  url: string;
  /** Its name, `t_<label>_<random>`. */
  name: string;
  /** Terminates its connections and drops it; idempotent. */
  drop: () => Promise<void>;
}

/** One fallback cluster per process, shared by every test of the file. */
let fallbackServer: Promise<string> | undefined;

/** The admin URL of the test server: TEST_DATABASE_URL, or the lazily started embedded cluster. */
export function testServerUrl(): Promise<string> {
  // A test helper, so reading the environment here is allowed (config code is elsewhere).
  const configured = process.env.TEST_DATABASE_URL;
  if (configured !== undefined && configured !== '') return Promise.resolve(configured);
  fallbackServer ??= startFallbackServer();
  return fallbackServer;
}

async function startFallbackServer(): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hivematrix-test-pg-'));
  const server = await startEmbeddedPostgres({
    dataDir,
    superuserPassword: randomBytes(18).toString('base64url'),
    persistent: false,
  });
  // The test file's process must still end when its tests are done; the package's exit hook then
  // stops the server and, as it is not persistent, deletes its data dir.
  server.unref();
  return server.url;
}

/** Creates a fresh, uniquely named database on the test server. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const serverUrl = await testServerUrl();
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 40);
  const name = `t_${slug}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl, application_name: 'hivematrix-test-db' });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  let dropping: Promise<void> | undefined;
  return {
    url: databaseUrl(serverUrl, { database: name }),
    name,
    drop: () => {
      dropping ??= dropDatabase(serverUrl, name);
      return dropping;
    },
  };
}
