/**
 * `hivematrix demo [--remove]`: loads a demo MSP into codex (companies DEMO-… with contacts,
 * assets of every billing type with backup usage, plans, months of tickets with conversations and
 * dated time entries), or takes exactly that away again. The work is codex's own
 * (`services/codex/src/cli/demo.ts`, run with codex's configuration from instance/codex/.env, so
 * codex's rules decide what is demo data); this command finds codex, runs it and relays its output.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TSX_LOADER } from '../../daemon/service-specs.js';
import { findApp, loadPlatformApps } from '../../registry/index.js';
import { CliError, type CliContext } from '../io.js';

/** Variables the child needs; the rest of the caller's environment (a stray DATABASE_URL) must not override codex's env file. */
const PASSED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'HIVEMATRIX_ROOT', 'HIVEMATRIX_APPS_DIR'] as const;

export async function demoCommand(context: CliContext, options: { remove?: boolean }): Promise<number> {
  const platform = await loadPlatformApps(context.paths);
  let codexDir: string;
  try {
    codexDir = findApp(platform, 'codex').dir;
  } catch {
    throw new CliError('codex is not part of this platform; the demo lives in codex');
  }
  const entry = path.join(codexDir, 'src', 'cli', 'demo.ts');
  if (!existsSync(entry)) throw new CliError(`${entry} is missing: is codex installed?`);
  if (!existsSync(context.paths.envFile('codex')))
    throw new CliError('codex has no configuration yet: run ./start.sh once, then try again');

  const env: Record<string, string> = { HIVEMATRIX_INSTANCE_DIR: context.paths.instance };
  for (const name of PASSED) {
    const value = context.io.env[name];
    if (value !== undefined) env[name] = value;
  }
  context.io.out(
    options.remove === true ? 'removing the demo data from codex…\n' : 'loading the demo MSP into codex…\n',
  );
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, entry, ...(options.remove === true ? ['--remove'] : [])],
    { cwd: codexDir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => context.io.out(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve(status ?? 1));
  });
  if (code !== 0) {
    const refused = /ECONNREFUSED|connect/i.test(errors);
    throw new CliError(
      `${errors.trim() || `codex's demo loader exited with ${code}`}${refused ? '\nIs the platform running? Start it with ./start.sh (the embedded PostgreSQL runs with it).' : ''}`,
    );
  }
  return 0;
}
