/**
 * The idle platform's footprint (issue 19): resident memory per service and in total (PostgreSQL
 * excluded), and each service's time from process start to ready (`/health` 200), side by side in
 * one run for each way of running it: `source` (the TypeScript sources through tsx), `build` (the
 * production build, `npm run build`, as helm runs it: plain node with build-tuning.ts's flags and
 * environment) and, on request, `untuned` (the same build with neither). Goals: the build under
 * 700 MB in all, every service ready in under 1.5 s.
 *
 * Memory is read twice. RSS counts every page a process maps, so the node binary's code (about
 * 50 MB touched per process, the same file pages for all) is counted once per process: ten
 * processes count it ten times. PSS divides each shared page among the processes that map it, so
 * the sum of PSS is what the platform really holds in RAM, and is what the goal is checked on;
 * the RSS sum is printed beside it.
 *
 * Each run uses its own instance folder (free ports; the apps a new installation enables, or
 * every app with `--all-apps`) so a platform already running on this machine is not disturbed:
 * helm starts the platform (PostgreSQL, databases, migrations, every service), then each service
 * in turn is stopped through helm and started again by this script with the same command and
 * environment helm uses, timed from spawn to its first healthy answer (polled every 20 ms). After
 * `--idle` seconds of quiet, the memory of each service's whole process group is read from /proc
 * (tsx's esbuild helper included); helm is its daemon process (it runs its console in-process and
 * supervises PostgreSQL, not counted).
 *
 *   npx tsx bench/footprint.ts [--idle 10] [--no-build] [--only source,build,untuned] [--all-apps]
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
import { BUILD_NODE_FLAGS, buildEnv } from '../services/helm/src/daemon/build-tuning.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'services', 'helm', 'bin', 'hivematrix.js');
const TSX = import.meta.resolve('tsx');
const READY_TIMEOUT_MS = 30_000;

const { values: args } = parseArgs({
  options: {
    idle: { type: 'string', default: '10' },
    'no-build': { type: 'boolean', default: false },
    only: { type: 'string', default: 'source,build' },
    'all-apps': { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
  },
});
const idleMs = Number(args.idle) * 1000;

type Runtime = 'source' | 'build' | 'untuned';
const RUNTIMES: readonly Runtime[] = ['source', 'build', 'untuned'];

interface ServiceFigure {
  name: string;
  rssMb: number | undefined;
  /** Proportional set size: shared pages (node's own code, mapped once for every process) divided among their users. */
  pssMb?: number | undefined;
  readyMs: number | undefined;
  /** How it ran: `build`, `untuned`, `source`, or `source (no build)`. */
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

