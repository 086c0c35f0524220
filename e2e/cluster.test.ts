/**
 * Past one machine (issue 19): HAProxy from Debian's packages in front of two instances of every
 * service (nexus, identity, core and each app) of the production build, sharing the local
 * PostgreSQL and Redis. Under a steady load of signed-in requests through the balancer, one
 * instance each of nexus, core and codex is killed with SIGKILL and restarted, then every instance
 * of every service is restarted one by one with SIGTERM (each drains, and the next waits until
 * HAProxy sees it back up). Asserted: no session lost (no request is sent to sign in again),
 * failures under 0.1 % during the kills and none during the rolling restart, a logout at one
 * nexus refused at the other within 1 s, and every scheduled job the cluster runs ran once per
 * due time across both instances and every restart: ledger's month-end (once for its month), and
 * the `scheduleJob` jobs (core's user re-check every 15 s, knowledgetree's codex sync every minute
 * and its hourly trash purge), watched in their services' job-runs tables (e2e/cluster/jobs.ts).
 * Helm's backups and alerts are not among them: helm is one process, outside the cluster.
 *
 * Skipped (with the reason) without HAProxy or Redis (`.ci/run` installs Debian's HAProxy; CI has
 * Redis). Figures are printed and kept in the README's production section.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { request } from 'node:https';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import pg from 'pg';
import { freePort } from '@hivematrix/sdk/db';
import { haproxyConfig, startHaproxy, waitUp, type BalancedService } from './cluster/haproxy.js';
import { createInstance, serviceEnv, type Instance } from './cluster/instances.js';
import { defaultCheckMs, describeJob, judgeJob, watchJobs, type ScheduledJob } from './cluster/jobs.js';
import { startLoad, type PhaseStats } from './cluster/load.js';
import { prepareCluster, type ClusterPlatform } from './cluster/setup.js';
import { signInOverHttp } from './cluster/sign-in.js';
import { ARTIFACTS } from './platform.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A Redis database of its own, so the gateway's fixed key prefix meets no other test's keys. */
const REDIS_DATABASE = 13;
const DATABASE_URL = process.env.TEST_DATABASE_URL;
const LOGS = path.join(ARTIFACTS, 'cluster');
/** The pages the load asks for in turn: one per app behind the gateway, plus the home page. */
const LOAD_PATHS = ['/codex/', '/ledger/', '/knowledgetree/', '/beacon/', '/brainhair/', '/codex/companies'];
const KILLED = ['nexus', 'core', 'codex'];
/** Core's user re-check, shortened from a minute so that the run sees many due times. */
const RECHECK_MS = 15_000;
/** Knowledgetree's scheduled codex sync: its shortest interval (minutes). */
const CODEX_SYNC_MINUTES = 1;
/**
 * Every `scheduleJob` job the cluster's configuration runs (codex's vendor syncs need a vendor
 * configured, and none is; identity's and core's expiry sweeps are idempotent deletes in every
 * instance, not scheduled jobs).
 */
const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  { name: 'core:user-recheck', service: 'core', everyMs: RECHECK_MS, checkMs: defaultCheckMs(RECHECK_MS) },
  {
    name: 'knowledgetree:codex-sync',
    service: 'knowledgetree',
    everyMs: CODEX_SYNC_MINUTES * 60_000,
    checkMs: defaultCheckMs(CODEX_SYNC_MINUTES * 60_000),
  },
  { name: 'knowledgetree:trash-purge', service: 'knowledgetree', everyMs: 3_600_000, checkMs: 60_000 },
];

function haproxyAvailable(): boolean {
  return spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
}

function reachable(url: string): Promise<boolean> {
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: parsed.hostname, port: Number(parsed.port || 6379) });
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

