/**
 * Apps installed outside the repository (the apps folder under a relocated instance folder, or
 * HIVEMATRIX_APPS_DIR) must still resolve the platform's packages (`@hivematrix/sdk`, fastify …).
 * Node's ES module resolution ignores NODE_PATH and looks only in `node_modules` folders above
 * the importing file, so the apps folder gets a `node_modules` link to the repository's.
 */
import { lstat, mkdir, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { HelmPaths } from '../paths.js';

/** Creates `<appsDir>/node_modules` → `<root>/node_modules` when the apps folder lies outside the repository. */
export async function linkWorkspaceModules(paths: HelmPaths): Promise<boolean> {
  const relative = path.relative(paths.root, paths.appsDir);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) return false;
  if ((await stat(paths.appsDir).catch(() => undefined)) === undefined) return false;
  const link = path.join(paths.appsDir, 'node_modules');
  if ((await lstat(link).catch(() => undefined)) !== undefined) return false;
  await mkdir(paths.appsDir, { recursive: true });
  await symlink(path.join(paths.root, 'node_modules'), link, 'dir');
  return true;
}
