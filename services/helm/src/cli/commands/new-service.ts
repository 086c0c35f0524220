/**
 * `hivematrix new-service NAME`: copies services/template to services/NAME, renames the package,
 * the service, its identifiers and its port (assigned deterministically, written into its
 * manifest so it never moves), regenerates the configuration and, when the platform runs, starts
 * the new service.
 */
import { cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RESERVED_NAMES, loadPlatformApps, assignPorts } from '../../registry/index.js';
import { CliError, shortPath, type CliContext } from '../io.js';
import { applyConfiguration } from './apply.js';

const TEXT_FILES = /\.(ts|tsx|js|mjs|json|sql|md)$/;

/** `my-app` → `myApp`. */
function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** `my-app` → `MyApp`. */
function pascal(name: string): string {
  const value = camel(name);
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/** Renames the template inside one file's text. */
export function renameTemplate(text: string, name: string, port: number): string {
  return text
    .replace(/"name": "@hivematrix\/template"/g, `"name": "@hivematrix/${name}"`)
    .replace(
      /"description": "The skeleton every HiveMatrix service is copied from"/g,
      `"description": "The ${name} service"`,
    )
    .replace(/\bDEFAULT_PORT = 5040\b/g, `DEFAULT_PORT = ${port}`)
    .replace(/"port": 5040\b/g, `"port": ${port}`)
    .replace(/\btemplate(?=[A-Z])/g, camel(name))
    .replace(/Template/g, pascal(name))
    .replace(/\btemplate\b/g, name);
}

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(full)));
    else if (TEXT_FILES.test(entry.name)) found.push(full);
  }
  return found;
}

/** Creates services/NAME from the template; returns its folder and port. */
export async function createService(context: CliContext, name: string): Promise<{ dir: string; port: number }> {
  if (!/^[a-z][a-z0-9-]{1,39}$/.test(name) || name.endsWith('-')) {
    throw new CliError(
      `"${name}" is not a service name: lowercase letters, digits and "-", starting with a letter (2 to 40 characters)`,
    );
  }
  if (RESERVED_NAMES.has(name)) throw new CliError(`"${name}" is a path the gateway uses itself; choose another name`);
  const { root } = context.paths;
  const source = path.join(root, 'services', 'template');
  const target = path.join(root, 'services', name);
  if (await stat(target).catch(() => undefined)) throw new CliError(`${shortPath(target)} already exists`);
  const platform = await loadPlatformApps(context.paths);
  if (platform.apps.some((app) => app.name === name)) throw new CliError(`there is already a service called "${name}"`);
  const port = assignPorts([...platform.apps.map((app) => ({ name: app.name, port: app.port })), { name }]).get(name);
  if (port === undefined) throw new CliError(`no port could be assigned to ${name}`);

  await cp(source, target, {
    recursive: true,
    filter: (file) => !['node_modules', 'test-artifacts', 'coverage'].includes(path.basename(file)),
  });
  for (const file of await filesUnder(target)) {
    const text = await readFile(file, 'utf8');
    const renamed = renameTemplate(text, name, port);
    if (renamed !== text) await writeFile(file, renamed);
  }
  return { dir: target, port };
}

/** `new-service NAME`. */
export async function newServiceCommand(context: CliContext, name: string): Promise<number> {
  const { dir, port } = await createService(context, name);
  context.io.out(`created ${shortPath(dir)} (service "${name}", port ${port}) from services/template\n`);
  const code = await applyConfiguration(context, name);
  context.io.out(
    [
      `next: edit ${shortPath(path.join(dir, 'src'))}; its pages are at /${name}/ through the gateway.`,
      'Run `npm install` once so the npm workspace lock file lists the new package before you commit it.',
      '',
    ].join('\n'),
  );
  return code;
}
