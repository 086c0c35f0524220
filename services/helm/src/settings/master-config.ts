/**
 * Creating, completing and saving the master configuration. Secrets are generated once, from a
 * cryptographic source, and then only ever read: a later run (a new hostname, a new app) adds
 * what is missing and never replaces what is there. The file is written atomically, mode 0600.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '@hivematrix/sdk/db';
import { masterConfigSchema, type MasterConfig } from './schema.js';

/** Sources of randomness and ports; tests freeze them. */
export interface SecretSources {
  randomBytes?: (size: number) => Buffer;
  freePort?: () => Promise<number>;
}

/** A new secret: 32 random bytes as hex (safe in URLs, env files and SQL literals). */
export function newSecret(randomBytes: (size: number) => Buffer = cryptoRandomBytes): string {
  return randomBytes(32).toString('hex');
}

/** A PostgreSQL identifier for an app (`my-app` → `my_app`). */
export function sqlName(app: string): string {
  return app.replace(/-/g, '_');
}

/** The app as the master configuration needs it. */
export interface ConfigApp {
  name: string;
  database: boolean;
  /** `false`: written as `enabled: false` when the app first enters the configuration. */
  enabledByDefault?: boolean;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Parses a master configuration, naming the file and every bad field. */
export function parseMasterConfig(raw: unknown, file: string): MasterConfig {
  const parsed = masterConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${file} is not a valid master configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Reads the master configuration; undefined when it does not exist yet. */
export async function readMasterConfig(file: string): Promise<MasterConfig | undefined> {
  const raw = await readJson(file);
  return raw === undefined ? undefined : parseMasterConfig(raw, file);
}

/** Writes a JSON file atomically (temp file + rename) with `mode`. */
export async function writeJsonAtomic(file: string, value: unknown, mode = 0o600): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode });
  await chmod(temp, mode);
  await rename(temp, file);
}

/**
 * Loads the master configuration, creating it on the first run and adding what is missing for
 * `apps` (a secret, database credentials). Existing values are never changed. Saves only when
 * something was added. Returns the configuration and whether it was created or changed.
 */
export async function ensureMasterConfig(
  file: string,
  apps: readonly ConfigApp[],
  sources: SecretSources = {},
): Promise<{ config: MasterConfig; created: boolean; changed: boolean }> {
  const random = sources.randomBytes ?? cryptoRandomBytes;
  const secret = (): string => newSecret(random);
  const raw = await readJson(file);
  const created = raw === undefined;
  const draft = (created ? {} : raw) as Record<string, Record<string, unknown> | undefined>;
  if (typeof draft !== 'object' || draft === null || Array.isArray(draft))
    throw new Error(`${file} must hold a JSON object`);
  let changed = created;

  const section = (name: string): Record<string, unknown> => {
    const existing = draft[name];
    if (existing !== undefined && (typeof existing !== 'object' || existing === null || Array.isArray(existing))) {
      throw new Error(`${file}: "${name}" must be an object`);
    }
    if (existing === undefined) {
      draft[name] = {};
      changed = true;
    }
    return draft[name] as Record<string, unknown>;
  };
  const fill = (target: Record<string, unknown>, key: string, make: () => unknown): void => {
    if (target[key] === undefined) {
      target[key] = make();
      changed = true;
    }
  };

  section('system');
  const keycloak = section('keycloak');
  fill(keycloak, 'admin_client_secret', secret);
  fill(keycloak, 'gateway_client_secret', secret);
  const databases = section('databases');
  const embedded = (databases.embedded ?? {}) as Record<string, unknown>;
  if (databases.embedded === undefined) databases.embedded = embedded;
  if (embedded.port === undefined) {
    // Picked once and recorded, so the services' database URLs stay stable across starts.
    embedded.port = await (sources.freePort ?? freePort)();
    changed = true;
  }
  fill(embedded, 'superuser_password', secret);
  const dbApps = (databases.apps ?? {}) as Record<string, Record<string, unknown>>;
  if (databases.apps === undefined) databases.apps = dbApps;
  const appSettings = section('apps');
  for (const app of apps) {
    const settings = (appSettings[app.name] ?? {}) as Record<string, unknown>;
    if (appSettings[app.name] === undefined) {
      appSettings[app.name] = settings;
      // Decided once, when the app first appears; the operator's later choice is never undone.
      if (app.enabledByDefault === false) settings.enabled = false;
    }
    fill(settings, 'secret', secret);
    if (app.database && dbApps[app.name] === undefined) {
      dbApps[app.name] = { database: sqlName(app.name), role: sqlName(app.name), password: secret() };
      changed = true;
    }
  }

  const config = parseMasterConfig(draft, file);
  // Saved in its normalised form, defaults written out, so the operator sees every setting.
  if (changed) await writeJsonAtomic(file, config);
  return { config, created, changed };
}