/** The same command line and extra environment helm's supervisor uses (service-specs.ts). */
function commandFor(
  name: string,
  runtime: Runtime,
  instance: string,
): { args: string[]; env: Record<string, string>; ran: string } {
  const dir = path.join(ROOT, 'services', name);
  const built = path.join(dir, 'dist', 'main.js');
  const flags = (args['node-flags'] ?? '').split(' ').filter((flag) => flag !== '');
  if (runtime !== 'source' && existsSync(built)) {
    const tuned = runtime === 'build';
    const all = [...(tuned ? BUILD_NODE_FLAGS : []), ...flags];
    return {
      args: [...all, built],
      env: tuned ? buildEnv(path.join(instance, 'run')) : {},
      ran: all.length > 0 ? `${runtime} ${all.join(' ')}` : runtime,
    };
  }
  return {
    args: ['--import', TSX, path.join(dir, 'src', 'main.ts')],
    env: {},
    ran: runtime === 'source' ? 'source' : 'source (no build)',
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
  const { args: commandArgs, env: tuning, ran } = commandFor(service.name, runtime, instance);
  const started = performance.now();
  const child = spawn(process.execPath, commandArgs, {
    cwd: ROOT,
    env: { ...tuning, ...env, ...fileEnv, HIVEMATRIX_INSTANCE_DIR: instance },
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
  // Helm's daemon runs from the build for both built runs (it is tuned either way, being helm's).
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HIVEMATRIX_INSTANCE_DIR: instance,
    HIVEMATRIX_RUNTIME: runtime === 'source' ? 'source' : 'build',
  };
  const children: ChildProcess[] = [];
  try {
    const init = await runCli(['update-config'], env);
    if (init.code !== 0) throw new Error(`update-config failed: ${init.out}`);
    const configFile = path.join(instance, 'configs', 'master_config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as {
      apps: Record<string, { port?: number; enabled?: boolean }>;
      keycloak: { upstream_url: string };
    };
    for (const name of Object.keys(config.apps)) {
      const enabled = args['all-apps'] ? { enabled: true } : {};
      config.apps[name] = { ...config.apps[name], port: await freePort(), ...enabled };
    }
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
const chosen = (args.only ?? '').split(',').map((entry) => entry.trim());
const unknown = chosen.filter((entry) => !RUNTIMES.includes(entry as Runtime));
if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(', ')} (source, build, untuned)`);
const runs: { runtime: Runtime; figures: ServiceFigure[]; platformStartMs: number }[] = [];
for (const runtime of RUNTIMES.filter((candidate) => chosen.includes(candidate)))
  runs.push({ runtime, ...(await measure(runtime)) });

const total = (figures: ServiceFigure[], pick: (figure: ServiceFigure) => number | undefined) =>
  figures.reduce((sum, figure) => sum + (pick(figure) ?? 0), 0);
const slowest = (figures: ServiceFigure[]) => Math.max(0, ...figures.map((figure) => figure.readyMs ?? 0));
/** Ratios are to the first run (the sources, by default). */
const first = runs[0];
const lines: string[] = [];
const heads = runs.flatMap(({ runtime }) => [`RSS ${runtime} (MB)`, `PSS ${runtime} (MB)`, `ready ${runtime} (ms)`]);
const ratioHeads = runs
  .slice(1)
  .flatMap(({ runtime }) => [`PSS ${runtime}÷${first?.runtime}`, `ready ${runtime}÷${first?.runtime}`]);
lines.push(`| service | ${[...heads, ...ratioHeads].join(' | ')} | ran |`);
lines.push(`|---|${[...heads, ...ratioHeads].map(() => '---:').join('|')}|---|`);
const names = [...new Set(runs.flatMap((run) => run.figures.map((figure) => figure.name)))];
for (const name of names) {
  const row = runs.map((run) => run.figures.find((figure) => figure.name === name));
  const cells = row.flatMap((figure) => [mb(figure?.rssMb), mb(figure?.pssMb), ms(figure?.readyMs)]);
  const ratios = row
    .slice(1)
    .flatMap((figure) => [ratio(figure?.pssMb, row[0]?.pssMb), ratio(figure?.readyMs, row[0]?.readyMs)]);
  const ran = row.map((figure) => figure?.error ?? figure?.ran ?? '–').join('; ');
  lines.push(`| ${name} | ${[...cells, ...ratios].join(' | ')} | ${ran} |`);
}
const totals = runs.flatMap(({ figures }) => [
  mb(total(figures, (figure) => figure.rssMb)),
  mb(total(figures, (figure) => figure.pssMb)),
  `slowest ${ms(slowest(figures))}`,
]);
const totalRatios = runs.slice(1).flatMap(({ figures }) => [
  ratio(
    total(figures, (figure) => figure.pssMb),
    first && total(first.figures, (figure) => figure.pssMb),
  ),
  ratio(slowest(figures), first && slowest(first.figures)),
]);
lines.push(`| **total** | ${[...totals, ...totalRatios].join(' | ')} | |`);
lines.push('');
lines.push(
  `whole start (helm, PostgreSQL, every service): ${runs.map((run) => `${run.runtime} ${(run.platformStartMs / 1000).toFixed(1)} s`).join(', ')}`,
);
const build = runs.find((run) => run.runtime === 'build');
if (build !== undefined) {
  const pss = total(build.figures, (figure) => figure.pssMb);
  const rss = total(build.figures, (figure) => figure.rssMb);
  const notReady = build.figures
    .filter((figure) => figure.name !== 'helm' && (figure.readyMs === undefined || figure.readyMs >= 1500))
    .map((figure) => figure.name);
  lines.push(
    `goal: build under 700 MB in all (PSS): ${pss < 700 ? 'met' : 'MISSED'} (${pss.toFixed(0)} MB, ratio ${(pss / 700).toFixed(2)}; RSS summed, shared pages once per process: ${rss.toFixed(0)} MB, ratio ${(rss / 700).toFixed(2)}); every service ready under 1.5 s: ${notReady.length === 0 ? 'met' : `MISSED by ${notReady.join(', ')}`}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
