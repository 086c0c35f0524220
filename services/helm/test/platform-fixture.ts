/** A throwaway platform layout on disk: a registry, app folders with manifests, an instance folder. */
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { platformPaths } from '../src/config.js';
import type { HelmPaths } from '../src/paths.js';

/** One app folder to create. */
export interface FixtureApp {
  /** Folder relative to the root, e.g. `services/web`. */
  dir: string;
  /** The package.json `hivematrix` field; absent: no manifest. */
  manifest?: Record<string, unknown>;
  /** Create `src/main.ts` (default true). */
  installed?: boolean;
}

/** The registry most tests use: the platform's core apps and one default app. */
export const FIXTURE_REGISTRY = {
  core_apps: {
    identity: { port: 8080, depends_on: ['postgresql'], install_order: 1, visible: false, strip_prefix: false },
    core: { port: 5000, depends_on: ['redis'], install_order: 2, visible: false, database: false },
    helm: { port: 5004, depends_on: ['postgresql'], install_order: 3, admin_only: true },
    nexus: {
      port: 8443,
      scheme: 'https',
      depends_on: ['identity', 'core'],
      install_order: 4,
      visible: false,
      database: false,
    },
  },
  default_apps: { template: { port: 5040, depends_on: ['core'], install_order: 10 } },
  system_dependencies: { postgresql: { embedded: true }, redis: { optional: true } },
};

/** Creates the layout; returns its paths and the environment naming it. */
export async function createFixture(
  options: { registry?: unknown; apps?: FixtureApp[]; appsDir?: boolean } = {},
): Promise<{ paths: HelmPaths; env: Record<string, string> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'hm-helm-root-'));
  // The embedded server's postgres user (when tests run as root) must reach instance/postgres.
  await chmod(root, 0o755);
  await writeFile(path.join(root, 'apps_registry.json'), JSON.stringify(options.registry ?? FIXTURE_REGISTRY, null, 2));
  const apps: FixtureApp[] =
    options.apps ??
    ['identity', 'core', 'helm', 'nexus', 'template'].map((name) => ({
      dir: `services/${name}`,
      manifest: { service: name },
    }));
  for (const app of apps) {
    const dir = path.join(root, app.dir);
    await mkdir(path.join(dir, 'src'), { recursive: true });
    if (app.manifest !== undefined)
      await writeFile(
        path.join(dir, 'package.json'),
        JSON.stringify({ name: `@x/${path.basename(dir)}`, hivematrix: app.manifest }),
      );
    if (app.installed !== false) await writeFile(path.join(dir, 'src', 'main.ts'), '// fixture\n');
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HIVEMATRIX_ROOT: root,
    HIVEMATRIX_INSTANCE_DIR: path.join(root, 'instance'),
  };
  if (options.appsDir === true) env.HIVEMATRIX_APPS_DIR = path.join(root, 'external-apps');
  return { paths: platformPaths(env), env };
}

/** A fixed source of "random" bytes, so tests can tell generated secrets apart and predict nothing else. */
export function countingRandom(): (size: number) => Buffer {
  let counter = 0;
  return (size) => {
    counter += 1;
    return Buffer.alloc(size, counter);
  };
}
