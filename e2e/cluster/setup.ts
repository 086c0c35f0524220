/**
 * The cluster test's platform: a clone configured by helm as an operator would for several
 * machines (external PostgreSQL at `TEST_DATABASE_URL` with databases of this run's own names,
 * Redis by URL, the production build), started once by helm so that it provisions the databases,
 * migrates, creates the realm and the admin and generates every env file; then helm stops it all,
 * so that the test can run two instances of every service from that configuration behind HAProxy
 * (helm itself is not part of the cluster: in Kubernetes it is not deployed either, and services
 * whose log shipper finds no helm keep running).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dropDatabase, dropRole } from '@hivematrix/sdk/db';
import { clonePlatform, type Platform } from '../platform.js';

/** A service as services.json names it. */
export interface ServiceEntry {
  name: string;
  /** The port every other service (and the browser, for nexus) reaches it on: HAProxy's frontend. */
  port: number;
  tls: boolean;
}

/** What `prepareCluster` leaves ready. */
export interface ClusterPlatform {
  platform: Platform;
  instanceDir: string;
  /** The clustered services in start order (helm excluded: it runs once). */
  services: ServiceEntry[];
  /** The database names of this run, each `hmc<run>_<app>` (roles the same). */
  databases: Record<string, string>;
  adminUrl: string;
  /** Stops helm, removes the clone, drops this run's databases and roles. */
  dispose(): Promise<void>;
}

interface MasterConfig {
  system: Record<string, unknown>;
  databases: { mode: string; admin_url?: string; apps: Record<string, { database: string; role: string }> };
  redis: { url?: string };
  backups: Record<string, unknown>;
  apps: Record<string, { enabled?: boolean; host?: string; env?: Record<string, string> }>;
}

/** Options of `prepareCluster`. */
export interface PrepareOptions {
  /** A superuser URL of the PostgreSQL server the databases go in. */
  adminUrl: string;
  /** The Redis every instance shares (a database number of its own is fine). */
  redisUrl: string;
  /** Extra variables per app in the generated env files. */
  appEnv?: Record<string, Record<string, string>>;
  log: (line: string) => void;
}

export async function prepareCluster(options: PrepareOptions): Promise<ClusterPlatform> {
  const run = randomBytes(4).toString('hex');
  const platform = await clonePlatform({ enable: [] });
  const instanceDir = path.join(platform.clone, 'instance');
  const configFile = path.join(instanceDir, 'configs', 'master_config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as MasterConfig;
  config.system.runtime = 'build';
  config.databases.mode = 'external';
  config.databases.admin_url = options.adminUrl;
  const databases: Record<string, string> = {};
  for (const [name, grant] of Object.entries(config.databases.apps)) {
    databases[name] = `hmc${run}_${name}`;
    grant.database = databases[name];
    grant.role = databases[name];
  }
  config.redis.url = options.redisUrl;
  // No backup during the run: helm's scheduled backup is not what this test measures.
  config.backups.schedule = false;
  for (const [name, env] of Object.entries(options.appEnv ?? {})) {
    const app = config.apps[name];
    if (app !== undefined) app.env = { ...app.env, ...env };
  }
  // The gateway's instances listen on loopback only; HAProxy is the one that faces browsers.
  if (config.apps.nexus !== undefined) config.apps.nexus.host = '127.0.0.1';
  await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });

  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await platform.dispose();
    for (const name of Object.values(databases)) {
      await dropDatabase(options.adminUrl, name).catch((error: unknown) =>
        options.log(`drop database ${name}: ${String(error)}`),
      );
      await dropRole(options.adminUrl, name).catch((error: unknown) =>
        options.log(`drop role ${name}: ${String(error)}`),
      );
    }
  };
  try {
    let started = Date.now();
    const build = await platform.run('npm', ['run', '--silent', 'build']);
    assert.equal(build.code, 0, build.out);
    options.log(`build: ${Date.now() - started} ms`);
    started = Date.now();
    await platform.start();
    options.log(`helm's first start: ${Date.now() - started} ms`);

    const servicesJson = JSON.parse(await readFile(path.join(instanceDir, 'services.json'), 'utf8')) as Record<
      string,
      { url: string }
    >;
    const registry = JSON.parse(await readFile(path.join(platform.clone, 'apps_registry.json'), 'utf8')) as Record<
      string,
      Record<string, { install_order?: number }>
    >;
    const installOrder = new Map<string, number>();
    for (const section of [registry.core_apps, registry.default_apps]) {
      for (const [name, app] of Object.entries(section ?? {})) installOrder.set(name, app.install_order ?? 1_000);
    }
    // The registry's install order starts every service after what it depends on.
    const ordered = Object.keys(servicesJson)
      .filter((name) => name !== 'helm')
      .sort((a, b) => (installOrder.get(a) ?? 1_000) - (installOrder.get(b) ?? 1_000));
    const services = ordered.map((name) => {
      const url = new URL(servicesJson[name]?.url ?? '');
      return { name, port: Number(url.port), tls: url.protocol === 'https:' };
    });
    // Helm stops too: what it had to do (databases, migrations, the realm and its admin, every
    // env file) is done, and one `stop` is much quicker than one per service.
    started = Date.now();
    const stopped = await platform.cli(['stop']);
    assert.equal(stopped.code, 0, stopped.out);
    options.log(`helm stopped: ${Date.now() - started} ms`);
    return { platform, instanceDir, services, databases, adminUrl: options.adminUrl, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
