/**
 * `hivematrix start|stop|restart [service]`. Without a service, `start` launches the helm daemon
 * in the background (detached, output in instance/logs/helm.log) and follows its start sequence
 * until every service is ready; running it again only reports the status. `stop` asks the daemon
 * to stop everything and waits until its process is gone.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { inheritedEnv } from '../../config.js';
import { stopLeftoverChildren, stopLeftoverPostgres } from '../../daemon/leftovers.js';
import { BUILD_NODE_FLAGS, buildEnv } from '../../daemon/build-tuning.js';
import { TSX_LOADER } from '../../daemon/service-specs.js';
import { loadPlatform, prepareInstance } from '../../generate/index.js';
import type { PlatformStatus } from '../../status.js';
import { processAlive } from '../../supervisor/index.js';
import type { StartOutcome } from '../../supervisor/index.js';
import { controlRequest, daemonPid, fetchStatus, problemMessage } from '../control-client.js';
import { CliError, shortPath, type CliContext } from '../io.js';
import { parseLine } from '../log-reader.js';
import { logTail, ProgressPrinter } from '../progress.js';
import { collectStatus, renderStatus } from './status.js';

const DAEMON_ENTRY = path.resolve(import.meta.dirname, '../../main.ts');
/** The daemon as `npm run build` leaves it; run with plain node when HIVEMATRIX_RUNTIME=build. */
const BUILT_DAEMON = path.resolve(import.meta.dirname, '../../../dist/main.js');

/** How the daemon is started: from the build when it is chosen and present, else through tsx. */
function daemonArgs(env: Record<string, string | undefined>): string[] {
  return env.HIVEMATRIX_RUNTIME === 'build' && existsSync(BUILT_DAEMON)
    ? [...BUILD_NODE_FLAGS, BUILT_DAEMON]
    : ['--import', TSX_LOADER, DAEMON_ENTRY];
}

/** A daemon being followed: its pid, whether it is gone, and where its output of this run starts. */
interface Launched {
  pid: number;
  exited: () => boolean;
  logOffset: number;
}

/** Starts the daemon detached from this terminal. */
async function launchDaemon(context: CliContext): Promise<Launched> {
  const { paths, io } = context;
  await prepareInstance(paths);
  const log = openSync(paths.logFile('helm'), 'a', 0o640);
  const logOffset = fstatSync(log).size;
  const child = spawn(process.execPath, daemonArgs(io.env), {
    cwd: paths.root,
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...(io.env.HIVEMATRIX_RUNTIME === 'build' ? buildEnv(paths.runDir) : {}),
      ...inheritedEnv(io.env),
      HIVEMATRIX_ROOT: paths.root,
      HIVEMATRIX_INSTANCE_DIR: paths.instance,
      HIVEMATRIX_APPS_DIR: paths.appsDir,
    },
  });
  closeSync(log);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  child.unref();
  if (child.pid === undefined) throw new CliError('could not start the helm daemon');
  const pid = child.pid;
  return { pid, exited: () => exited || !processAlive(pid), logOffset };
}

function summary(context: CliContext, status: PlatformStatus): number {
  const { io } = context;
  const failed = status.daemon.steps.filter((step) => step.state === 'failed');
  const degraded = status.daemon.steps.filter((step) => step.state === 'degraded');
  io.out('\n');
  io.out(`HiveMatrix is running at ${status.daemon.public_url}\n`);
  if (existsSync(status.daemon.admin_password_file)) {
    io.out(`  admin login: user "admin", password in ${shortPath(status.daemon.admin_password_file)}\n`);
  }
  const passphrase = status.daemon.backup_passphrase_file;
  if (passphrase !== undefined && passphrase !== null && existsSync(passphrase)) {
    io.out(
      `  backup passphrase: ${shortPath(passphrase)} (scheduled backups are encrypted with it; keep a copy off this machine)\n`,
    );
  }
  io.out('  status: npx hivematrix status   logs: npx hivematrix logs -f   stop: npx hivematrix stop\n');
  if (degraded.length > 0)
    io.out(
      `  degraded: ${degraded.map((step) => step.name).join(', ')} (they answer but report problems; see npx hivematrix status)\n`,
    );
  if (failed.length === 0) return 0;
  io.err(
    `\n${failed.map((step) => step.name).join(', ')} did not start (see above). Fix the cause, then run npx hivematrix start <service>; npx hivematrix stop stops everything.\n`,
  );
  return 1;
}

/** Follows the daemon's start sequence until it is done or the daemon is gone. */
async function followBoot(context: CliContext, daemon: Launched): Promise<number> {
  const { io, paths } = context;
  const printer = new ProgressPrinter(io);
  for (;;) {
    const status = await fetchStatus(paths);
    if (status !== undefined) {
      printer.update(status);
      if (status.daemon.state === 'running') {
        printer.finish();
        return summary(context, status);
      }
    }
    if (daemon.exited()) {
      printer.finish();
      io.err(
        `\nhelm stopped during the start sequence:\n${await daemonOutput(paths.logFile('helm'), daemon.logOffset)}\n`,
      );
      return 1;
    }
    await delay(200);
  }
}

