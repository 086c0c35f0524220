/**
 * `hivematrix install <app|path|git url>`: fetches an app into the apps folder (a git clone, or a
 * copy of a local folder that is not a repository), checks its manifest, runs its install step
 * (`hivematrix.install` in its package.json), regenerates the configuration and, when the
 * platform runs, starts it. Its migrations run when it boots, as for every service.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  readManifest,
  loadPlatformApps,
  readRegistry,
  linkWorkspaceModules,
  RESERVED_NAMES,
} from '../../registry/index.js';
import { CliError, shortPath, type CliContext } from '../io.js';
import { applyConfiguration } from './apply.js';

/** Runs a command, streaming its output; rejects with its exit status. */
function run(context: CliContext, command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: {
        ...context.io.env,
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${context.io.env.PATH ?? ''}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => context.io.out(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => context.io.err(chunk.toString('utf8')));
    child.once('error', (error) => reject(new CliError(`${command} could not be run: ${error.message}`)));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new CliError(`${command} ${args.join(' ')} failed (exit status ${code ?? '?'})`)),
    );
  });
}

const looksLikeGitUrl = (source: string): boolean =>
  /^(https?:\/\/|ssh:\/\/|git@|git:\/\/|file:\/\/)/.test(source) || source.endsWith('.git');

/** Where to fetch `source` from: a registry app's git_url, a local folder, or a git URL. */
async function resolveSource(context: CliContext, source: string): Promise<{ kind: 'git' | 'copy'; location: string }> {
  const local = path.resolve(source);
  const info = await stat(local).catch(() => undefined);
  if (info?.isDirectory() === true) {
    const isRepository = (await stat(path.join(local, '.git')).catch(() => undefined)) !== undefined;
    return { kind: isRepository ? 'git' : 'copy', location: local };
  }
  if (looksLikeGitUrl(source)) return { kind: 'git', location: source };
  const registry = await readRegistry(context.paths.registry);
  const listed = registry.default_apps[source] ?? registry.core_apps[source];
  if (listed?.git_url !== undefined) return { kind: 'git', location: listed.git_url };
  throw new CliError(`"${source}" is neither a folder, a git URL, nor an app of the registry with a git_url`);
}

/** `install`. */
export async function installCommand(context: CliContext, source: string): Promise<number> {
  const { appsDir } = context.paths;
  const from = await resolveSource(context, source);
  await mkdir(appsDir, { recursive: true, mode: 0o755 });
  const staging = path.join(appsDir, `.install-${randomBytes(4).toString('hex')}`);
  try {
    if (from.kind === 'git') {
      context.io.out(`cloning ${from.location}\n`);
      await run(context, 'git', ['clone', '--depth', '1', '--', from.location, staging], appsDir);
    } else {
      context.io.out(`copying ${shortPath(from.location)}\n`);
      await cp(from.location, staging, { recursive: true, filter: (file) => path.basename(file) !== 'node_modules' });
    }
    const manifest = await readManifest(staging);
    if (manifest === undefined)
      throw new CliError(`${from.location} is not a HiveMatrix app: its package.json has no "hivematrix" field`);
    const name = manifest.service;
    if (RESERVED_NAMES.has(name)) throw new CliError(`the app calls itself "${name}", a path the gateway uses itself`);
    const known = (await loadPlatformApps(context.paths)).apps.find((app) => app.name === name);
    if (known !== undefined) throw new CliError(`"${name}" is already installed at ${shortPath(known.dir)}`);
    const target = path.join(appsDir, name);
    await rename(staging, target);
    await linkWorkspaceModules(context.paths);
    context.io.out(`installed ${name} in ${shortPath(target)}\n`);
    if (manifest.install !== undefined) {
      context.io.out(`running its install step: ${manifest.install}\n`);
      await run(context, 'sh', ['-c', manifest.install], target);
    }
    return await applyConfiguration(context, name);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
