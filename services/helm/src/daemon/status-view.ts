/** Turning the daemon's state into the status shape (`status.ts`). */
import type { LoadedPlatform } from '../generate/index.js';
import type { AppDefinition } from '../registry/index.js';
import type { ServiceStatusView } from '../status.js';
import type { UnitHealth, UnitStatus } from '../supervisor/index.js';

/** What helm itself reports about its own HTTP service. */
export interface HelmSelf {
  pid: number;
  running: boolean;
  health: UnitHealth;
  startedAt: number;
  memoryMb: number | null;
  message: string | null;
}

function base(
  app: AppDefinition,
  loaded: LoadedPlatform,
): Pick<ServiceStatusView, 'name' | 'kind' | 'port' | 'url' | 'log_file'> {
  return {
    name: app.name,
    kind: app.kind,
    port: app.port,
    url: loaded.context.derived.serviceUrl(app),
    log_file: loaded.paths.logFile(app.name),
  };
}

const idle = { pid: null, restarts: 0, uptime_s: null, memory_mb: null, started_at: null, log_tail: [] };

/** The status of one app, from its unit (supervised), helm's own state, or why it is not run. */
export function serviceView(
  app: AppDefinition,
  loaded: LoadedPlatform,
  unit: UnitStatus | undefined,
  helm: HelmSelf,
  now: number,
): ServiceStatusView {
  if (!app.installed)
    return {
      ...base(app, loaded),
      ...idle,
      state: 'not_installed',
      health: 'unknown',
      message: `${app.dir} has no ${app.entry}`,
    };
  if (loaded.config.apps[app.name]?.enabled === false) {
    return {
      ...base(app, loaded),
      ...idle,
      state: 'disabled',
      health: 'unknown',
      message: 'disabled in the master configuration',
    };
  }
  if (app.name === 'helm') {
    return {
      ...base(app, loaded),
      pid: helm.pid,
      state: helm.running ? 'running' : 'failed',
      health: helm.health,
      restarts: 0,
      uptime_s: Math.round((now - helm.startedAt) / 1000),
      memory_mb: helm.memoryMb,
      started_at: new Date(helm.startedAt).toISOString(),
      message: helm.message,
      log_tail: [],
    };
  }
  if (unit === undefined) return { ...base(app, loaded), ...idle, state: 'stopped', health: 'unknown', message: null };
  return {
    ...base(app, loaded),
    pid: unit.pid,
    state: unit.state,
    health: unit.health,
    restarts: unit.restarts,
    uptime_s: unit.uptimeMs === null ? null : Math.round(unit.uptimeMs / 1000),
    memory_mb: unit.memoryMb,
    started_at: unit.startedAt === null ? null : new Date(unit.startedAt).toISOString(),
    message: unit.message,
    log_tail: unit.logTail,
  };
}
