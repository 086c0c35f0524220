/**
 * Finding apps on disk: every folder under `services/` and under the external apps folder whose
 * package.json has a `hivematrix` field (the manifest). Nothing has to be added to the registry
 * for a new service to be found.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { manifestSchema, type AppManifest } from './schema.js';

/** An app found on disk. */
export interface DiscoveredApp {
  manifest: AppManifest;
  /** Absolute folder of the app. */
  dir: string;
}

/**
 * Reads the manifest of the app in `dir`: undefined when there is no package.json or it has no
 * `hivematrix` field; an error naming the file when the field is malformed.
 */
export async function readManifest(dir: string): Promise<AppManifest | undefined> {
  const file = path.join(dir, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || !('hivematrix' in json)) return undefined;
  const parsed = manifestSchema.safeParse(json.hivematrix);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `hivematrix.${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${file} has an invalid hivematrix manifest: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The apps in the immediate subfolders of `parent` (a missing folder has none; hidden folders, such as an install in progress, are skipped). */
export async function discoverApps(parent: string): Promise<DiscoveredApp[]> {
  let entries;
  try {
    entries = await readdir(parent, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: DiscoveredApp[] = [];
  for (const entry of entries
    .filter(
      (item) =>
        (item.isDirectory() || item.isSymbolicLink()) && !item.name.startsWith('.') && item.name !== 'node_modules',
    )
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(parent, entry.name);
    const manifest = await readManifest(dir);
    if (manifest !== undefined) found.push({ manifest, dir });
  }
  return found;
}
