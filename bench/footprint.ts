/**
 * The idle platform's footprint (issue 19): resident memory per service and in total (PostgreSQL
 * excluded), and each service's time from process start to ready (`/health` 200), once running
 * the TypeScript sources through tsx and once the production build (`npm run build`) with plain
 * node, side by side with the ratios. Goals: the build under 700 MB in all, every service ready
 * in under 1.5 s.
 *
 * Each run uses its own instance folder (free ports, every app enabled) so a platform already
 * running on this machine is not disturbed: helm starts the platform (PostgreSQL, databases,
 * migrations, every service), then each service in turn is stopped through helm and started
 * again by this script with the same command and environment helm uses, timed from spawn to its
 * first healthy answer (polled every 20 ms). After `--idle` seconds of quiet, the resident memory
 * of each service's whole process group is read from /proc (tsx's esbuild helper included); helm
 * is its daemon process (it runs its console in-process and supervises PostgreSQL, not counted).
 *
 *   npx tsx bench/footprint.ts [--idle 10] [--no-build] [--only source|build]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { freePort } from '@hivematrix/sdk/db';
import { buildAll } from '../scripts/build.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'services', 'helm', 'bin', 'hivematrix.js');
const TSX = import.meta.resolve('tsx');
const READY_TIMEOUT_MS = 30_000;

const { values: args } = parseArgs({
  options: {
    idle: { type: 'string', default: '10' },
    'no-build': { type: 'boolean', default: false },
    only: { type: 'string' },
    'node-flags': { type: 'string', default: '' },
  },
});
const idleMs = Number(args.idle) * 1000;

type Runtime = 'source' | 'build';

interface ServiceFigure {
  name: string;
  rssMb: number | undefined;
  /** Proportional set size: shared pages (node's own code, mapped once for every process) divided among their users. */
  pssMb?: number | undefined;
  readyMs: number | undefined;
  /** How it ran: `build`, `source`, or `source (no build)`. */
  ran: string;
  error?: string;
}

interface ServiceView {
  name: string;
  url: string;
  pid: number | null;
  state: string;
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

function runCli(cliArgs: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...cliArgs], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/** The pids of the process group `pgid` (Linux /proc). */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return members;
}

function rssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

function pssKb(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match?.[1] === undefined ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** One GET of `/health`; resolves with the status code (0 when it cannot connect). */
function healthStatus(base: string): Promise<number> {
  const url = new URL('/health', base);
  return new Promise((resolve) => {
    const options = {
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      timeout: 2000,
      rejectUnauthorized: false,
      agent: false as const,
    };
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => request.destroy());
    request.end();
  });
}

