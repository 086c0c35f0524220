/**
 * PostgreSQL, the first system dependency: the embedded server (data under instance/postgres, on
 * the port recorded in the master configuration) or an external server, then one database and
 * one role per service. On an external server helm only creates what is missing: an existing role
 * or database is left exactly as it is.
 */
import pg from 'pg';
import { ensureDatabase, freePort, startEmbeddedPostgres, type DbLogger } from '@hivematrix/sdk/db';
import { activeApps } from '../generate/index.js';
import type { LoadedPlatform } from '../generate/index.js';
import { isPortFree } from './ports.js';

/** A running (or external) PostgreSQL. */
export interface PostgresHandle {
  mode: 'embedded' | 'external';
  port: number | undefined;
  /** Stops the embedded server; nothing for an external one. */
  stop: () => Promise<void>;
}

/**
 * Starts the embedded server on its recorded port. When that port has been taken by something
 * else since, `onPortTaken` is asked to record a new one and reload, and the server starts there.
 */
export async function startPostgres(
  loaded: LoadedPlatform,
  logger: DbLogger,
  onPortTaken: (port: number) => Promise<LoadedPlatform>,
): Promise<{ handle: PostgresHandle; loaded: LoadedPlatform }> {
  const { databases } = loaded.config;
  if (databases.mode === 'external') {
    return { handle: { mode: 'external', port: undefined, stop: async () => undefined }, loaded };
  }
  let current = loaded;
  let port = databases.embedded.port;
  if (!(await isPortFree(port))) {
    const replacement = await freePort();
    logger.warn(
      { port, replacement },
      'the recorded PostgreSQL port is taken by another program; moving to a free one',
    );
    current = await onPortTaken(replacement);
    port = replacement;
  }
  const server = await startEmbeddedPostgres({
    dataDir: current.paths.postgresDir,
    port,
    superuserPassword: current.config.databases.embedded.superuser_password,
    persistent: true,
    logger,
  });
  return { handle: { mode: 'embedded', port: server.port, stop: server.stop }, loaded: current };
}

async function exists(adminUrl: string, role: string, database: string): Promise<{ role: boolean; database: boolean }> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'hivematrix-helm' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const roles = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const databases = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    return { role: (roles.rowCount ?? 0) > 0, database: (databases.rowCount ?? 0) > 0 };
  } finally {
    await client.end();
  }
}

/**
 * Makes sure every active app with a database has it. Returns the names provisioned. Apps whose
 * database URL is set explicitly in the master configuration are the operator's business.
 */
export async function provisionDatabases(loaded: LoadedPlatform, logger: DbLogger): Promise<string[]> {
  const adminUrl = loaded.context.derived.postgresAdminUrl;
  const external = loaded.config.databases.mode === 'external';
  const done: string[] = [];
  for (const app of activeApps(loaded.context)) {
    const grant = loaded.config.databases.apps[app.name];
    if (!app.database || grant === undefined || grant.url !== undefined) continue;
    if (adminUrl === undefined) {
      throw new Error(
        `databases.admin_url is not set, so helm cannot create ${app.name}'s database; set it, or set databases.apps.${app.name}.url`,
      );
    }
    if (external) {
      const found = await exists(adminUrl, grant.role, grant.database);
      if (found.role && found.database) continue;
    }
    await ensureDatabase(adminUrl, { database: grant.database, role: grant.role, password: grant.password });
    logger.info({ app: app.name, database: grant.database }, 'database ready');
    done.push(app.name);
  }
  return done;
}
