/**
 * Which databases a backup holds and how to reach them, from the loaded platform: every active
 * app with a database, its role's URL (for dumping and migrating as the owner), the admin URL
 * (for recreating the database and loading data) and its migrations folder.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { databaseUrl } from '@hivematrix/sdk/db';
import { activeApps } from '../generate/index.js';
import type { LoadedPlatform } from '../generate/index.js';
import type { HelmPaths } from '../paths.js';

/** One service database. */
export interface DatabaseTarget {
  component: string;
  database: string;
  role: string;
  password: string;
  /** As the service's own role. */
  url: string;
  /** A role that may drop and create the database; undefined when helm does not manage it. */
  adminUrl: string | undefined;
  /** The service's committed migrations (`<app dir>/src/db/migrations`). */
  migrationsDir: string;
}

/** The databases of the active apps, in start order. */
export function databaseTargets(loaded: LoadedPlatform): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [];
  for (const app of activeApps(loaded.context)) {
    if (!app.database) continue;
    const grant = loaded.config.databases.apps[app.name];
    const url = loaded.context.derived.databaseUrl(app);
    if (grant === undefined || url === undefined) continue;
    const admin = loaded.context.derived.postgresAdminUrl;
    targets.push({
      component: app.name,
      database: grant.database,
      role: grant.role,
      password: grant.password,
      url,
      // An app whose URL the operator set is not helm's to drop and recreate.
      adminUrl:
        grant.url === undefined && admin !== undefined ? databaseUrl(admin, { database: 'postgres' }) : undefined,
      migrationsDir: path.join(app.dir, 'src', 'db', 'migrations'),
    });
  }
  return targets;
}

/** The file naming this installation, kept with the master configuration (so backed up with it). */
export function platformIdFile(paths: HelmPaths): string {
  return path.join(paths.configsDir, 'platform_id');
}

/** This installation's id, or undefined when it has none yet (a fresh or wiped instance). */
export async function readPlatformId(paths: HelmPaths): Promise<string | undefined> {
  try {
    const text = (await readFile(platformIdFile(paths), 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The installation's id, created on first use; a restore of another platform's backup is refused by it. */
export async function ensurePlatformId(paths: HelmPaths): Promise<string> {
  const existing = await readPlatformId(paths);
  if (existing !== undefined) return existing;
  const id = randomUUID();
  await mkdir(paths.configsDir, { recursive: true, mode: 0o700 });
  await writeFile(platformIdFile(paths), `${id}\n`, { mode: 0o600 });
  return id;
}