/** The same command line helm's supervisor uses (service-specs.ts). */
function commandFor(name: string, runtime: Runtime): { args: string[]; ran: string } {
  const dir = path.join(ROOT, 'services', name);
  const built = path.join(dir, 'dist', 'main.js');
  const flags = (args['node-flags'] ?? '').split(' ').filter((flag) => flag !== '');
  if (runtime === 'build' && existsSync(built))
    return { args: [...flags, built], ran: flags.length > 0 ? `build ${flags.join(' ')}` : 'build' };
  return {
    args: ['--import', TSX, path.join(dir, 'src', 'main.ts')],
    ran: runtime === 'build' ? 'source (no build)' : 'source',
  };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts one service as helm would, timed from spawn to its first 200 on /health. */
async function startTimed(
  service: ServiceView,
  runtime: Runtime,
  env: NodeJS.ProcessEnv,
  instance: string,
): Promise<{ child: ChildProcess; figure: ServiceFigure }> {
  const fileEnv = parseEnv(await readFile(path.join(instance, service.name, '.env'), 'utf8'));
  const { args: commandArgs, ran } = commandFor(service.name, runtime);
  const started = performance.now();
  const child = spawn(process.execPath, commandArgs, {
    cwd: ROOT,
    env: { ...env, ...fileEnv, HIVEMATRIX_INSTANCE_DIR: instance },
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.once('exit', () => (exited = true));
  while (performance.now() - started < READY_TIMEOUT_MS && !exited) {
    if ((await healthStatus(service.url)) === 200)
      return { child, figure: { name: service.name, rssMb: undefined, readyMs: performance.now() - started, ran } };
    await sleep(20);
  }
  if (exited) log(`[${runtime}] ${service.name} exited:\n${firstLines(stderr)}`);
  return {
    child,
    figure: {
      name: service.name,
      rssMb: undefined,
      readyMs: undefined,
      ran,
      error: exited ? 'exited' : 'not ready in 30 s',
    },
  };
}

/** The first lines of an exited service's error output (its stack), for the log. */
function firstLines(text: string): string {
  return text.trim().split('\n').slice(0, 8).join('\n');
}

/** Brings the platform up in a fresh instance, swaps every service for a timed start, measures, stops. */
async function measure(runtime: Runtime): Promise<{ figures: ServiceFigure[]; platformStartMs: number }> {
  const base = await mkdtemp(path.join(tmpdir(), 'hm-footprint-'));
  await chmod(base, 0o755); // as root, the embedded server runs as `postgres` and must reach it
  const instance = path.join(base, 'instance');
  const { NODE_TEST_CONTEXT: _ignored, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, HIVEMATRIX_INSTANCE_DIR: instance, HIVEMATRIX_RUNTIME: runtime };
  const children: ChildProcess[] = [];
  try {
    const init = await runCli(['update-config'], env);
    if (init.code !== 0) throw new Error(`update-config failed: ${init.out}`);
    const configFile = path.join(instance, 'configs', 'master_config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as {
      apps: Record<string, { port?: number; enabled?: boolean }>;
      keycloak: { upstream_url: string };
    };
    for (const name of Object.keys(config.apps))
      config.apps[name] = { ...config.apps[name], port: await freePort(), enabled: true };
    config.keycloak.upstream_url = `http://127.0.0.1:${config.apps.identity?.port ?? 0}`;
    await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });

    log(`[${runtime}] starting the platform in ${instance}`);
    const startedAt = performance.now();
    const start = await runCli(['start'], env);
    const platformStartMs = performance.now() - startedAt;
    if (start.code !== 0) log(`[${runtime}] start reported a problem:\n${start.out.slice(-2000)}`);
    const status = JSON.parse((await runCli(['status', '--json'], env)).out) as {
      daemon: { pid: number };
      services: ServiceView[];
    };

    const figures: ServiceFigure[] = [];
    const owned = new Map<string, ChildProcess>();
    for (const service of status.services) {
      if (service.name === 'helm' || service.state === 'disabled' || service.state === 'not_installed') continue;
      const stop = await runCli(['stop', service.name], env);
      if (stop.code !== 0) log(`[${runtime}] stop ${service.name}: ${stop.out}`);
      const { child, figure } = await startTimed(service, runtime, env, instance);
      children.push(child);
      owned.set(service.name, child);
      figures.push(figure);
      log(
        `[${runtime}] ${service.name}: ${figure.readyMs === undefined ? figure.error : `${Math.round(figure.readyMs)} ms`} (${figure.ran})`,
      );
    }

    log(`[${runtime}] idle ${idleMs / 1000} s, then memory`);
    await sleep(idleMs);
    for (const figure of figures) {
      const pid = owned.get(figure.name)?.pid;
      if (pid === undefined) continue;
      const members = groupMembers(pid);
      figure.rssMb = members.reduce((sum, member) => sum + rssKb(member), 0) / 1024;
      figure.pssMb = members.reduce((sum, member) => sum + pssKb(member), 0) / 1024;
    }
    // Helm: its daemon and, from sources, tsx's esbuild helper; not the PostgreSQL it supervises.
    const daemon = status.daemon.pid;
    const helmPids = [
      daemon,
      ...groupMembers(daemon).filter((pid) => pid !== daemon && commandOf(pid).includes('esbuild')),
    ];
    figures.unshift({
      name: 'helm',
      rssMb: helmPids.reduce((sum, pid) => sum + rssKb(pid), 0) / 1024,
      pssMb: helmPids.reduce((sum, pid) => sum + pssKb(pid), 0) / 1024,
      readyMs: undefined,
      ran: runtime,
    });
    return { figures, platformStartMs };
  } finally {
    for (const child of children) {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
    }
    await Promise.all(
      children
        .filter((child) => child.exitCode === null)
        .map((child) => new Promise((resolve) => child.once('exit', resolve))),
    );
    await runCli(['stop'], env);
    await rm(base, { recursive: true, force: true });
  }
}

function mb(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(1);
}

function ms(value: number | undefined): string {
  return value === undefined ? '–' : String(Math.round(value));
}

function ratio(after: number | undefined, before: number | undefined): string {
  return after === undefined || before === undefined || before === 0 ? '–' : (after / before).toFixed(2);
}

if (!args['no-build']) {
  const started = performance.now();
  const { built, failed } = await buildAll(ROOT);
  log(
    `built ${built.length} packages in ${Math.round(performance.now() - started)} ms${failed.length > 0 ? `; failed: ${failed.map((entry) => entry.name).join(', ')}` : ''}`,
  );
}
const only = args.only === 'source' || args.only === 'build' ? args.only : undefined;
const empty = { figures: [] as ServiceFigure[], platformStartMs: 0 };
const source = only === 'build' ? empty : await measure('source');
const build = only === 'source' ? empty : await measure('build');

const lines: string[] = [];
lines.push(
  `| service | RSS source (MB) | RSS build (MB) | ratio | ready source (ms) | ready build (ms) | ratio | build ran |`,
);
lines.push('|---|---:|---:|---:|---:|---:|---:|---|');
for (const figure of build.figures) {
  const before = source.figures.find((candidate) => candidate.name === figure.name);
  lines.push(
    `| ${figure.name} | ${mb(before?.rssMb)} | ${mb(figure.rssMb)} | ${ratio(figure.rssMb, before?.rssMb)} | ${ms(before?.readyMs)} | ${ms(figure.readyMs)} | ${ratio(figure.readyMs, before?.readyMs)} | ${figure.error ?? figure.ran} |`,
  );
}
const total = (figures: ServiceFigure[]) => figures.reduce((sum, figure) => sum + (figure.rssMb ?? 0), 0);
const totalPss = (figures: ServiceFigure[]) => figures.reduce((sum, figure) => sum + (figure.pssMb ?? 0), 0);
const slowest = (figures: ServiceFigure[]) => Math.max(...figures.map((figure) => figure.readyMs ?? 0));
lines.push(
  `| **total** | ${mb(total(source.figures))} | ${mb(total(build.figures))} | ${ratio(total(build.figures), total(source.figures))} | slowest ${ms(slowest(source.figures))} | slowest ${ms(slowest(build.figures))} | ${ratio(slowest(build.figures), slowest(source.figures))} | |`,
);
lines.push('');
lines.push(
  `proportional set size (shared pages divided among the processes that map them): source ${totalPss(source.figures).toFixed(0)} MB, build ${totalPss(build.figures).toFixed(0)} MB`,
);
lines.push(
  `whole start (helm, PostgreSQL, every service): source ${(source.platformStartMs / 1000).toFixed(1)} s, build ${(build.platformStartMs / 1000).toFixed(1)} s`,
);
const buildTotal = total(build.figures);
const notReady = build.figures
  .filter((figure) => figure.name !== 'helm' && (figure.readyMs === undefined || figure.readyMs >= 1500))
  .map((figure) => figure.name);
lines.push(
  `goal: build under 700 MB in all: ${buildTotal < 700 ? 'met' : 'MISSED'} (${buildTotal.toFixed(0)} MB, ratio ${(buildTotal / 700).toFixed(2)}); every service ready under 1.5 s: ${notReady.length === 0 ? 'met' : `MISSED by ${notReady.join(', ')}`}`,
);
process.stdout.write(`${lines.join('\n')}\n`);