/** GET one path at one gateway port (an instance's, or the balancer's) with a session cookie. */
function gatewayGet(
  port: number,
  publicPort: number,
  pathname: string,
  cookie: string,
): Promise<{ status: number; location: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        rejectUnauthorized: false,
        servername: 'localhost',
        headers: { host: `localhost:${publicPort}`, cookie, accept: 'text/html' },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? '' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

const signedOut = (answer: { status: number; location: string }): boolean =>
  answer.status === 401 ||
  (answer.status >= 300 && answer.status < 400 && /\/(login|keycloak)\b/.test(answer.location));

function percent(stats: PhaseStats): string {
  return stats.requests === 0 ? '0 %' : `${((100 * stats.failures) / stats.requests).toFixed(3)} %`;
}

test(
  'two instances of every service behind HAProxy: kills and a rolling restart under signed-in load',
  { timeout: 900_000 },
  async (t) => {
    if (!haproxyAvailable()) return t.skip("no haproxy on PATH (.ci/run installs Debian's package)");
    if (!(await reachable(REDIS_URL))) return t.skip(`no Redis at ${REDIS_URL} (set TEST_REDIS_URL)`);
    if (DATABASE_URL === undefined) return t.skip('TEST_DATABASE_URL is not set (scripts/run-tests.ts sets it)');

    await mkdir(LOGS, { recursive: true });
    // Progress and figures as they come (a run takes minutes), not only in the final report.
    const log = (line: string): void => void process.stdout.write(`[cluster] ${line}\n`);
    const redisUrl = new URL(REDIS_URL);
    redisUrl.pathname = `/${REDIS_DATABASE}`;
    const instances: Instance[] = [];
    const haproxyLog: string[] = [];
    // Undone in reverse: the instances, then HAProxy, then the platform and its databases.
    const cleanups: (() => Promise<void>)[] = [
      async () => {
        await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
      },
    ];
    t.after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    const setupStarted = Date.now();
    const cluster: ClusterPlatform = await prepareCluster({
      adminUrl: DATABASE_URL,
      redisUrl: redisUrl.href,
      appEnv: {
        core: { REDIS_KEY_PREFIX: `hmc:${Date.now().toString(36)}:core:`, IDENTITY_RECHECK_MS: String(RECHECK_MS) },
        // Every request of the load is the same user's: the per-user budgets of the gateway (1,200
        // a minute) and of each app (500) would answer 429, which is not what this measures.
        ...Object.fromEntries(
          ['nexus', 'codex', 'beacon', 'brainhair'].map((name) => [name, { RATE_LIMIT_PER_MINUTE: '100000' }]),
        ),
        // Helm's single first start leaves the month-end job to the two instances, which start at
        // once: the job of the month that is due must run once whichever instance gets there first.
        ledger: { MONTH_END_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '100000' },
        knowledgetree: { CODEX_SYNC_INTERVAL_MINUTES: String(CODEX_SYNC_MINUTES), RATE_LIMIT_PER_MINUTE: '100000' },
      },
      log,
    });
    cleanups.unshift(() => cluster.dispose());
    log(`platform prepared in ${Date.now() - setupStarted} ms`);
    const { services, instanceDir, platform } = cluster;
    const nexusPort = services.find((service) => service.name === 'nexus')?.port ?? 0;

    // Nexus's own certificate for HAProxy's TLS frontend (helm generated it at the first start).
    const certs = path.join(instanceDir, 'certs');
    const certFiles = await readdir(certs);
    const crt = certFiles.find((file) => file.endsWith('.crt'));
    const key = certFiles.find((file) => file.endsWith('.key'));
    assert.ok(crt !== undefined && key !== undefined, `nexus's certificate in ${certs}: ${certFiles.join(', ')}`);
    const pem = path.join(instanceDir, 'haproxy-nexus.pem');
    await writeFile(
      pem,
      `${await readFile(path.join(certs, crt), 'utf8')}\n${await readFile(path.join(certs, key), 'utf8')}`,
      { mode: 0o600 },
    );

    // Two instances of every service, each on a free port, with helm's generated environment.
    const { NODE_TEST_CONTEXT: _ignored, ...inherited } = process.env;
    const balanced: BalancedService[] = [];
    const byService = new Map<string, Instance[]>();
    for (const service of services) {
      const env: Record<string, string | undefined> = {
        ...inherited,
        ...(await serviceEnv(instanceDir, service.name)),
        HIVEMATRIX_INSTANCE_DIR: instanceDir,
      };
      if (service.name === 'ledger') env.MONTH_END_ENABLED = 'true';
      const pair: Instance[] = [];
      for (const suffix of ['a', 'b']) {
        const instance = createInstance({
          id: `${service.name}-${suffix}`,
          service: service.name,
          port: await freePort(),
          tls: service.tls,
          root: platform.clone,
          env,
          logFile: path.join(LOGS, `${service.name}-${suffix}.log`),
        });
        pair.push(instance);
        instances.push(instance);
      }
      byService.set(service.name, pair);
      balanced.push({
        name: service.name,
        frontendPort: service.port,
        servers: pair.map((instance) => ({ name: instance.id, port: instance.port })),
        tls: service.tls ? { pem } : undefined,
      });
    }
    const socket = path.join(instanceDir, 'haproxy.sock');
    const configFile = path.join(instanceDir, 'haproxy.cfg');
    await writeFile(configFile, haproxyConfig(balanced, socket));
    const haproxy = await startHaproxy(configFile, socket, (chunk) => haproxyLog.push(chunk));
    cleanups.splice(1, 0, async () => {
      haproxy.kill('SIGTERM');
      await writeFile(path.join(LOGS, 'haproxy.log'), haproxyLog.join(''));
    });
    const keyOf = (instance: Instance): string => `be_${instance.service}/${instance.id}`;

    // The scheduled jobs' runs from here on are the instances' (helm's first start ran some).
    const databaseUrl = (service: string): string =>
      Object.assign(new URL(DATABASE_URL), { pathname: `/${cluster.databases[service] ?? ''}` }).href;
    const jobWatch = await watchJobs(SCHEDULED_JOBS, databaseUrl);
    let jobsStopped = false;
    cleanups.splice(1, 0, async () => {
      if (!jobsStopped) await jobWatch.stop().catch(() => undefined);
    });
    const watchStarted = new Date();

    let started = Date.now();
    for (const service of services) {
      const pair = byService.get(service.name) ?? [];
      await Promise.all(pair.map((instance) => instance.start()));
      await waitUp(socket, pair.map(keyOf), 20_000);
    }
    log(`${instances.length} instances of ${services.length} services up behind HAProxy in ${Date.now() - started} ms`);

    // Two sessions through the balancer: one for the load, one to sign out of.
    const password = await platform.adminPassword();
    const cookieOf = (): Promise<string> =>
      signInOverHttp(nexusPort, `localhost:${nexusPort}`, '/codex/', 'admin', password);
    const loadCookie = await cookieOf();
    const logoutCookie = await cookieOf();
    for (const pathname of LOAD_PATHS) {
      const answer = await gatewayGet(nexusPort, nexusPort, pathname, loadCookie);
      // A page may send on to another of its own (knowledgetree's root to its tree's root folder).
      assert.ok(
        answer.status < 400 && !signedOut(answer),
        `${pathname} answers the signed-in admin (${answer.status} ${answer.location})`,
      );
    }

    // The load, then the kills: each instance dies without warning while requests are in flight.
    const load = startLoad({
      port: nexusPort,
      hostname: 'localhost',
      cookie: loadCookie,
      paths: LOAD_PATHS,
      concurrency: 4,
      pauseMs: 10,
    });
    await sleep(3_000);
    load.phase('kills');
    started = Date.now();
    const killed: Instance[] = [];
    for (const name of KILLED) {
      const victim = byService.get(name)?.[0];
      assert.ok(victim !== undefined);
      const signal = await victim.stop('SIGKILL');
      assert.equal(signal, 'SIGKILL');
      killed.push(victim);
      await sleep(2_000);
    }
    await Promise.all(killed.map((instance) => instance.start()));
    await waitUp(socket, killed.map(keyOf), 20_000);
    await sleep(2_000);
    const killSeconds = (Date.now() - started) / 1000;

    // The rolling restart: every instance in turn drains on SIGTERM, starts again, and the next
    // waits until HAProxy routes to it.
    load.phase('rolling restart');
    started = Date.now();
    for (const service of services) {
      for (const instance of byService.get(service.name) ?? []) {
        const exit = await instance.stop('SIGTERM');
        assert.equal(exit, '0', `${instance.id} drained and exited 0 on SIGTERM`);
        await instance.start();
        await waitUp(socket, [keyOf(instance)], 20_000);
      }
    }
    await sleep(2_000);
    const rollingSeconds = (Date.now() - started) / 1000;
    load.phase('after');
    await sleep(2_000);
    const phases = await load.stop();
    log(
      `kills (${KILLED.join(', ')}, SIGKILL then restart) took ${killSeconds.toFixed(1)} s; rolling restart of ${instances.length} instances ${rollingSeconds.toFixed(1)} s`,
    );
    for (const [name, stats] of phases)
      log(
        `${name}: ${stats.requests} requests, ${stats.failures} failed (${percent(stats)}), ${stats.sessionLost} sent to sign in`,
      );
    for (const [name, stats] of phases) for (const sample of stats.samples) log(`${name}: ${sample}`);

    // A logout at nexus A is refused at nexus B (each asked directly, not through HAProxy).
    const [nexusA, nexusB] = byService.get('nexus') ?? [];
    assert.ok(nexusA !== undefined && nexusB !== undefined);
    assert.equal(
      (await gatewayGet(nexusB.port, nexusPort, '/codex/', logoutCookie)).status,
      200,
      'the second session works at nexus B',
    );
    const logout = await gatewayGet(nexusA.port, nexusPort, '/logout', logoutCookie);
    assert.equal(logout.status, 303, `logout at nexus A (${logout.status} ${logout.location})`);
    const loggedOutAt = Date.now();
    let propagationMs = -1;
    while (Date.now() - loggedOutAt < 5_000) {
      if (signedOut(await gatewayGet(nexusB.port, nexusPort, '/codex/', logoutCookie))) {
        propagationMs = Date.now() - loggedOutAt;
        break;
      }
      await sleep(20);
    }
    // The load's session is still the one it signed in with.
    assert.equal(
      (await gatewayGet(nexusPort, nexusPort, '/codex/', loadCookie)).status,
      200,
      "the load's session survived",
    );

    // Ledger's month-end: the month that is due ran once, across two instances and four starts.
    const ledgerDb = new pg.Client({ connectionString: databaseUrl('ledger') });
    await ledgerDb.connect();
    // The scheduler's first check comes a minute after an instance starts: wait for one.
    const monthEndQuery = 'SELECT period, count(*) AS runs FROM month_end_runs GROUP BY period';
    let monthEnd = await ledgerDb.query<{ period: string; runs: string }>(monthEndQuery);
    for (
      const deadline = Date.now() + 90_000;
      monthEnd.rows.length === 0 && Date.now() < deadline;
      await sleep(2_000)
    ) {
      monthEnd = await ledgerDb.query<{ period: string; runs: string }>(monthEndQuery);
    }
    await sleep(3_000);
    monthEnd = await ledgerDb.query<{ period: string; runs: string }>(monthEndQuery);
    await ledgerDb.end();

    // The scheduled jobs, watched since before the first instance started.
    jobsStopped = true;
    const jobHistories = await jobWatch.stop();
    // Knowledgetree's codex sync, by its effect too: one scheduled sync run per recorded job run.
    const knowledgeDb = new pg.Client({ connectionString: databaseUrl('knowledgetree') });
    await knowledgeDb.connect();
    const syncRuns = await knowledgeDb.query<{ runs: string }>(
      "SELECT count(*) AS runs FROM sync_runs WHERE trigger = 'schedule' AND started_at >= $1",
      [watchStarted],
    );
    await knowledgeDb.end();

    log(`logout at nexus A refused at nexus B after ${propagationMs} ms`);
    log(`month-end runs: ${monthEnd.rows.map((row) => `${row.period}×${row.runs}`).join(', ') || 'none'}`);
    for (const history of jobHistories) log(`scheduled job ${describeJob(history)}`);
    log(`knowledgetree's scheduled codex sync runs: ${syncRuns.rows[0]?.runs ?? '0'}`);

    const all = [...phases.values()];
    assert.equal(
      all.reduce((sum, stats) => sum + stats.sessionLost, 0),
      0,
      'no request was sent to sign in again',
    );
    const kills = phases.get('kills');
    const rolling = phases.get('rolling restart');
    assert.ok(kills !== undefined && rolling !== undefined);
    // Under 1,000 requests (a busy machine), under 0.1 % means none.
    assert.ok(
      kills.failures / kills.requests < 0.001,
      `failures during the kills under 0.1 % (${kills.failures}/${kills.requests})`,
    );
    assert.equal(rolling.failures, 0, 'no failure during the rolling restart');
    assert.equal(phases.get('after')?.failures ?? 0, 0);
    assert.ok(
      propagationMs >= 0 && propagationMs < 1_000,
      `logout refused at the other nexus within 1 s (${propagationMs} ms)`,
    );
    assert.equal(monthEnd.rows.length, 1, 'the month-end job ran for the month that is due');
    assert.equal(monthEnd.rows[0]?.runs, '1', 'once');
    assert.deepEqual(
      jobHistories.flatMap((history) => judgeJob(history)),
      [],
      'every scheduled job ran once per due time',
    );
    const syncJob = jobHistories.find((history) => history.job.name === 'knowledgetree:codex-sync');
    assert.equal(
      syncRuns.rows[0]?.runs,
      String(syncJob?.samples.at(-1)?.runs ?? 0),
      "one scheduled codex sync in knowledgetree's sync_runs per run of its job",
    );
  },
);
