/**
 * The platform's app table: the registry merged with what discovery found on disk, every app's
 * port decided, and the start order computed. Everything else in helm (generation, supervision,
 * status) works from this one table.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PermissionLevel } from '@hivematrix/sdk';
import type { HelmPaths } from '../paths.js';
import { discoverApps, readManifest, type DiscoveredApp } from './discover.js';
import { startOrder } from './order.js';
import { assignPorts } from './ports.js';
import { registrySchema, type AppManifest, type Registry, type RegistryApp, type SystemDependency } from './schema.js';

/** Everything helm knows about one app. */
export interface AppDefinition {
  name: string;
  /** `core` for the platform's own services, `app` for business services. */
  kind: 'core' | 'app';
  /** Listed in apps_registry.json, or only found on disk. */
  source: 'registry' | 'discovered';
  dir: string;
  /** Entry file, relative to `dir`. */
  entry: string;
  /** Its folder and entry file exist. */
  installed: boolean;
  port: number;
  scheme: 'http' | 'https';
  displayName: string;
  description: string;
  icon: string;
  /** Apps and system dependencies it needs (postgresql added when it has a database). */
  dependsOn: string[];
  installOrder: number;
  visible: boolean;
  adminOnly: boolean;
  permissionLevels: PermissionLevel[] | undefined;
  publicPaths: string[];
  stripPrefix: boolean;
  database: boolean;
  /** Whether a new installation turns it on (registry `enabled_by_default`, default true). */
  enabledByDefault: boolean;
  gitUrl: string | undefined;
  install: string | undefined;
}

/** The registry and discovery combined. */
export interface PlatformApps {
  registry: Registry;
  /** Every known app, in start order. */
  apps: AppDefinition[];
  systemDependencies: Record<string, SystemDependency>;
  /** Apps and system dependencies in start order. */
  order: string[];
}

/** Options of `loadPlatformApps`. */
export interface LoadOptions {
  /** Ports set in the master configuration (`apps.<name>.port`), which win over everything. */
  portOverrides?: Record<string, number | undefined>;
}

/** Reads and validates apps_registry.json; the error names the file and every bad field. */
export async function readRegistry(file: string): Promise<Registry> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the app registry ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = registrySchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${file} is not a valid app registry:\n${lines.join('\n')}`);
  }
  const duplicated = Object.keys(parsed.data.core_apps).filter((name) => name in parsed.data.default_apps);
  if (duplicated.length > 0)
    throw new Error(`${file}: ${duplicated.join(', ')} listed in both core_apps and default_apps`);
  return parsed.data;
}

function titleCase(name: string): string {
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

interface Candidate {
  name: string;
  kind: 'core' | 'app';
  source: 'registry' | 'discovered';
  dir: string;
  fields: RegistryApp;
}

/** Registry fields win; the app's own manifest fills the gaps. */
function merge(registry: RegistryApp, manifest: AppManifest | undefined): RegistryApp {
  if (manifest === undefined) return registry;
  const { service: _service, ...fromManifest } = manifest;
  // Parsed objects hold no undefined values (absent keys stay absent), so a spread is a merge.
  return { ...fromManifest, ...registry };
}

async function candidates(registry: Registry, paths: HelmPaths): Promise<Candidate[]> {
  const found: Candidate[] = [];
  const byName = new Map<string, Candidate>();
  const add = (candidate: Candidate): void => {
    found.push(candidate);
    byName.set(candidate.name, candidate);
  };
  for (const [kind, apps] of [
    ['core', registry.core_apps],
    ['app', registry.default_apps],
  ] as const) {
    for (const [name, app] of Object.entries(apps)) {
      const dir = path.resolve(paths.root, app.path ?? path.join('services', name));
      add({ name, kind, source: 'registry', dir, fields: merge(app, await readManifest(dir)) });
    }
  }
  const discovered: DiscoveredApp[] = [
    ...(await discoverApps(path.join(paths.root, 'services'))),
    ...(await discoverApps(paths.appsDir)),
  ];
  for (const { manifest, dir } of discovered) {
    const known = byName.get(manifest.service);
    if (known !== undefined) {
      if (path.resolve(known.dir) !== path.resolve(dir)) {
        throw new Error(`two folders claim the service "${manifest.service}": ${known.dir} and ${dir}`);
      }
      continue;
    }
    add({ name: manifest.service, kind: 'app', source: 'discovered', dir, fields: merge({}, manifest) });
  }
  return found;
}

/** Loads the registry, discovers apps, assigns ports and orders them. */
export async function loadPlatformApps(paths: HelmPaths, options: LoadOptions = {}): Promise<PlatformApps> {
  const registry = await readRegistry(paths.registry);
  const found = await candidates(registry, paths);
  const overrides = options.portOverrides ?? {};
  const ports = assignPorts(found.map((app) => ({ name: app.name, port: overrides[app.name] ?? app.fields.port })));
  const systemNames = new Set(Object.keys(registry.system_dependencies));

  const apps: AppDefinition[] = [];
  for (const candidate of found) {
    const { fields } = candidate;
    const entry = fields.entry ?? 'src/main.ts';
    const database = fields.database ?? true;
    const dependsOn = [
      ...new Set([...(database && systemNames.has('postgresql') ? ['postgresql'] : []), ...(fields.depends_on ?? [])]),
    ];
    apps.push({
      name: candidate.name,
      kind: candidate.kind,
      source: candidate.source,
      dir: candidate.dir,
      entry,
      installed: await exists(path.join(candidate.dir, entry)),
      port: ports.get(candidate.name) ?? 0,
      scheme: fields.scheme ?? 'http',
      displayName: fields.display_name ?? titleCase(candidate.name),
      description: fields.description ?? '',
      icon: fields.icon ?? 'box',
      dependsOn,
      installOrder: fields.install_order ?? 100,
      visible: fields.visible ?? candidate.kind === 'app',
      adminOnly: fields.admin_only ?? false,
      permissionLevels: fields.permission_levels,
      publicPaths: fields.public_paths ?? [],
      stripPrefix: fields.strip_prefix ?? true,
      database,
      enabledByDefault: fields.enabled_by_default ?? true,
      gitUrl: fields.git_url,
      install: fields.install,
    });
  }

  const order = startOrder([
    ...Object.entries(registry.system_dependencies).map(([name, dep]) => ({
      name,
      dependsOn: [],
      installOrder: dep.install_order,
    })),
    ...apps.map((app) => ({ name: app.name, dependsOn: app.dependsOn, installOrder: app.installOrder })),
  ]);
  const position = new Map(order.map((name, index) => [name, index]));
  apps.sort((a, b) => (position.get(a.name) ?? 0) - (position.get(b.name) ?? 0));
  return { registry, apps, systemDependencies: registry.system_dependencies, order };
}

/** The app called `name`, or an error listing the known ones. */
export function findApp(platform: PlatformApps, name: string): AppDefinition {
  const app = platform.apps.find((candidate) => candidate.name === name);
  if (app === undefined) {
    throw new Error(`unknown service "${name}"; known: ${platform.apps.map((candidate) => candidate.name).join(', ')}`);
  }
  return app;
}
