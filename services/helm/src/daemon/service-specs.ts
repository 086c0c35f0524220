/** How helm runs each app: the project's Node with tsx, its generated environment, its log file. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { LoadedPlatform } from '../generate/sync.js';
import type { AppDefinition } from '../registry/load.js';
import type { UnitSpec } from '../supervisor/unit.js';

/** The tsx loader, as a file URL, so it resolves whatever the service's working folder is. */
export const TSX_LOADER = import.meta.resolve('tsx');

/** What every service process is started with. */
export interface RunContext {
  /** The Node binary (the daemon's own: the project's Node 24). */
  nodePath: string;
  /** Inherited variables (see `inheritedEnv`). */
  baseEnv: Record<string, string>;
}

async function readEnvFile(file: string): Promise<Record<string, string>> {
  const parsed = parseEnv(await readFile(file, 'utf8'));
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The unit spec of `app`. Its env file is read at every start, so `config sync` applies on restart. */
export function unitSpecFor(app: AppDefinition, loaded: LoadedPlatform, run: RunContext): UnitSpec {
  const { paths } = loaded;
  return {
    name: app.name,
    url: loaded.context.derived.serviceUrl(app),
    port: app.port,
    command: run.nodePath,
    args: ['--import', TSX_LOADER, path.join(app.dir, app.entry)],
    cwd: paths.root,
    env: async () => ({
      ...run.baseEnv,
      // The generated values are passed explicitly too: the process environment wins over the
      // env file in every service, so nothing inherited can shadow them.
      ...(await readEnvFile(paths.envFile(app.name))),
      HIVEMATRIX_INSTANCE_DIR: paths.instance,
    }),
    logFile: paths.logFile(app.name),
  };
}

/** The part of an app's command line that identifies its process (to recognise leftovers). */
export function processMarker(app: AppDefinition): string {
  return path.join(app.dir, app.entry);
}
