/**
 * How helm runs each app: the project's Node, with tsx over the sources or plain on the
 * production build (`system.runtime`, HIVEMATRIX_RUNTIME), its generated environment, its log file.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { LoadedPlatform } from '../generate/index.js';
import type { AppDefinition } from '../registry/index.js';
import type { UnitSpec } from '../supervisor/index.js';
import { BUILD_NODE_FLAGS, buildEnv } from './build-tuning.js';

/**
 * The tsx loader, as a file URL, so it resolves whatever the service's working folder is. A
 * production install (`npm ci --omit=dev`, the container image) has no tsx: only built services run.
 */
export const TSX_LOADER = resolveTsx();

function resolveTsx(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

/** What every service process is started with. */
export interface RunContext {
  /** The Node binary (the daemon's own: the project's Node 24). */
  nodePath: string;
  /** Inherited variables (see `inheritedEnv`). */
  baseEnv: Record<string, string>;
  /** HIVEMATRIX_RUNTIME, when set: wins over the master configuration's `system.runtime`. */
  runtime?: Runtime | undefined;
}

export type Runtime = 'source' | 'build';

/** HIVEMATRIX_RUNTIME read leniently: anything but `build`/`source` is ignored. */
export function runtimeFromEnv(value: string | undefined): Runtime | undefined {
  return value === 'build' || value === 'source' ? value : undefined;
}

/** Where `npm run build` puts an app's entry: `src/main.ts` → `dist/main.js`. */
export function builtEntry(app: AppDefinition): string {
  const relative = app.entry.replace(/^src\//, '').replace(/\.(ts|tsx|mjs)$/, '.js');
  return path.join(app.dir, 'dist', relative);
}

/**
 * The command-line arguments that run `app`: its build (with the idle-footprint flags of
 * build-tuning.ts) when chosen and present, else tsx over its sources.
 */
export function entryArgs(app: AppDefinition, runtime: Runtime): string[] {
  if (runtime === 'build') {
    const built = builtEntry(app);
    if (existsSync(built)) return [...BUILD_NODE_FLAGS, built];
  }
  return ['--import', TSX_LOADER, path.join(app.dir, app.entry)];
}

/** The runtime `run` asks for, else the master configuration's. */
export function chosenRuntime(loaded: LoadedPlatform, run: RunContext): Runtime {
  return run.runtime ?? loaded.config.system.runtime;
}

async function readEnvFile(file: string): Promise<Record<string, string>> {
  const parsed = parseEnv(await readFile(file, 'utf8'));
  return Object.fromEntries(
    Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The unit spec of `app`. Its env file is read at every start, so `config sync` applies on restart. */
export function unitSpecFor(app: AppDefinition, loaded: LoadedPlatform, run: RunContext): UnitSpec {
  const { paths } = loaded;
  const runtime = chosenRuntime(loaded, run);
  return {
    name: app.name,
    url: loaded.context.derived.serviceUrl(app),
    port: app.port,
    command: run.nodePath,
    args: entryArgs(app, runtime),
    cwd: paths.root,
    env: async () => ({
      // First, so that a value the operator exported wins.
      ...(runtime === 'build' ? buildEnv(paths.runDir) : {}),
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
export function processMarker(app: AppDefinition, args?: readonly string[]): string {
  return args?.at(-1) ?? path.join(app.dir, app.entry);
}