/** What the daemon wrote in this run (from `offset`), the last lines, as `LEVEL message`. */
async function daemonOutput(file: string, offset: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = text
    .slice(offset)
    .split('\n')
    .filter((line) => line.trim() !== '');
  return lines
    .slice(-12)
    .map((line) => parseLine('helm', line, undefined))
    .map((line) => `    ${line.level} ${line.message}`)
    .join('\n');
}

function printOutcome(context: CliContext, outcome: StartOutcome, status: PlatformStatus | undefined): number {
  const seconds = `${Math.round(outcome.elapsedMs / 100) / 10} s`;
  if (outcome.ok) {
    context.io.out(
      outcome.health === 'healthy'
        ? `✓ ${outcome.name} healthy (${seconds})\n`
        : `! ${outcome.name}: ${outcome.message ?? outcome.health}\n`,
    );
    return 0;
  }
  context.io.err(`✗ ${outcome.name}: ${outcome.message ?? 'failed'}\n`);
  const service = status?.services.find((candidate) => candidate.name === outcome.name);
  if (service !== undefined)
    context.io.err(logTail({ ...service, log_tail: outcome.logTail.length > 0 ? outcome.logTail : service.log_tail }));
  return 1;
}

async function serviceAction(
  context: CliContext,
  service: string,
  action: 'start' | 'stop' | 'restart',
): Promise<number> {
  const answer = await controlRequest(
    context.paths.socket,
    'POST',
    `/services/${encodeURIComponent(service)}/${action}`,
  );
  if (answer.status !== 200) throw new CliError(problemMessage(answer));
  if (action === 'stop') {
    context.io.out(`stopped ${service}\n`);
    return 0;
  }
  const { outcome } = answer.body as { outcome: StartOutcome };
  return printOutcome(context, outcome, await fetchStatus(context.paths));
}

/** `start [service]`. */
export async function startCommand(context: CliContext, service?: string): Promise<number> {
  const live = await fetchStatus(context.paths);
  if (live !== undefined) {
    if (service !== undefined && service !== 'helm') return serviceAction(context, service, 'start');
    if (live.daemon.state === 'booting') {
      context.io.out('HiveMatrix is starting; following its progress.\n');
      return followBoot(context, { pid: live.daemon.pid, exited: () => !processAlive(live.daemon.pid), logOffset: 0 });
    }
    context.io.out('HiveMatrix is already running.\n\n');
    context.io.out(renderStatus(await collectStatus(context)));
    return 0;
  }
  if (await daemonPid(context.paths))
    throw new CliError(
      'a helm daemon is running but does not answer on its control socket; run npx hivematrix stop first',
    );
  // Checked here too, so a broken registry or master configuration is reported plainly at once.
  await loadPlatform(context.paths);
  if (service !== undefined)
    context.io.out(`HiveMatrix is not running; starting the whole platform, ${service} included.\n`);
  context.io.out(`Starting HiveMatrix (helm's log: ${shortPath(context.paths.logFile('helm'))})\n`);
  return followBoot(context, await launchDaemon(context));
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await delay(100);
  }
  return true;
}

/** Stops the whole platform. */
async function stopPlatform(context: CliContext): Promise<number> {
  const { paths, io } = context;
  const pid = await daemonPid(paths);
  if (pid === undefined) {
    const leftovers = await stopLeftoverChildren(paths.childrenFile);
    if (await stopLeftoverPostgres(paths.postgresDir)) leftovers.push('postgresql');
    io.out(
      leftovers.length > 0
        ? `helm was not running; stopped what it had left: ${leftovers.join(', ')}\n`
        : 'HiveMatrix is not running.\n',
    );
    return 0;
  }
  io.out('Stopping HiveMatrix …\n');
  try {
    await controlRequest(paths.socket, 'POST', '/shutdown', undefined, 5000);
  } catch {
    process.kill(pid, 'SIGTERM');
  }
  if (!(await waitForExit(pid, 180_000))) {
    io.err('helm did not stop within 3 minutes; killing it and what it started\n');
    process.kill(pid, 'SIGKILL');
    await stopLeftoverChildren(paths.childrenFile);
    await stopLeftoverPostgres(paths.postgresDir);
  }
  io.out('HiveMatrix stopped.\n');
  return 0;
}

/** `stop [service]`. */
export async function stopCommand(context: CliContext, service?: string): Promise<number> {
  if (service !== undefined && service !== 'helm') {
    if ((await fetchStatus(context.paths)) === undefined) throw new CliError('HiveMatrix is not running');
    return serviceAction(context, service, 'stop');
  }
  return stopPlatform(context);
}

/** `restart [service]`. */
export async function restartCommand(context: CliContext, service?: string): Promise<number> {
  if (service !== undefined && service !== 'helm') {
    if ((await fetchStatus(context.paths)) === undefined)
      throw new CliError('HiveMatrix is not running; start it with npx hivematrix start');
    return serviceAction(context, service, 'restart');
  }
  await stopPlatform(context);
  return startCommand(context);
}
